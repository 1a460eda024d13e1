import { useEffect, useState } from 'preact/hooks';
import { api, isApiError } from '../../api';
import { createTranslator } from '../../i18n';
import { can } from '../../session';
import { downloadCsv, toCsv } from '../../ui/csv';
import { Banner, ErrorBanner, Loading } from '../../ui/feedback';
import { Field } from '../../ui/field';
import { cleanLocalized, LocalizedFields, type Localized } from '../../ui/localized';
import { moveItem, useSortable } from '../../ui/sortable';
import { messages } from './messages';
import type { FieldErrors } from './model';
import { Check, IntField, Section, SelectField } from './widgets';

const t = createTranslator(messages);

type QuestionType = 'single' | 'multiple' | 'scale' | 'text';
type Question = {
  key: string;
  type: QuestionType;
  label: Localized;
  required: boolean;
  options?: { key: string; label: Localized }[];
  scale?: { min: number; max: number };
};
type SurveyDraft = {
  title: Localized;
  frequency: 'per_proof' | 'per_member';
  active: boolean;
  questions: Question[];
};
type Answer = {
  memberId: string;
  submissionId: string | null;
  answers: Record<string, string | string[] | number>;
  createdAt: string;
};

const newQuestion = (index: number): Question => ({
  key: `q${index + 1}`,
  type: 'single',
  label: {},
  required: false,
  options: [
    { key: 'a', label: {} },
    { key: 'b', label: {} },
  ],
});

/** What the server stores: empty languages dropped, options only on choices, a scale only on ratings. */
function bodyOfSurvey(draft: SurveyDraft) {
  return {
    ...draft,
    title: cleanLocalized(draft.title),
    questions: draft.questions.map(({ options, scale, ...question }) => ({
      ...question,
      label: cleanLocalized(question.label),
      ...(question.type === 'single' || question.type === 'multiple'
        ? { options: (options ?? []).map((option) => ({ ...option, label: cleanLocalized(option.label) })) }
        : {}),
      ...(question.type === 'scale' ? { scale: scale ?? { min: 1, max: 5 } } : {}),
    })),
  };
}

