import { useEffect, useState } from 'preact/hooks';
import { formatDateTime, formatNumber } from '../../format';
import { createTranslator } from '../../i18n';
import { can } from '../../session';
import { ErrorBanner, Loading } from '../../ui/feedback';
import { Badge } from '../rewards/shared';
import {
  ACTIVE_STATES,
  broadcastsApi,
  type BroadcastListItem,
  type BroadcastReport,
  type BroadcastState,
  type NarrowcastReport,
} from './broadcasts-api';
import { messages } from './messages';
import { describeDemographic } from './narrowcast-filter';
import { narrowcastMessages } from './narrowcast-messages';
import { Results } from './results';

const t = createTranslator(messages);
const tn = createTranslator(narrowcastMessages);

/** How often the list and an open report refresh while something is being sent or waits. */
const REFRESH_MS = 2_000;

const BADGE: Record<BroadcastState, 'info' | 'warn' | 'ok' | 'muted'> = {
  draft: 'muted',
  scheduled: 'info',
  sending: 'info',
  sent: 'ok',
  failed: 'warn',
  cancelled: 'muted',
};

function Progress({ item }: { item: Pick<BroadcastListItem, 'recipients' | 'sent' | 'failed'> }) {
  const done = item.sent + item.failed;
  const percent = item.recipients > 0 ? Math.round((done / item.recipients) * 100) : 0;
  return (
    <div class="progress-cell">
      <div
        class="progress"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={item.recipients}
        aria-valuenow={done}
        aria-label={t('list.progress')}
      >
        <span
          class="progress-sent"
          style={{ width: `${item.recipients ? (item.sent / item.recipients) * 100 : 0}%` }}
        />
        <span
          class="progress-failed"
          style={{ width: `${item.recipients ? (item.failed / item.recipients) * 100 : 0}%` }}
        />
      </div>
      <span class="muted">{percent}%</span>
    </div>
  );
}

