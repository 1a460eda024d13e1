import { api, type SubmissionItem } from '../api.js';
import type { Page } from '../app.js';
import { formatCalendarDate, formatDateTime, formatMoney, t } from '../i18n.js';
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
                h('strong', { class: 'proof-title' }, s.invoiceNumber ?? s.store ?? s.kindLabel),
                h('span', { class: `pill ${s.state}` }, s.stateLabel),
              ),
              h(
                'p',
                { class: 'muted proof-facts' },
                [
                  (s.invoiceNumber || s.store) && s.kindLabel,
                  s.invoiceNumber && s.store,
                  s.purchasedOn && formatCalendarDate(s.purchasedOn),
                  s.amountMinor !== null && formatMoney(s.amountMinor, s.currency),
                ]
                  .filter(Boolean)
                  .join(' · '),
              ),
              h('p', { class: 'muted' }, t('submissions.sentAt', { date: formatDateTime(s.createdAt) })),
              s.reason && h('p', { class: 'reason' }, s.reason),
            ),
          ),
        ),
  );
};