/** The campaign's survey: single / multiple choice, free text, rating; required or not; answers as CSV. */
export function SurveyBuilder({
  slug,
  onNewVersion,
}: {
  slug: string;
  /** A change on a published campaign saved a new version: the editor reloads at it and says so. */
  onNewVersion: (notice: string) => Promise<void>;
}) {
  const [draft, setDraft] = useState<SurveyDraft | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const writable = can('campaigns.write');

  useEffect(() => {
    api
      .get<{ survey: SurveyDraft | null }>(`/campaigns/${slug}/survey`)
      .then((answer) =>
        setDraft(
          answer.survey
            ? {
                title: answer.survey.title,
                frequency: answer.survey.frequency,
                active: answer.survey.active,
                questions: answer.survey.questions,
              }
            : { title: {}, frequency: 'per_member', active: true, questions: [newQuestion(0)] },
        ),
      )
      .catch(setError);
  }, [slug]);

  const questionCount = draft?.questions.length ?? 0;
  const sortable = useSortable({
    count: questionCount,
    nameOf: (index) => draft?.questions[index]?.key || String(index + 1),
    onMove: (from, to) => {
      setSaved(false);
      setDraft((current) => current && { ...current, questions: moveItem(current.questions, from, to) });
    },
  });

  if (!draft) return error ? <ErrorBanner error={error} /> : <Loading />;
  const set = (patch: Partial<SurveyDraft>) => {
    setSaved(false);
    setDraft({ ...draft, ...patch });
  };
  const setQuestion = (index: number, patch: Partial<Question>) =>
    set({ questions: draft.questions.map((q, i) => (i === index ? { ...q, ...patch } : q)) });

  const save = async () => {
    setError(null);
    try {
      const answer = await api.put<{ version: number; versionCreated: boolean }>(
        `/campaigns/${slug}/survey`,
        bodyOfSurvey(draft),
      );
      setErrors({});
      if (answer.versionCreated) await onNewVersion(t('survey.savedVersion', { version: answer.version }));
      else setSaved(true);
    } catch (caught) {
      if (isApiError(caught, 400)) setErrors(caught.fieldErrors);
      setError(caught);
    }
  };

  const exportCsv = async () => {
    try {
      const { answers } = await api.get<{ answers: Answer[] }>(`/campaigns/${slug}/survey/answers`);
      const keys = draft.questions.map((q) => q.key);
      const cell = (value: string | string[] | number | undefined) =>
        Array.isArray(value) ? value.join('; ') : value;
      downloadCsv(
        `${slug}-survey-answers.csv`,
        toCsv(
          ['answeredAt', 'memberId', 'submissionId', ...keys],
          answers.map((a) => [
            a.createdAt,
            a.memberId,
            a.submissionId,
            ...keys.map((k) => cell(a.answers[k])),
          ]),
        ),
      );
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <div class="survey-builder">
      <ErrorBanner error={error} />
      {saved ? <Banner kind="success">{t('survey.saved')}</Banner> : null}
      <fieldset class="bare" disabled={!writable}>
        <Section title={t('survey.title')} aside={t('survey.about')}>
          <div class="grid3">
            <LocalizedFields
              label={t('survey.name')}
              name="survey-title"
              value={draft.title}
              error={errors.title}
              onChange={(title) => set({ title })}
            />
            <SelectField
              label={t('survey.frequency')}
              name="survey-frequency"
              value={draft.frequency}
              options={[
                { value: 'per_member', label: t('survey.perMember') },
                { value: 'per_proof', label: t('survey.perProof') },
              ]}
              onChange={(frequency) => set({ frequency })}
            />
            <Check
              name="survey-active"
              label={t('survey.active')}
              checked={draft.active}
              onChange={(active) => set({ active })}
            />
          </div>
        </Section>
        {errors.questions ? <p class="field-error">{errors.questions}</p> : null}
        <div class="sortable-list" ref={sortable.listRef}>
          {draft.questions.map((question, index) => {
            const path = `questions.${index}`;
            const choice = question.type === 'single' || question.type === 'multiple';
            return (
              <div class="row-card" key={index} data-question={index} {...sortable.rowProps(index)}>
                {sortable.handle(index)}
                <div class="grid4">
                  <Field label={t('survey.key')} error={errors[`${path}.key`]}>
                    {(props) => (
                      <input
                        {...props}
                        name={`question-${index}-key`}
                        value={question.key}
                        onInput={(event) => setQuestion(index, { key: event.currentTarget.value.trim() })}
                      />
                    )}
                  </Field>
                  <SelectField<QuestionType>
                    label={t('survey.type')}
                    name={`question-${index}-type`}
                    value={question.type}
                    options={(['single', 'multiple', 'scale', 'text'] as const).map((type) => ({
                      value: type,
                      label: t(`survey.type.${type}`),
                    }))}
                    onChange={(type) =>
                      setQuestion(index, {
                        type,
                        ...(type === 'single' || type === 'multiple'
                          ? { options: question.options ?? newQuestion(index).options }
                          : {}),
                      })
                    }
                  />
                  <Check
                    name={`question-${index}-required`}
                    label={t('survey.required')}
                    checked={question.required}
                    onChange={(required) => setQuestion(index, { required })}
                  />
                  <div class="actions">
                    <button
                      type="button"
                      onClick={(event) => sortable.move(index, index - 1, event.currentTarget)}
                      aria-label={t('survey.up')}
                    >
                      ↑
                    </button>
                    <button
                      type="button"
                      onClick={(event) => sortable.move(index, index + 1, event.currentTarget)}
                      aria-label={t('survey.down')}
                    >
                      ↓
                    </button>
                    <button
                      type="button"
                      disabled={draft.questions.length === 1}
                      onClick={() => set({ questions: draft.questions.filter((_, i) => i !== index) })}
                    >
                      {t('remove')}
                    </button>
                  </div>
                </div>
                <div class="grid3">
                  <LocalizedFields
                    label={t('survey.question')}
                    name={`question-${index}-label`}
                    value={question.label}
                    error={errors[`${path}.label`]}
                    onChange={(label) => setQuestion(index, { label })}
                  />
                </div>
                {choice ? (
                  <SurveyOptions
                    questionIndex={index}
                    options={question.options ?? []}
                    errors={errors}
                    onChange={(options) => setQuestion(index, { options })}
                  />
                ) : null}
                {question.type === 'scale' ? (
                  <div class="grid4">
                    <IntField
                      label={t('survey.scaleMin')}
                      name={`question-${index}-min`}
                      value={question.scale?.min ?? 1}
                      error={errors[`${path}.scale.min`]}
                      onChange={(min) =>
                        setQuestion(index, { scale: { min: min ?? 1, max: question.scale?.max ?? 5 } })
                      }
                    />
                    <IntField
                      label={t('survey.scaleMax')}
                      name={`question-${index}-max`}
                      value={question.scale?.max ?? 5}
                      error={errors[`${path}.scale.max`]}
                      onChange={(max) =>
                        setQuestion(index, { scale: { min: question.scale?.min ?? 1, max: max ?? 5 } })
                      }
                    />
                  </div>
                ) : null}
              </div>
            );
          })}
        </div>
        {sortable.announcer}
        <div class="form-actions">
          <button
            type="button"
            onClick={() => set({ questions: [...draft.questions, newQuestion(draft.questions.length)] })}
          >
            {t('survey.addQuestion')}
          </button>
          <button type="button" class="primary" onClick={() => void save()}>
            {t('survey.save')}
          </button>
        </div>
      </fieldset>
      {can('exports.run') ? (
        <button type="button" onClick={() => void exportCsv()}>
          {t('survey.export')}
        </button>
      ) : null}
    </div>
  );
}

type Option = NonNullable<Question['options']>[number];

/**
 * A choice question's options: edited in place, reordered by dragging the handle or Alt+↑ / Alt+↓ (the
 * order members see in the chat's quick replies and in LIFF), added, and removed down to the two a
 * choice needs.
 */
function SurveyOptions({
  questionIndex,
  options,
  errors,
  onChange,
}: {
  questionIndex: number;
  options: Option[];
  errors: FieldErrors;
  onChange: (options: Option[]) => void;
}) {
  const path = `questions.${questionIndex}.options`;
  const sortable = useSortable({
    count: options.length,
    nameOf: (index) => options[index]?.key || String(index + 1),
    onMove: (from, to) => onChange(moveItem(options, from, to)),
  });
  const setOption = (index: number, patch: Partial<Option>) =>
    onChange(options.map((option, i) => (i === index ? { ...option, ...patch } : option)));
  const freeKey = () => {
    const taken = new Set(options.map((option) => option.key));
    for (let code = 97; code <= 122; code += 1)
      if (!taken.has(String.fromCharCode(code))) return String.fromCharCode(code);
    return `o${options.length + 1}`;
  };
  return (
    <div class="survey-options">
      {errors[path] ? <p class="field-error">{errors[path]}</p> : null}
      <div class="sortable-list" ref={sortable.listRef}>
        {options.map((option, index) => (
          <div class="option-row" key={index} data-option={index} {...sortable.rowProps(index)}>
            {sortable.handle(index)}
            <div class="option-grid">
              <Field label={t('survey.optionKey')} error={errors[`${path}.${index}.key`]}>
                {(props) => (
                  <input
                    {...props}
                    name={`question-${questionIndex}-option-${index}-key`}
                    value={option.key}
                    onInput={(event) => setOption(index, { key: event.currentTarget.value.trim() })}
                  />
                )}
              </Field>
              <LocalizedFields
                label={t('survey.option')}
                name={`question-${questionIndex}-option-${index}`}
                value={option.label}
                error={errors[`${path}.${index}.label`]}
                onChange={(label) => setOption(index, { label })}
              />
              <div class="option-remove">
                <button
                  type="button"
                  class="link"
                  disabled={options.length <= 2}
                  aria-label={t('survey.removeOption', { key: option.key || String(index + 1) })}
                  onClick={() => onChange(options.filter((_, i) => i !== index))}
                >
                  {t('remove')}
                </button>
              </div>
            </div>
          </div>
        ))}
      </div>
      {sortable.announcer}
      <button type="button" onClick={() => onChange([...options, { key: freeKey(), label: {} }])}>
        {t('survey.addOption')}
      </button>
    </div>
  );
}
