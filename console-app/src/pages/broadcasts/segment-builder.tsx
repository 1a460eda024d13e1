import { useEffect, useState } from 'preact/hooks';
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
  appendTo,
  conditionOf,
  draftOf,
  emptyGroup,
  emptySegment,
  MAX_GROUP_DEPTH,
  newRow,
  removeNode,
  ROW_TYPES,
  updateNode,
  type Group,
  type Node,
  type Row,
  type RowType,
  type SegmentDraft,
} from './segment-condition';
import { InlineField, RowFields } from './segment-fields';
import { SegmentSaving } from './segment-saving';

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

/** How the builder's tree is changed: each change makes a new draft (the live count follows it). */
type Edit = {
  update: (key: number, update: (node: Node) => Node) => void;
  remove: (key: number) => void;
  append: (groupKey: number, node: Node) => void;
};

/** Focus the first control of the node `key` once it is drawn (adding goes on from the keyboard). */
function focusLater(selector: string) {
  setTimeout(() => document.querySelector<HTMLElement>(selector)?.focus());
}

/** A group's path as people read it: "2" is the outer group's second entry, "2.1" the first inside it. */
const childPath = (path: string, index: number) => (path ? `${path}.${index + 1}` : String(index + 1));

/** One test of the builder: its joiner, type, NOT, fields and a remove button. */
function TestRow({
  row,
  joiner,
  options,
  edit,
  parentKey,
}: {
  row: Row;
  joiner: string;
  options: SegmentOptions | undefined;
  edit: Edit;
  parentKey: number;
}) {
  const typeName = t(`type.${row.type}` as 'type.bought');
  return (
    <div class="segment-row" data-node={row.key} role="group" aria-label={typeName}>
      <span class="joiner">{joiner}</span>
      <strong class="row-type">{typeName}</strong>
      <label class="not-toggle">
        <input
          type="checkbox"
          checked={row.not}
          onChange={(event) => {
            const not = event.currentTarget.checked;
            edit.update(row.key, (current) => ({ ...current, not }));
          }}
        />{' '}
        {t('seg.not')}
      </label>
      <div class="row-fields">
        <RowFields
          row={row}
          options={options}
          set={(field, value) =>
            edit.update(row.key, (current) =>
              current.kind === 'test'
                ? { ...current, values: { ...current.values, [field]: value } }
                : current,
            )
          }
        />
      </div>
      <button
        type="button"
        class="ghost"
        aria-label={t('seg.removeRow', { type: typeName })}
        onClick={() => {
          edit.remove(row.key);
          focusLater(`[data-adder="${parentKey}"]`);
        }}
      >
        ✕
      </button>
    </div>
  );
}

/** A nested group: its joiner, name, AND / OR, NOT and remove, then what it holds. */
function NestedGroup({
  group,
  path,
  depth,
  joiner,
  options,
  edit,
  parentKey,
}: {
  group: Group;
  path: string;
  depth: number;
  joiner: string;
  options: SegmentOptions | undefined;
  edit: Edit;
  parentKey: number;
}) {
  return (
    <div
      class={`segment-group${group.not ? ' negated' : ''}`}
      data-node={group.key}
      role="group"
      aria-label={t('seg.group', { path })}
    >
      <div class="group-head">
        <span class="joiner">{joiner}</span>
        <strong class="row-type">{t('seg.group', { path })}</strong>
        <InlineField label={t('seg.groupMatch', { path })}>
          {(id) => (
            <select
              id={id}
              value={group.match}
              onChange={(event) => {
                const match = event.currentTarget.value as 'and' | 'or';
                edit.update(group.key, (current) => ({ ...current, match }) as Node);
              }}
            >
              <option value="and">{t('seg.matchAll')}</option>
              <option value="or">{t('seg.matchAny')}</option>
            </select>
          )}
        </InlineField>
        <label class="not-toggle">
          <input
            type="checkbox"
            aria-label={t('seg.negateGroup', { path })}
            checked={group.not}
            onChange={(event) => {
              const not = event.currentTarget.checked;
              edit.update(group.key, (current) => ({ ...current, not }));
            }}
          />{' '}
          {t('seg.notGroup')}
        </label>
        <button
          type="button"
          class="ghost"
          aria-label={t('seg.removeGroup', { path })}
          onClick={() => {
            edit.remove(group.key);
            focusLater(`[data-adder="${parentKey}"]`);
          }}
        >
          ✕
        </button>
      </div>
      <GroupBody group={group} path={path} depth={depth} options={options} edit={edit} />
    </div>
  );
}

