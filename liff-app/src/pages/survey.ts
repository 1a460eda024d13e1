import { api, ApiError, type DueSurvey, type SurveyQuestion } from '../api.js';
import type { Page } from '../app.js';
import { pick, t } from '../i18n.js';
import { banner, busy, empty, errorBanner, h } from '../ui.js';

function questionInput(question: SurveyQuestion): { element: HTMLElement; value: () => unknown } {
  const name = `q-${question.key}`;
  const legend = h(
    'legend',
    {},
    pick(question.label),
    ' ',
    h('small', { class: 'muted' }, question.required ? t('common.required') : t('common.optional')),
  );
  switch (question.type) {
    case 'single':
    case 'multiple': {
      const type = question.type === 'single' ? 'radio' : 'checkbox';
      const inputs = (question.options ?? []).map((option) => h('input', { type, name, value: option.key }));
      return {
        element: h(
          'fieldset',
          { class: 'question' },
          legend,
          ...inputs.map((input, i) =>
            h('label', { class: 'check' }, input, ' ', pick(question.options?.[i]?.label)),
          ),
        ),
        value: () => {
          const checked = inputs.filter((input) => input.checked).map((input) => input.value);
          return question.type === 'single' ? checked[0] : checked;
        },
      };
    }
    case 'scale': {
      const { min, max } = question.scale ?? { min: 1, max: 5 };
      const inputs: HTMLInputElement[] = [];
      for (let n = min; n <= max; n++) inputs.push(h('input', { type: 'radio', name, value: String(n) }));
      return {
        element: h(
          'fieldset',
          { class: 'question scale' },
          legend,
          h(
            'div',
            { class: 'scale-row' },
            ...inputs.map((input) =>
              h('label', { class: 'scale-option' }, input, h('span', {}, input.value)),
            ),
          ),
        ),
        value: () => {
          const checked = inputs.find((input) => input.checked);
          return checked ? Number(checked.value) : undefined;
        },
      };
    }
    case 'text': {
      const area = h('textarea', { name, rows: 3, maxlength: 500 });
      return { element: h('fieldset', { class: 'question' }, legend, area), value: () => area.value };
    }
  }
}

export const surveyPage: Page = async ({ go }) => {
  const { survey } = await api<{ survey: DueSurvey | null }>('/api/liff/surveys/due');
  if (!survey)
    return h('section', { 'data-page': 'survey' }, h('h1', {}, t('survey.title')), empty(t('survey.none')));
  const questions = survey.questions.map((q) => ({ q, ...questionInput(q) }));
  const status = h('div', { class: 'status-slot' });
  const send = h('button', { class: 'primary', type: 'submit' }, t('survey.send'));
  const form = h('form', {}, ...questions.map((q) => q.element), status, send);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const answers = Object.fromEntries(
      questions.map(({ q, value }) => [q.key, value()]).filter(([, v]) => v !== undefined && v !== ''),
    );
    void busy(send, t('submit.sending'), async () => {
      try {
        await api(`/api/liff/surveys/${survey.id}/answers`, {
          method: 'POST',
          body: { submissionId: survey.submissionId, answers },
        });
        form.replaceChildren(
          banner('ok', t('survey.done')),
          h('button', { type: 'button', class: 'secondary', onclick: () => go('home') }, t('nav.home')),
        );
      } catch (error) {
        const issues =
          error instanceof ApiError
            ? ((error.details as { issues?: { question: string }[] } | undefined)?.issues ?? [])
            : [];
        for (const { q, element } of questions)
          element.toggleAttribute(
            'aria-invalid',
            issues.some((i) => i.question === q.key),
          );
        status.replaceChildren(
          issues.length ? banner('error', t('register.invalid')) : errorBanner(error, go),
        );
      }
    });
  });
  return h('section', { 'data-page': 'survey' }, h('h1', {}, pick(survey.title) || t('survey.title')), form);
};
