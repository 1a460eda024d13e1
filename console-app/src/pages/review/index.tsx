import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { isApiError, type ApiError } from '../../api';
import { formatDuration, formatMoney } from '../../format';
import { createTranslator } from '../../i18n';
import { setQuery } from '../../router';
import type { PageProps } from '../../routes';
import { can } from '../../session';
import { Banner, ErrorBanner, Loading } from '../../ui/feedback';
import { draftOf, ItemView, localized, type FieldDraft } from './item-view';
import { messages } from './messages';
import type { PhotoControls } from './photo';
import {
  FLAG_REASONS,
  KINDS,
  REJECT_REASONS,
  releaseOnUnload,
  reviewApi,
  type Fields,
  type Filters,
  type Preview,
  type QueuePage,
  type ReviewItem,
} from './review-api';
import './review.css';

const t = createTranslator(messages);
type Key = Parameters<typeof t>[0];

const QUEUE_REFRESH_MS = 20_000;
const LEASE_RENEW_MS = 60_000;
/** The promise to members: "usually within 1 working day". Items older than these turn amber / red. */
const SLA_WARN_MS = 4 * 3_600_000;
const SLA_LATE_MS = 24 * 3_600_000;

function slaClass(ageMs: number) {
  return ageMs >= SLA_LATE_MS ? 'sla-late' : ageMs >= SLA_WARN_MS ? 'sla-warn' : 'sla-ok';
}

/** The reviewer's corrections: only the fields that differ from what was read. */
function correctionsOf(
  item: ReviewItem,
  draft: FieldDraft,
): { fields: Fields; edited: Set<keyof FieldDraft> } {
  const read = draftOf(item);
  const fields: Fields = {};
  const edited = new Set<keyof FieldDraft>();
  for (const name of Object.keys(draft) as (keyof FieldDraft)[]) {
    const value = draft[name].trim();
    if (value === read[name]) continue;
    edited.add(name);
    if (name === 'total') {
      const amount = Number(value.replace(/,/g, ''));
      fields.totalMinor = value === '' || Number.isNaN(amount) ? -1 : Math.round(amount * 100);
    } else if (value !== '') fields[name] = value;
  }
  return { fields, edited };
}

function isTyping(target: EventTarget | null) {
  const element = target as HTMLElement | null;
  return (
    !!element && (element.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(element.tagName))
  );
}

