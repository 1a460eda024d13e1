import { useState } from 'preact/hooks';
import { formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import { ActionStatusLine, useActionStatus } from '../../ui/feedback';
import { broadcastsApi, type Condition, type SavedSegment } from './broadcasts-api';
import { messages } from './messages';
import { InlineField } from './segment-fields';

const t = createTranslator(messages);

/**
 * Saving what the builder holds: as a new named segment, or — when the draft started from a saved segment
 * — as that segment's new condition or name; and deleting that segment (after a second click). Broadcasts
 * already made from a segment keep the condition they were made with, whatever happens to it here.
 */
export function SegmentSaving({
  condition,
  origin,
  unchanged,
  onSaved,
  onDeleted,
}: {
  condition: Condition;
  /** The saved segment the draft started from, edited or not. */
  origin: SavedSegment | undefined;
  /** Whether the draft is still exactly the origin's condition. */
  unchanged: boolean;
  onSaved: (segment: SavedSegment) => void;
  onDeleted: (id: string) => void;
}) {
  const [name, setName] = useState('');
  const { status, run } = useActionStatus();
  const [confirming, setConfirming] = useState(false);
  const typed = name.trim();

  return (
    <div class="segment-saving">
      {origin ? (
        <div class="toolbar" data-testid="saved-segment-actions">
          <span>
            {t('seg.current', { name: origin.name })}
            {unchanged ? null : <span class="muted"> · {t('seg.edited')}</span>}
          </span>
          <button
            type="button"
            disabled={status.busy || unchanged}
            onClick={() =>
              run(async () => {
                const answer = await broadcastsApi.updateSegment(origin.id, { condition });
                onSaved({ ...origin, condition });
                return t('seg.updated', { name: origin.name, count: formatNumber(answer.count) });
              })
            }
          >
            {t('seg.update')}
          </button>
          {confirming ? (
            <span role="group" class="confirm" aria-label={t('seg.deleteConfirm', { name: origin.name })}>
              <span>{t('seg.deleteConfirm', { name: origin.name })}</span>{' '}
              <button
                type="button"
                class="danger"
                disabled={status.busy}
                onClick={() =>
                  run(async () => {
                    await broadcastsApi.deleteSegment(origin.id);
                    setConfirming(false);
                    onDeleted(origin.id);
                    return t('seg.deleted', { name: origin.name });
                  })
                }
              >
                {t('seg.deleteYes')}
              </button>{' '}
              <button type="button" autoFocus onClick={() => setConfirming(false)}>
                {t('seg.deleteNo')}
              </button>
            </span>
          ) : (
            <button type="button" disabled={status.busy} onClick={() => setConfirming(true)}>
              {t('seg.delete')}
            </button>
          )}
        </div>
      ) : null}
      <div class="toolbar">
        <InlineField label={t('seg.name')}>
          {(id) => <input id={id} value={name} onInput={(event) => setName(event.currentTarget.value)} />}
        </InlineField>
        <button
          type="button"
          disabled={status.busy || typed === ''}
          onClick={() =>
            run(async () => {
              const created = await broadcastsApi.saveSegment(typed, condition);
              onSaved({ id: created.id, name: typed, condition, createdAt: new Date().toISOString() });
              setName('');
              return t('seg.saved', { name: typed, count: formatNumber(created.count) });
            })
          }
        >
          {t('seg.save')}
        </button>
        {origin ? (
          <button
            type="button"
            disabled={status.busy || typed === '' || typed === origin.name}
            onClick={() =>
              run(async () => {
                await broadcastsApi.updateSegment(origin.id, { name: typed });
                onSaved({ ...origin, name: typed });
                setName('');
                return t('seg.renamed', { from: origin.name, name: typed });
              })
            }
          >
            {t('seg.rename', { name: origin.name })}
          </button>
        ) : null}
      </div>
      <ActionStatusLine status={status} />
    </div>
  );
}
