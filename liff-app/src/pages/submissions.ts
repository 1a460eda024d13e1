import { api, type SubmissionItem } from '../api.js';
import type { Page } from '../app.js';
import { formatDateTime, t } from '../i18n.js';
import { empty, h } from '../ui.js';

export const submissionsPage: Page = async () => {
  const { submissions } = await api<{ submissions: SubmissionItem[] }>('/api/liff/submissions');
  return h(
    'section',
    { 'data-page': 'submissions' },
    h('h1', {}, t('submissions.title')),
    submissions.length === 0
      ? empty(t('submissions.empty'))
      : h(
          'ul',
          { class: 'list' },
          ...submissions.map((s) =>
            h(
              'li',
              { class: `item state-${s.state}`, 'data-testid': 'submission' },
              h(
                'div',
                { class: 'row' },
                h('span', { class: `pill ${s.state}` }, s.stateLabel),
                h('time', { datetime: s.createdAt }, formatDateTime(s.createdAt)),
              ),
              s.reason && h('p', { class: 'reason' }, s.reason),
            ),
          ),
        ),
  );
};
