import { useEffect, useRef, useState } from 'preact/hooks';
import { isApiError } from '../../api';
import { formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import { can } from '../../session';
import { errorText } from '../../ui/feedback';
import {
  broadcastsApi,
  type Condition,
  type Preview,
  type SavedSegment,
  type SegmentOptions,
} from './broadcasts-api';
import { messages } from './messages';
import {
  conditionOf,
  draftOf,
  emptySegment,
  newRow,
  ROW_TYPES,
  type Row,
  type RowType,
  type SegmentDraft,
} from './segment-condition';
import { InlineField, RowFields } from './segment-fields';

const t = createTranslator(messages);

/** The live count of a condition while it is edited (debounced, the previous request aborted). */
export function useLiveCount(condition: Condition) {
  const [state, setState] = useState<{ preview?: Preview; error?: unknown; busy: boolean }>({ busy: true });
  const key = JSON.stringify(condition);
  useEffect(() => {
    const controller = new AbortController();
    setState((current) => ({ ...current, busy: true }));
    const timer = setTimeout(() => {
      broadcastsApi
        .preview(condition, controller.signal)
        .then((preview) => setState({ preview, busy: false }))
        .catch((error: unknown) => {
          if ((error as Error).name !== 'AbortError') setState({ error, busy: false });
        });
    }, 300);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [key]);
  return state;
}

/**
 * The segment builder: tests joined by AND / OR (each may be negated), the live count of reachable
 * members with a sample of 20, and saving the condition as a named segment or starting from a saved one.
 */
export function SegmentBuilder({
  draft,
  onChange,
  savedId,
  onSavedId,
}: {
  draft: SegmentDraft;
  onChange: (next: SegmentDraft) => void;
  /** The saved segment the draft is, unchanged (the broadcast then names it). */
  savedId: string | undefined;
  onSavedId: (id: string | undefined) => void;
}) {
  const [options, setOptions] = useState<SegmentOptions>();
  const [saved, setSaved] = useState<SavedSegment[]>([]);
  const [adding, setAdding] = useState<RowType>('bought');
  const [name, setName] = useState('');
  const [saveState, setSaveState] = useState<{ busy?: boolean; error?: unknown; done?: string }>({});
  const condition = conditionOf(draft);
  const live = useLiveCount(condition);
  const rowsRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    broadcastsApi.options().then(setOptions, () => undefined);
    broadcastsApi.segments().then(setSaved, () => undefined);
  }, []);

  const change = (next: SegmentDraft) => {
    onSavedId(undefined);
    onChange(next);
  };
  const setRow = (key: number, update: (row: Row) => Row) =>
    change({ ...draft, rows: draft.rows.map((row) => (row.key === key ? update(row) : row)) });
  const fieldIssue = live.error && isApiError(live.error, 400) ? live.error.issues[0] : undefined;

  return (
    <fieldset class="card segment-builder">
      <legend>{t('seg.title')}</legend>
      <div class="toolbar">
        <InlineField label={t('seg.start')}>
          {(id) => (
            <select
              id={id}
              value={savedId ?? ''}
              onChange={(event) => {
                const segment = saved.find((candidate) => candidate.id === event.currentTarget.value);
                const next = segment ? draftOf(segment.condition) : emptySegment();
                onChange(next ?? emptySegment());
                onSavedId(segment?.id);
              }}
            >
              <option value="">{t('seg.fromScratch')}</option>
              {saved.map((segment) => (
                <option key={segment.id} value={segment.id}>
                  {segment.name}
                </option>
              ))}
            </select>
          )}
        </InlineField>
        {draft.rows.length > 1 ? (
          <InlineField label={t('seg.match')}>
            {(id) => (
              <select
                id={id}
                value={draft.match}
                onChange={(event) => change({ ...draft, match: event.currentTarget.value as 'and' | 'or' })}
              >
                <option value="and">{t('seg.matchAll')}</option>
                <option value="or">{t('seg.matchAny')}</option>
              </select>
            )}
          </InlineField>
        ) : null}
      </div>
      <div class="segment-rows" ref={rowsRef}>
        {draft.rows.length === 0 ? <p class="muted">{t('seg.everyone')}</p> : null}
        {draft.rows.map((row, index) => (
          <div
            class="segment-row"
            key={row.key}
            role="group"
            aria-label={t(`type.${row.type}` as 'type.bought')}
          >
            <span class="joiner">
              {index === 0 ? t('seg.where') : t(draft.match === 'and' ? 'seg.and' : 'seg.or')}
            </span>
            <strong class="row-type">{t(`type.${row.type}` as 'type.bought')}</strong>
            <label class="not-toggle">
              <input
                type="checkbox"
                checked={row.not}
                onChange={(event) =>
                  setRow(row.key, (current) => ({ ...current, not: event.currentTarget.checked }))
                }
              />{' '}
              {t('seg.not')}
            </label>
            <div class="row-fields">
              <RowFields
                row={row}
                options={options}
                set={(field, value) =>
                  setRow(row.key, (current) => ({
                    ...current,
                    values: { ...current.values, [field]: value },
                  }))
                }
              />
            </div>
            <button
              type="button"
              class="ghost"
              aria-label={t('seg.removeRow', { type: t(`type.${row.type}` as 'type.bought') })}
              onClick={() =>
                change({ ...draft, rows: draft.rows.filter((candidate) => candidate.key !== row.key) })
              }
            >
              ✕
            </button>
          </div>
        ))}
      </div>
      <div class="toolbar">
        <InlineField label={t('seg.addLabel')}>
          {(id) => (
            <select
              id={id}
              value={adding}
              onChange={(event) => setAdding(event.currentTarget.value as RowType)}
            >
              {ROW_TYPES.map((type) => (
                <option key={type} value={type}>
                  {t(`type.${type}` as 'type.bought')}
                </option>
              ))}
            </select>
          )}
        </InlineField>
        <button
          type="button"
          onClick={() => {
            change({ ...draft, rows: [...draft.rows, newRow(adding)] });
            // Focus the new row's first input so typing can go on from the keyboard.
            setTimeout(() =>
              rowsRef.current
                ?.querySelector<HTMLElement>(
                  '.segment-row:last-child .row-fields input, .segment-row:last-child .row-fields select',
                )
                ?.focus(),
            );
          }}
        >
          {t('seg.add')}
        </button>
      </div>
      <div class="live-count" aria-live="polite">
        {live.preview && !live.error ? (
          <>
            <strong class="count" data-testid="segment-count">
              {t('seg.count', { count: formatNumber(live.preview.count) })}
            </strong>{' '}
            {live.preview.excluded > 0 ? (
              <span class="muted">{t('seg.excluded', { count: formatNumber(live.preview.excluded) })}</span>
            ) : null}
            {live.busy ? <span class="muted"> {t('seg.counting')}</span> : null}
          </>
        ) : live.error ? (
          <span class="field-error">
            {fieldIssue
              ? `${fieldIssue.path.replace(/^condition\.?/, '') || t('seg.title')}: ${fieldIssue.message}`
              : errorText(live.error)}
          </span>
        ) : (
          <span class="muted">{t('seg.counting')}</span>
        )}
      </div>
      {live.preview?.sample && live.preview.sample.length > 0 ? (
        <details class="sample">
          <summary>{t('seg.sample', { count: live.preview.sample.length })}</summary>
          <ul>
            {live.preview.sample.map((member) => (
              <li key={member.id}>
                {member.displayName ?? member.id}{' '}
                <span class="muted">
                  · {member.locale}
                  {member.region ? ` · ${member.region}` : ''}
                </span>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
      {can('segments.write') ? (
        <div class="toolbar">
          <InlineField label={t('seg.name')}>
            {(id) => <input id={id} value={name} onInput={(event) => setName(event.currentTarget.value)} />}
          </InlineField>
          <button
            type="button"
            disabled={saveState.busy || name.trim() === ''}
            onClick={async () => {
              setSaveState({ busy: true });
              try {
                const created = await broadcastsApi.saveSegment(name.trim(), condition);
                setSaved([
                  { id: created.id, name: name.trim(), condition, createdAt: new Date().toISOString() },
                  ...saved,
                ]);
                onSavedId(created.id);
                setSaveState({
                  done: t('seg.saved', { name: name.trim(), count: formatNumber(created.count) }),
                });
                setName('');
              } catch (error) {
                setSaveState({ error });
              }
            }}
          >
            {t('seg.save')}
          </button>
          {saveState.done ? (
            <span class="muted" role="status">
              {saveState.done}
            </span>
          ) : null}
          {saveState.error ? <span class="field-error">{errorText(saveState.error)}</span> : null}
        </div>
      ) : null}
    </fieldset>
  );
}