export default function ReviewPage({ query }: PageProps) {
  const filters: Filters = {
    campaignId: query.get('campaign') ?? undefined,
    reason: query.get('reason') ?? undefined,
    kind: query.get('kind') ?? undefined,
  };
  const filterKey = `${filters.campaignId}|${filters.reason}|${filters.kind}`;
  const [queue, setQueue] = useState<QueuePage & { fetchedAt: number }>();
  const [queueError, setQueueError] = useState<unknown>();
  const [campaigns, setCampaigns] = useState<Map<string, Record<string, string> | null>>(new Map());
  const [currentId, setCurrentId] = useState<string>();
  const [item, setItem] = useState<ReviewItem>();
  const [itemError, setItemError] = useState<unknown>();
  const [draft, setDraft] = useState<FieldDraft>();
  const [mode, setMode] = useState<'view' | 'preview' | 'reject'>('view');
  const [preview, setPreview] = useState<Preview | 'loading' | null>(null);
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [flash, setFlash] = useState<string>();
  const [help, setHelp] = useState(false);
  const [, setTick] = useState(0);
  const photoControls = useRef<PhotoControls | null>(null);
  const decide = can('review.decide');

  const loadQueue = useCallback(async () => {
    try {
      const page = await reviewApi.queue(filters);
      setQueue({ ...page, fetchedAt: Date.now() });
      setQueueError(undefined);
      setCampaigns((known) => {
        const next = new Map(known);
        for (const entry of page.items) next.set(entry.campaignId, entry.campaignName);
        return next;
      });
      return page;
    } catch (error) {
      setQueueError(error);
      return undefined;
    }
  }, [filterKey]);

  // The queue and its count refresh on their own; the age timers tick.
  useEffect(() => {
    void loadQueue().then((page) => {
      const first = page?.items.find((entry) => !entry.lease || entry.lease.mine);
      if (first && decide) setCurrentId((current) => current ?? first.submissionId);
    });
    const refresh = setInterval(() => void loadQueue(), QUEUE_REFRESH_MS);
    const tick = setInterval(() => setTick((value) => value + 1), 15_000);
    return () => {
      clearInterval(refresh);
      clearInterval(tick);
    };
  }, [loadQueue, decide]);

  // Opening an item leases it; leaving it (another item, another page, closing the tab) gives it back.
  useEffect(() => {
    if (!currentId) return;
    let live = true;
    setItem(undefined);
    setItemError(undefined);
    setMode('view');
    setPreview(null);
    setFieldErrors({});
    reviewApi
      .open(currentId)
      .then((opened) => {
        if (!live) return;
        setItem(opened);
        setDraft(draftOf(opened));
      })
      .catch((error) => live && setItemError(error));
    const renew = setInterval(() => {
      reviewApi.renew(currentId).catch((error) => live && setItemError(error));
    }, LEASE_RENEW_MS);
    const onHide = () => releaseOnUnload(currentId);
    window.addEventListener('pagehide', onHide);
    return () => {
      live = false;
      clearInterval(renew);
      window.removeEventListener('pagehide', onHide);
      reviewApi.release(currentId).catch(() => undefined);
    };
  }, [currentId]);

  const items = queue?.items ?? [];
  const index = items.findIndex((entry) => entry.submissionId === currentId);

  const move = (step: number) => {
    const candidates = items.filter((entry) => !entry.lease || entry.lease.mine);
    if (candidates.length === 0) return;
    const at = candidates.findIndex((entry) => entry.submissionId === currentId);
    const next = candidates[Math.min(candidates.length - 1, Math.max(0, at === -1 ? 0 : at + step))];
    if (next && next.submissionId !== currentId) setCurrentId(next.submissionId);
  };

  const afterDecision = async (message: string) => {
    setFlash(message);
    const decidedAt = index;
    const page = await loadQueue();
    const rest = (page?.items ?? []).filter((entry) => !entry.lease || entry.lease.mine);
    const next = rest[Math.min(Math.max(0, decidedAt), rest.length - 1)];
    setCurrentId(next?.submissionId);
    if (!next) setItem(undefined);
  };

  const edits = item && draft ? correctionsOf(item, draft) : undefined;
  /** Waiting for a decision: an ordinary queued photo, or an accepted one a draw winner waits on. */
  const open = !!item && (item.submission.state === 'in_review' || !!item.drawWinnerWaiting);

  const approve = async () => {
    if (!item || !edits || busy) return;
    setFieldErrors({});
    if (item.drawWinnerWaiting) {
      // Accepted already: approving confirms the photo as it stands and tells the winner (no corrections).
      setBusy(true);
      try {
        const result = await reviewApi.approve(item.submission.id, {});
        await afterDecision(t('done.winnerConfirmed', { count: String(result.drawWins?.told ?? 0) }));
      } catch (error) {
        setItemError(error);
      } finally {
        setBusy(false);
      }
      return;
    }
    if (edits.edited.size > 0 && mode !== 'preview') {
      setMode('preview');
      setPreview('loading');
      try {
        setPreview(await reviewApi.preview(item.submission.id, edits.fields));
      } catch (error) {
        setMode('view');
        setPreview(null);
        if (isApiError(error) && error.code === 'validation.failed') setFieldErrors(error.fieldErrors);
        else setItemError(error);
      }
      return;
    }
    if (mode === 'preview' && (preview === 'loading' || !preview?.canApprove)) return;
    setBusy(true);
    try {
      const result = await reviewApi.approve(item.submission.id, edits.fields);
      await afterDecision(t('done.approved', { outcome: t(`state.${result.submission.state}` as Key) }));
    } catch (error) {
      if (isApiError(error) && error.code === 'validation.failed') setFieldErrors(error.fieldErrors);
      else setItemError(error);
      setMode('view');
      setPreview(null);
    } finally {
      setBusy(false);
    }
  };

  const reject = async (reasonIndex: number) => {
    const reason = REJECT_REASONS[reasonIndex];
    if (!item || !reason || busy) return;
    setBusy(true);
    try {
      await reviewApi.reject(item.submission.id, reason);
      await afterDecision(t(item.drawWinnerWaiting ? 'done.winnerRejected' : 'done.rejected'));
    } catch (error) {
      setItemError(error);
    } finally {
      setBusy(false);
      setMode('view');
    }
  };

  // Keyboard first: J/K move, A approves, R rejects (then a number), E edits, ? lists the keys.
  // One listener for the page's life calls the handler of the latest render (kept in a ref during render),
  // so a key pressed between a render and its effects never acts on the state of an older render.
  const onKeyRef = useRef<(event: KeyboardEvent) => void>(() => undefined);
  onKeyRef.current = (event: KeyboardEvent) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (isTyping(event.target)) {
      if (event.key === 'Escape') (event.target as HTMLElement).blur();
      return;
    }
    const key = event.key.toLowerCase();
    if (key === '?') {
      setHelp((shown) => !shown);
      event.preventDefault();
      return;
    }
    if (key === 'escape') {
      setHelp(false);
      setMode('view');
      setPreview(null);
      return;
    }
    if (mode === 'reject') {
      const number = Number(event.key);
      if (number >= 1 && number <= REJECT_REASONS.length) {
        event.preventDefault();
        void reject(number - 1);
      }
      return;
    }
    if (mode === 'preview' && key === 'enter') {
      event.preventDefault();
      void approve();
      return;
    }
    const actions: Record<string, () => void> = {
      j: () => move(1),
      k: () => move(-1),
      ...(decide && item && open
        ? {
            a: () => void approve(),
            r: () => setMode('reject'),
            e: () => document.querySelector<HTMLInputElement>('.fields input')?.focus(),
          }
        : {}),
      '+': () => photoControls.current?.zoomIn(),
      '=': () => photoControls.current?.zoomIn(),
      '-': () => photoControls.current?.zoomOut(),
      o: () => photoControls.current?.rotate(),
    };
    const action = actions[key];
    if (action) {
      event.preventDefault();
      action();
    }
  };
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => onKeyRef.current(event);
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  const elapsed = queue ? Date.now() - queue.fetchedAt : 0;
  const leasedError = isApiError(itemError) && (itemError as ApiError).code === 'review.leased';

  return (
    <section class="page review-page" data-item={item?.submission.id ?? ''}>
      <header class="page-head">
        <h1>{t('title')}</h1>
        {queue ? (
          <p class="queue-count" aria-live="polite">
            <strong>{t('queue.count', { count: queue.count })}</strong>
            {queue.oldestAgeMs !== null ? (
              <span class={slaClass(queue.oldestAgeMs + elapsed)}>
                {' · '}
                {t('queue.oldest', { age: formatDuration(queue.oldestAgeMs + elapsed) })}
              </span>
            ) : null}
            {queue.leasedByOthers > 0
              ? ` · ${t('queue.leasedByOthers', { count: queue.leasedByOthers })}`
              : ''}
          </p>
        ) : null}
        <button type="button" class="ghost keys-button" onClick={() => setHelp((shown) => !shown)}>
          {t('action.keys')} <kbd>?</kbd>
        </button>
      </header>
      <div class="review-filters">
        <label>
          {t('filter.campaign')}{' '}
          <select
            value={filters.campaignId ?? ''}
            onChange={(event) =>
              setQuery({ campaign: (event.target as HTMLSelectElement).value || undefined })
            }
          >
            <option value="">{t('common.all')}</option>
            {[...campaigns.entries()].map(([id, name]) => (
              <option key={id} value={id}>
                {localized(name) || id}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filter.reason')}{' '}
          <select
            value={filters.reason ?? ''}
            onChange={(event) => setQuery({ reason: (event.target as HTMLSelectElement).value || undefined })}
          >
            <option value="">{t('common.all')}</option>
            {FLAG_REASONS.map((reason) => (
              <option key={reason} value={reason}>
                {t(`reason.${reason}` as Key)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('filter.kind')}{' '}
          <select
            value={filters.kind ?? ''}
            onChange={(event) => setQuery({ kind: (event.target as HTMLSelectElement).value || undefined })}
          >
            <option value="">{t('common.all')}</option>
            {KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {t(`kind.${kind}` as Key)}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorBanner error={queueError} onRetry={() => void loadQueue()} />
      {flash ? <Banner kind="success">{flash}</Banner> : null}
      <div class="review-layout">
        <nav class="review-queue card" aria-label={t('queue.label')}>
          {!queue ? (
            <Loading />
          ) : items.length === 0 ? (
            <p class="muted">
              {filters.campaignId || filters.reason || filters.kind ? t('queue.noMatch') : t('queue.empty')}
            </p>
          ) : (
            <ol>
              {items.map((entry) => {
                const age = entry.ageMs + elapsed;
                const held = entry.lease && !entry.lease.mine;
                return (
                  <li key={entry.submissionId}>
                    <button
                      type="button"
                      class={`queue-item${entry.submissionId === currentId ? ' current' : ''}${held ? ' held' : ''}`}
                      aria-current={entry.submissionId === currentId ? 'true' : undefined}
                      disabled={!!held || !decide}
                      onClick={() => setCurrentId(entry.submissionId)}
                    >
                      <span class={`age ${slaClass(age)}`}>{formatDuration(age)}</span>
                      <span class="summary">
                        {entry.summary.storeName ?? '—'}
                        {entry.summary.totalMinor !== undefined
                          ? ` · ${formatMoney(entry.summary.totalMinor, entry.summary.currency)}`
                          : ''}
                      </span>
                      <span class="chips">
                        {entry.drawWinnerWaiting ? (
                          <span class="chip chip-draw_winner">{t('reason.draw_winner')}</span>
                        ) : null}
                        {entry.reasons.map((reason) => (
                          <span class={`chip chip-${reason}`} key={reason}>
                            {t(`reason.${reason}` as Key)}
                          </span>
                        ))}
                        {held ? <span class="chip">{entry.lease?.reviewerName}</span> : null}
                      </span>
                    </button>
                  </li>
                );
              })}
            </ol>
          )}
        </nav>
        <div class="review-main">
          {leasedError ? (
            <Banner kind="warning">
              {t('item.leased', {
                name: String(
                  ((itemError as ApiError).details as { reviewer?: string } | undefined)?.reviewer ?? '',
                ),
              })}
            </Banner>
          ) : (
            <ErrorBanner error={itemError} />
          )}
          {!currentId ? (
            queue && items.length > 0 ? (
              <p class="muted">{t('item.pick')}</p>
            ) : null
          ) : !item ? (
            itemError ? null : (
              <Loading />
            )
          ) : (
            <>
              {!open ? <Banner kind="info">{t('item.decided')}</Banner> : null}
              {item.drawWinnerWaiting ? (
                <Banner kind="warning">
                  <strong>{t('winner.title')}</strong>
                  <p>{t('winner.body')}</p>
                  <ul class="held-wins">
                    {item.drawWinnerWaiting.wins.map((win) => (
                      <li key={win.winnerId}>
                        {t('winner.win', {
                          draw: localized(win.drawName),
                          prize: localized(win.prizeName),
                          rank: String(win.rank),
                          since: new Date(win.heldSince).toLocaleString(),
                        })}
                      </li>
                    ))}
                  </ul>
                </Banner>
              ) : null}
              <ItemView
                item={item}
                draft={draft ?? draftOf(item)}
                edited={edits?.edited ?? new Set()}
                fieldErrors={fieldErrors}
                onEdit={(name, value) => {
                  setDraft((current) => ({ ...(current ?? draftOf(item)), [name]: value }));
                  if (mode === 'preview') {
                    setMode('view');
                    setPreview(null);
                  }
                }}
                preview={mode === 'preview' ? preview : null}
                photoControls={photoControls}
              />
              {decide && open ? (
                <div class="review-actions">
                  <button type="button" class="primary" disabled={busy} onClick={() => void approve()}>
                    {mode === 'preview' ? t('preview.confirm') : t('action.approve')} <kbd>A</kbd>
                  </button>
                  <button type="button" class="danger" disabled={busy} onClick={() => setMode('reject')}>
                    {t('action.reject')} <kbd>R</kbd>
                  </button>
                  <button
                    type="button"
                    class="ghost"
                    onClick={() => document.querySelector<HTMLInputElement>('.fields input')?.focus()}
                  >
                    {t('action.edit')} <kbd>E</kbd>
                  </button>
                  <span class="spacer" />
                  <button type="button" class="ghost" onClick={() => move(-1)}>
                    {t('action.previous')} <kbd>K</kbd>
                  </button>
                  <button type="button" class="ghost" onClick={() => move(1)}>
                    {t('action.next')} <kbd>J</kbd>
                  </button>
                </div>
              ) : null}
            </>
          )}
        </div>
      </div>
      {mode === 'reject' ? (
        <div class="overlay" role="dialog" aria-modal="true" aria-labelledby="reject-title">
          <div class="card dialog reject-dialog">
            <h2 id="reject-title">{t('reject.title')}</h2>
            <ol class="reject-reasons">
              {REJECT_REASONS.map((reason, at) => (
                <li key={reason}>
                  <button type="button" class="ghost" disabled={busy} onClick={() => void reject(at)}>
                    <kbd>{at + 1}</kbd> {t(`rejectReason.${reason}` as Key)}
                  </button>
                </li>
              ))}
            </ol>
            <p class="hint">{t('reject.hint')}</p>
          </div>
        </div>
      ) : null}
      {help ? (
        <div
          class="overlay"
          role="dialog"
          aria-modal="true"
          aria-labelledby="keys-title"
          onClick={() => setHelp(false)}
        >
          <div class="card dialog keys-dialog">
            <h2 id="keys-title">{t('keys.title')}</h2>
            <dl class="keys">
              {(
                [
                  ['J', 'keys.next'],
                  ['K', 'keys.previous'],
                  ['A', 'keys.approve'],
                  ['R', 'keys.reject'],
                  ['E', 'keys.edit'],
                  ['+ / −', 'keys.zoom'],
                  ['O', 'keys.rotate'],
                  ['?', 'keys.help'],
                ] as [string, Key][]
              ).map(([keys, label]) => (
                <div key={keys}>
                  <dt>
                    <kbd>{keys}</kbd>
                  </dt>
                  <dd>{t(label)}</dd>
                </div>
              ))}
            </dl>
          </div>
        </div>
      ) : null}
    </section>
  );
}