/** The brand's broadcasts, newest first, refreshing while one is sending; a row opens its report. */
export function BroadcastList({
  refresh,
  opened,
  onOpen,
}: {
  refresh: number;
  opened: string | undefined;
  onOpen: (id: string | undefined) => void;
}) {
  const [items, setItems] = useState<BroadcastListItem[]>();
  const [error, setError] = useState<unknown>();
  const [tick, setTick] = useState(0);
  const load = () =>
    broadcastsApi.list().then(
      (list) => {
        setItems(list);
        setError(undefined);
      },
      (caught: unknown) => setError(caught),
    );
  useEffect(() => {
    void load();
  }, [refresh, tick]);
  const active = items?.some((item) => ACTIVE_STATES.includes(item.state)) ?? false;
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(() => setTick((n) => n + 1), REFRESH_MS);
    return () => clearTimeout(timer);
  }, [active, items]);

  if (error && !items) return <ErrorBanner error={error} onRetry={load} />;
  if (!items) return <Loading />;
  return (
    <div class="stack">
      <h2>{t('list.title')}</h2>
      {items.length === 0 ? (
        <p class="muted">{t('list.empty')}</p>
      ) : (
        <table class="data broadcasts-table">
          <thead>
            <tr>
              <th>{t('list.created')}</th>
              <th>{t('list.message')}</th>
              <th>{t('list.state')}</th>
              <th class="num">{t('list.recipients')}</th>
              <th class="num">{t('list.sent')}</th>
              <th class="num">{t('list.failed')}</th>
              <th class="num">{t('list.skipped')}</th>
              <th>{t('list.progress')}</th>
              <th>{t('list.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {items.map((item) => (
              <Row key={item.id} item={item} open={opened === item.id} onOpen={onOpen} onChanged={load} />
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

function Row({
  item,
  open,
  onOpen,
  onChanged,
}: {
  item: BroadcastListItem;
  open: boolean;
  onOpen: (id: string | undefined) => void;
  onChanged: () => Promise<void>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const act = async (action: () => Promise<unknown>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      await onChanged();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const writable = can('broadcasts.send');
  return (
    <>
      <tr data-broadcast={item.id}>
        <td>{formatDateTime(item.createdAt)}</td>
        <td class="excerpt">
          {item.excerpt}
          {item.method === 'narrowcast' ? <Badge>{tn('list.narrowcast')}</Badge> : null}
          {item.variants > 1 ? <Badge>{t('list.ab', { count: item.variants })}</Badge> : null}
          {item.holdoutPercent > 0 ? (
            <Badge>{t('list.holdout', { percent: item.holdoutPercent })}</Badge>
          ) : null}
        </td>
        <td>
          <Badge kind={BADGE[item.state]}>{t(`state.${item.state}` as 'state.sent')}</Badge>
          {(item.state === 'scheduled' || item.waitReason === 'quiet_hours') && item.scheduledAt ? (
            <div class="muted small">
              {t(item.waitReason === 'quiet_hours' ? 'list.waitsQuiet' : 'list.waitsUntil', {
                at: formatDateTime(item.scheduledAt),
              })}
            </div>
          ) : null}
        </td>
        <td class="num">{formatNumber(item.recipients)}</td>
        <td class="num" data-testid="sent">
          {formatNumber(item.sent)}
        </td>
        <td class="num">{formatNumber(item.failed)}</td>
        <td class="num">{formatNumber(item.skipped)}</td>
        <td>
          <Progress item={item} />
        </td>
        <td class="actions">
          <button type="button" aria-expanded={open} onClick={() => onOpen(open ? undefined : item.id)}>
            {open ? t('list.hide') : t('list.details')}
          </button>
          {writable && item.state === 'draft' ? (
            <button type="button" disabled={busy} onClick={() => act(() => broadcastsApi.send(item.id))}>
              {t('list.send')}
            </button>
          ) : null}
          {writable && ['draft', 'scheduled', 'sending'].includes(item.state) ? (
            <button
              type="button"
              class="danger"
              disabled={busy}
              onClick={() => {
                if (window.confirm(t('list.cancelConfirm'))) void act(() => broadcastsApi.cancel(item.id));
              }}
            >
              {t('list.cancel')}
            </button>
          ) : null}
        </td>
      </tr>
      {error ? (
        <tr>
          <td colSpan={9}>
            <ErrorBanner error={error} />
          </td>
        </tr>
      ) : null}
      {open ? (
        <tr class="details-row">
          <td colSpan={9}>
            <Details id={item.id} state={item.state} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

const SKIP_REASONS = ['blocked', 'no_consent', 'capped', 'quiet_hours'] as const;

/** One broadcast's report: outcome counts, skips by reason, groups, chunks, and the results. */
function Details({ id, state }: { id: string; state: BroadcastState }) {
  const [report, setReport] = useState<BroadcastReport>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    broadcastsApi.report(id).then(setReport, setError);
  }, [id, state, report?.sent, report?.failed]);
  useEffect(() => {
    if (!report || !ACTIVE_STATES.includes(report.state)) return;
    const timer = setTimeout(() => broadcastsApi.report(id).then(setReport, setError), REFRESH_MS);
    return () => clearTimeout(timer);
  }, [report]);
  if (error) return <ErrorBanner error={error} />;
  if (!report) return <Loading />;
  const narrowcast = report.method === 'narrowcast';
  return (
    <div class="report" aria-label={t('report.title')}>
      <dl class="stats">
        {(
          [
            [t('list.recipients'), report.recipients, undefined],
            [t('list.sent'), report.sent, 'report-sent'],
            [t('list.failed'), report.failed, undefined],
            [t('report.pending'), report.pending, undefined],
            // Chunks held when quiet hours began mid-send: they go when they end.
            ...(report.waitingQuietHours > 0
              ? [[t('report.waitingQuiet'), report.waitingQuietHours, 'report-waiting-quiet']]
              : []),
            // LINE picks a narrowcast's recipients: no holdout, and nobody is skipped by us.
            ...(narrowcast
              ? []
              : [
                  [t('report.holdout'), report.holdout, undefined],
                  ...SKIP_REASONS.map((reason) => [
                    t(`skip.${reason}` as 'skip.blocked'),
                    report.skipped[reason] ?? 0,
                    undefined,
                  ]),
                ]),
          ] as [string, number, string | undefined][]
        ).map(([label, value, testId]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd data-testid={testId}>{formatNumber(value)}</dd>
          </div>
        ))}
      </dl>
      <p class="muted" data-testid="report-quiet-hours">
        {t('report.quietHours')}:{' '}
        {report.ignoreQuietHours
          ? t('report.overridden')
          : t(report.quietHoursMidSend === 'skip' ? 'report.midSkip' : 'report.midWait')}
      </p>
      {Object.keys(report.groups).length > 1 ? (
        <p class="muted">
          {t('report.groups')}{' '}
          {Object.entries(report.groups)
            .map(([key, n]) => `${key === 'holdout' ? t('report.holdout') : key}: ${formatNumber(n)}`)
            .join(' · ')}
        </p>
      ) : null}
      {report.narrowcast ? (
        <NarrowcastProgress progress={report.narrowcast} chunk={report.chunks[0]} />
      ) : null}
      {report.results ? <Results results={report.results} /> : null}
      {report.chunks.length > 0 && !narrowcast ? (
        <table class="data chunks">
          <caption>{t('report.chunks', { count: report.chunks.length })}</caption>
          <thead>
            <tr>
              <th class="num">{t('chunk.no')}</th>
              <th class="num">{t('chunk.size')}</th>
              <th>{t('chunk.state')}</th>
              <th class="num">{t('chunk.attempts')}</th>
              <th>{t('chunk.error')}</th>
            </tr>
          </thead>
          <tbody>
            {report.chunks.map((chunk) => (
              <tr key={chunk.no}>
                <td class="num">{chunk.no}</td>
                <td class="num">{formatNumber(chunk.size)}</td>
                <td>
                  <Badge kind={chunk.state === 'sent' ? 'ok' : chunk.state === 'failed' ? 'warn' : 'info'}>
                    {t(`chunkState.${chunk.state}` as 'chunkState.sent')}
                  </Badge>
                </td>
                <td class="num">{chunk.attempts}</td>
                <td class="muted">{chunk.lastError ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </div>
  );
}

/** LINE's own account of a narrowcast: its phase and counts (LINE picks the recipients). */
function NarrowcastProgress({
  progress,
  chunk,
}: {
  progress: NarrowcastReport;
  /** The one request to LINE: its attempts and the last error, in place of the multicast chunk table. */
  chunk: BroadcastReport['chunks'][number] | undefined;
}) {
  const count = (value: number | null) => (value === null ? '—' : formatNumber(value));
  return (
    <div class="narrowcast-progress" aria-label={tn('nc.progress')}>
      <h3>{tn('nc.progress')}</h3>
      <dl class="stats">
        <div>
          <dt>{tn('nc.phase')}</dt>
          <dd data-testid="narrowcast-phase">
            {progress.phase ? tn(`phase.${progress.phase}` as 'phase.waiting') : '—'}
          </dd>
        </div>
        <div>
          <dt>{tn('nc.target')}</dt>
          <dd data-testid="narrowcast-target">{count(progress.targetCount)}</dd>
        </div>
        <div>
          <dt>{tn('nc.success')}</dt>
          <dd>{count(progress.successCount)}</dd>
        </div>
        <div>
          <dt>{tn('nc.failure')}</dt>
          <dd>{count(progress.failureCount)}</dd>
        </div>
      </dl>
      {progress.error ? <p class="muted">{progress.error}</p> : null}
      <p class="muted small">
        {tn('nc.filter')}:{' '}
        <span data-testid="narrowcast-filter">
          {progress.demographic ? describeDemographic(progress.demographic) : '—'}
        </span>
        {progress.requestId ? ` · ${tn('nc.requestId')} ${progress.requestId}` : ''}
        {chunk ? ` · ${t('chunk.attempts')}: ${chunk.attempts}` : ''}
        {chunk?.lastError ? ` · ${t('chunk.error')}: ${chunk.lastError}` : ''}
      </p>
    </div>
  );
}
