import { parseFlexInput, type FlexProblem } from '../../../../core/broadcasts/broadcasts.flex';
import { createTranslator } from '../../i18n';
import { Field } from '../../ui/field';
import type { LineMessage } from './broadcasts-api';
import { flexMessages } from './flex-messages';

const t = createTranslator(flexMessages);

/** A message after the text and card: another text, or a Flex message pasted as JSON. */
export type ExtraMessage =
  { id: number; kind: 'text'; text: string } | { id: number; kind: 'flex'; altText: string; json: string };

let nextId = 1;

/** The Flex JSON's problems (none when it validates), checked as the server checks them. */
export function flexDraftProblems(item: Extract<ExtraMessage, { kind: 'flex' }>): FlexProblem[] {
  if (!item.json.trim()) return [{ path: '', message: t('flex.jsonEmpty') }];
  const parsed = parseFlexInput(item.json, item.altText);
  return parsed.ok ? [] : parsed.problems;
}

/** The LINE messages of the extra messages that are ready (a Flex JSON with problems is left out). */
export function extraLineMessages(items: ExtraMessage[]): LineMessage[] {
  return items.flatMap((item): LineMessage[] => {
    if (item.kind === 'text') return item.text.trim() ? [{ type: 'text', text: item.text.trim() }] : [];
    const parsed = parseFlexInput(item.json, item.altText);
    return parsed.ok ? [parsed.message] : [];
  });
}

/** Whether every extra message can be sent (texts written, Flex JSON valid). */
export function extrasReady(items: ExtraMessage[]): boolean {
  return items.every((item) =>
    item.kind === 'text' ? item.text.trim() !== '' : flexDraftProblems(item).length === 0,
  );
}

/** Each problem at its path, in the console's language when the schema gave it a code. */
const problemText = (problems: FlexProblem[]) =>
  problems
    .map((problem) => {
      const words = problem.code ? t(`flex.err.${problem.code}`, problem.vars) : problem.message;
      return problem.path ? `${problem.path}: ${words}` : words;
    })
    .join('\n');

/** The extra messages of one language version, with buttons to add a text or a Flex message. */
export function ExtraMessages({
  items,
  onChange,
  room,
  count,
  max,
  idPrefix,
}: {
  items: ExtraMessage[];
  onChange: (next: ExtraMessage[]) => void;
  /** How many more messages fit (LINE: 5 in all). */
  room: number;
  count: number;
  max: number;
  idPrefix: string;
}) {
  const update = (id: number, patch: Partial<ExtraMessage>) =>
    onChange(items.map((item) => (item.id === id ? ({ ...item, ...patch } as ExtraMessage) : item)));
  const add = (item: ExtraMessage) => {
    onChange([...items, item]);
    // The new message's first field takes the focus, for keyboard users.
    requestAnimationFrame(() =>
      document
        .querySelector<HTMLElement>(
          `#${idPrefix}-extra-${item.id} textarea, #${idPrefix}-extra-${item.id} input`,
        )
        ?.focus(),
    );
  };
  return (
    <div class="extra-messages">
      {items.map((item, index) => {
        const problems = item.kind === 'flex' && item.json.trim() ? flexDraftProblems(item) : [];
        const altProblems = problems.filter((problem) => problem.path === 'altText');
        const jsonProblems = problems.filter((problem) => problem.path !== 'altText');
        return (
          <section
            class="extra-message"
            key={item.id}
            id={`${idPrefix}-extra-${item.id}`}
            aria-label={t(item.kind === 'flex' ? 'flex.flexTitle' : 'flex.textTitle', { n: index + 1 })}
          >
            <div class="extra-head">
              <strong>
                {t(item.kind === 'flex' ? 'flex.flexTitle' : 'flex.textTitle', { n: index + 1 })}
              </strong>
              <button
                type="button"
                class="ghost"
                onClick={() => onChange(items.filter((other) => other.id !== item.id))}
              >
                {t('flex.remove')}
              </button>
            </div>
            {item.kind === 'text' ? (
              <Field label={t('flex.text')}>
                {(props) => (
                  <textarea
                    {...props}
                    rows={3}
                    maxLength={5000}
                    value={item.text}
                    onInput={(event) => update(item.id, { text: event.currentTarget.value })}
                  />
                )}
              </Field>
            ) : (
              <div class="flex-editor">
                <Field
                  label={t('flex.altText')}
                  hint={t('flex.altHint')}
                  error={altProblems.length > 0 ? t('flex.altMissing') : undefined}
                >
                  {(props) => (
                    <input
                      {...props}
                      maxLength={1500}
                      value={item.altText}
                      onInput={(event) => update(item.id, { altText: event.currentTarget.value })}
                    />
                  )}
                </Field>
                <Field
                  label={t('flex.json')}
                  hint={t('flex.jsonHint')}
                  error={
                    jsonProblems.length > 0
                      ? `${t('flex.problems', { count: jsonProblems.length })}\n${problemText(jsonProblems)}`
                      : undefined
                  }
                >
                  {(props) => (
                    <textarea
                      {...props}
                      class="mono"
                      rows={10}
                      spellcheck={false}
                      data-testid="flex-json"
                      value={item.json}
                      onInput={(event) => update(item.id, { json: event.currentTarget.value })}
                    />
                  )}
                </Field>
                <button
                  type="button"
                  class="ghost"
                  disabled={jsonProblems.length > 0 || !item.json.trim()}
                  onClick={() => {
                    try {
                      update(item.id, { json: JSON.stringify(JSON.parse(item.json), null, 2) });
                    } catch {
                      // Only offered when the JSON parses.
                    }
                  }}
                >
                  {t('flex.format')}
                </button>
              </div>
            )}
          </section>
        );
      })}
      <div class="toolbar">
        <button
          type="button"
          disabled={room <= 0}
          onClick={() => add({ id: nextId++, kind: 'text', text: '' })}
        >
          {t('flex.addText')}
        </button>
        <button
          type="button"
          disabled={room <= 0}
          onClick={() => add({ id: nextId++, kind: 'flex', altText: '', json: '' })}
        >
          {t('flex.addFlex')}
        </button>
        <span class="muted small" aria-live="polite">
          {t('flex.count', { count, max })}
        </span>
      </div>
    </div>
  );
}