/** What a group holds, in order, then the controls that add a test or a group to it. */
function GroupBody({
  group,
  path,
  depth,
  options,
  edit,
}: {
  group: Group;
  path: string;
  depth: number;
  options: SegmentOptions | undefined;
  edit: Edit;
}) {
  const [adding, setAdding] = useState<RowType>('bought');
  const joinerOf = (index: number) =>
    index === 0 ? t('seg.where') : t(group.match === 'and' ? 'seg.and' : 'seg.or');
  return (
    <>
      <div class="segment-rows">
        {group.children.length === 0 ? (
          <p class="muted">{t(depth === 0 ? 'seg.everyone' : 'seg.emptyGroup')}</p>
        ) : null}
        {group.children.map((child, index) =>
          child.kind === 'test' ? (
            <TestRow
              key={child.key}
              row={child}
              joiner={joinerOf(index)}
              options={options}
              edit={edit}
              parentKey={group.key}
            />
          ) : (
            <NestedGroup
              key={child.key}
              group={child}
              path={childPath(path, index)}
              depth={depth + 1}
              joiner={joinerOf(index)}
              options={options}
              edit={edit}
              parentKey={group.key}
            />
          ),
        )}
      </div>
      <div class="toolbar adders">
        <InlineField label={t('seg.addLabel')}>
          {(id) => (
            <select
              id={id}
              data-adder={group.key}
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
            const row = newRow(adding);
            edit.append(group.key, row);
            focusLater(`[data-node="${row.key}"] .row-fields :is(input, select, textarea)`);
          }}
        >
          {t('seg.add')}
        </button>
        {depth < MAX_GROUP_DEPTH ? (
          <button
            type="button"
            onClick={() => {
              const nested = emptyGroup();
              edit.append(group.key, nested);
              focusLater(`[data-adder="${nested.key}"]`);
            }}
          >
            {t('seg.addGroup')}
          </button>
        ) : null}
      </div>
    </>
  );
}

/**
 * The segment builder: tests and groups of tests joined by AND / OR, each may be negated (NOT), nested;
 * the live count of reachable members with a sample of 20, refreshed while editing; and saving the
 * condition as a named segment or starting from a saved one.
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
  // The saved segment the draft started from, kept while it is edited (to save the changes to it).
  const [originId, setOriginId] = useState<string | undefined>(savedId);
  const origin = saved.find((segment) => segment.id === originId);
  const condition = conditionOf(draft);
  const live = useLiveCount(condition);

  useEffect(() => {
    broadcastsApi.options().then(setOptions, () => undefined);
    broadcastsApi.segments().then(setSaved, () => undefined);
  }, []);

  const change = (next: SegmentDraft) => {
    onSavedId(undefined);
    onChange(next);
  };
  const edit: Edit = {
    update: (key, update) => change(updateNode(draft, key, update)),
    remove: (key) => change(removeNode(draft, key)),
    append: (groupKey, node) => change(appendTo(draft, groupKey, node)),
  };
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
                setOriginId(segment?.id);
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
        {draft.children.length > 1 ? (
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
      <GroupBody group={draft} path="" depth={0} options={options} edit={edit} />
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
        <SegmentSaving
          condition={condition}
          origin={origin}
          unchanged={origin !== undefined && savedId === origin.id}
          onSaved={(segment) => {
            setSaved([segment, ...saved.filter((candidate) => candidate.id !== segment.id)]);
            setOriginId(segment.id);
            onSavedId(segment.id);
          }}
          onDeleted={(id) => {
            setSaved(saved.filter((candidate) => candidate.id !== id));
            setOriginId(undefined);
            onSavedId(undefined);
          }}
        />
      ) : null}
    </fieldset>
  );
}
