import { desc, eq, sql } from 'drizzle-orm';
import { findFirstLineChannel } from '../brands/brands.refs.js';
import { queryRows, type Database } from '../db/database.js';
import type { LineMessenger } from '../messaging/index.js';
import { createBroadcastNotFoundError } from './broadcasts.errors.js';
import { createBroadcastsRepository, type Broadcast } from './broadcasts.repository.js';
import { broadcasts } from './broadcasts.table.js';
import { getBroadcastResults, type BroadcastResults } from './broadcasts.tracking.js';

/** LINE's own account of a narrowcast (`GET /v2/bot/message/progress/narrowcast`), as last polled. */
export type NarrowcastReport = {
  demographic: Broadcast['demographicFilter'];
  requestId: string | null;
  phase: Broadcast['narrowcastPhase'];
  targetCount: number | null;
  successCount: number | null;
  failureCount: number | null;
  error: string | null;
  checkedAt: Date | null;
};

export type BroadcastReport = {
  id: string;
  method: Broadcast['method'];
  state: Broadcast['state'];
  waitReason: string | null;
  scheduledAt: Date | null;
  /** Sent inside quiet hours on the sender's override (audited). */
  ignoreQuietHours: boolean;
  /** If quiet hours begin during the send: the rest `wait`s until they end, or is `skip`ped (counted). */
  quietHoursMidSend: 'wait' | 'skip';
  recipients: number;
  sent: number;
  failed: number;
  cancelled: number;
  pending: number;
  /**
   * Recipients whose chunk waits for the end of quiet hours (they began before it was sent); it goes at
   * `scheduledAt`, and `waitReason` is `quiet_hours` meanwhile.
   */
  waitingQuietHours: number;
  /** Left out by reason: when frozen (blocked, no_consent, capped) or mid-send (quiet_hours, when it skips). */
  skipped: Record<string, number>;
  holdout: number;
  groups: Record<string, number>;
  chunks: { no: number; size: number; state: string; attempts: number; lastError: string | null }[];
  /** A narrowcast's filter and LINE's progress: its recipients, sent and failed are LINE's counts. */
  narrowcast?: NarrowcastReport;
  /** Clicks and purchases against the holdout, once the send has started. */
  results?: BroadcastResults;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

const NO_SKIPS = { blocked: 0, no_consent: 0, capped: 0, quiet_hours: 0 };

/** The broadcast as the console and the CLI show it: state, counts by outcome, skips by reason, chunks. */
export async function getBroadcastReport(
  deps: Pick<{ db: Database }, 'db'>,
  { brandId, broadcastId }: { brandId: string; broadcastId: string },
): Promise<BroadcastReport> {
  const repository = createBroadcastsRepository(deps.db);
  const broadcast = await repository.getBroadcast(brandId, broadcastId);
  if (!broadcast) throw createBroadcastNotFoundError();
  const counts = await repository.countRecipients(broadcastId);
  const total = (status: string) =>
    counts.filter((row) => row.status === status).reduce((sum, row) => sum + Number(row.n), 0);
  const groups: Record<string, number> = {};
  for (const row of counts)
    if (row.status !== 'skipped') groups[row.group_key] = (groups[row.group_key] ?? 0) + Number(row.n);
  const chunks = await repository.listChunks(broadcastId);
  const narrowcast = broadcast.method === 'narrowcast';
  return {
    id: broadcast.id,
    method: broadcast.method,
    state: broadcast.state,
    waitReason: broadcast.waitReason,
    scheduledAt: broadcast.scheduledAt,
    ignoreQuietHours: broadcast.ignoreQuietHours,
    quietHoursMidSend: broadcast.quietHoursMidSend,
    recipients: broadcast.recipientCount ?? 0,
    sent: narrowcast ? (broadcast.narrowcastSuccessCount ?? 0) : total('sent'),
    failed: narrowcast ? (broadcast.narrowcastFailureCount ?? 0) : total('failed'),
    cancelled: total('cancelled'),
    pending: total('pending'),
    waitingQuietHours: chunks
      .filter((chunk) => chunk.state === 'waiting_quiet_hours')
      .reduce((sum, chunk) => sum + chunk.lineUserIds.length, 0),
    skipped: { ...NO_SKIPS, ...(broadcast.skipped ?? {}) },
    holdout: total('held_out'),
    groups,
    chunks: chunks.map((chunk) => ({
      no: chunk.chunkNo,
      size: chunk.lineUserIds.length,
      state: chunk.state,
      attempts: chunk.attempts,
      lastError: chunk.lastError,
    })),
    ...(narrowcast
      ? {
          narrowcast: {
            demographic: broadcast.demographicFilter,
            requestId: broadcast.lineRequestId,
            phase: broadcast.narrowcastPhase,
            targetCount: broadcast.narrowcastTargetCount,
            successCount: broadcast.narrowcastSuccessCount,
            failureCount: broadcast.narrowcastFailureCount,
            error: broadcast.narrowcastError,
            checkedAt: broadcast.narrowcastCheckedAt,
          },
        }
      : {}),
    // Clicks and purchases are measured per recipient: a narrowcast's recipients are LINE's to know.
    ...(broadcast.startedAt && !narrowcast
      ? { results: await getBroadcastResults(deps, { broadcastId, startedAt: broadcast.startedAt }) }
      : {}),
    createdAt: broadcast.createdAt,
    startedAt: broadcast.startedAt,
    finishedAt: broadcast.finishedAt,
  };
}

export type BroadcastListItem = {
  id: string;
  method: Broadcast['method'];
  state: Broadcast['state'];
  segmentId: string | null;
  /** The first text of variant A, to tell broadcasts apart in a list. */
  excerpt: string;
  variants: number;
  holdoutPercent: number;
  recipients: number;
  sent: number;
  failed: number;
  pending: number;
  cancelled: number;
  skipped: number;
  waitReason: string | null;
  scheduledAt: Date | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
};

function excerptOf(messages: Record<string, unknown>[]): string {
  for (const message of messages) {
    if (typeof message.text === 'string') return message.text.slice(0, 140);
    if (typeof message.altText === 'string') return message.altText.slice(0, 140);
  }
  return '';
}

/** The brand's latest broadcasts, newest first, each with its delivery progress (one grouped query). */
export async function listBroadcasts(
  deps: { db: Database },
  { brandId, limit = 50 }: { brandId: string; limit?: number },
): Promise<BroadcastListItem[]> {
  const rows = await deps.db
    .select()
    .from(broadcasts)
    .where(eq(broadcasts.brandId, brandId))
    .orderBy(desc(broadcasts.createdAt), desc(broadcasts.id))
    .limit(limit);
  const ids = rows.map((row) => row.id);
  const counts =
    ids.length === 0
      ? []
      : await queryRows<{ broadcast_id: string; status: string; n: number | string }>(
          deps.db,
          sql`select broadcast_id, status, count(*) as n from broadcast_recipients
              where broadcast_id in (select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))
              group by broadcast_id, status`,
        );
  const countOf = (id: string, status: string) =>
    Number(counts.find((row) => row.broadcast_id === id && row.status === status)?.n ?? 0);
  return rows.map((row) => ({
    id: row.id,
    method: row.method,
    state: row.state,
    segmentId: row.segmentId,
    excerpt: excerptOf(row.messages),
    variants: row.variants?.length ?? 1,
    holdoutPercent: row.holdoutPercent,
    recipients: row.recipientCount ?? 0,
    sent: row.method === 'narrowcast' ? (row.narrowcastSuccessCount ?? 0) : countOf(row.id, 'sent'),
    failed: row.method === 'narrowcast' ? (row.narrowcastFailureCount ?? 0) : countOf(row.id, 'failed'),
    pending: countOf(row.id, 'pending'),
    cancelled: countOf(row.id, 'cancelled'),
    skipped: Object.values(row.skipped ?? {}).reduce((sum, n) => sum + n, 0),
    waitReason: row.waitReason,
    scheduledAt: row.scheduledAt,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
  }));
}

export type BroadcastQuota = {
  /** This month's limit; null when LINE sets none (unlimited plan) or could not be asked. */
  limit: number | null;
  used: number | null;
  left: number | null;
  /** False when LINE could not be asked (no channel, LINE down): the send checks again anyway. */
  known: boolean;
};

/** What is left of the brand's monthly LINE message quota, shown before sending. */
export async function getBroadcastQuota(
  deps: { db: Database; messenger: Pick<LineMessenger, 'getMessageQuota'> },
  { brandId }: { brandId: string },
): Promise<BroadcastQuota> {
  const channel = await findFirstLineChannel(deps.db, brandId);
  if (!channel) return { limit: null, used: null, left: null, known: false };
  try {
    const quota = await deps.messenger.getMessageQuota({
      lineChannelId: channel.lineChannelId,
      channelAccessToken: channel.channelAccessToken,
    });
    const limit = quota.limit ?? null;
    return {
      limit,
      used: quota.used,
      left: limit === null ? null : Math.max(0, limit - quota.used),
      known: true,
    };
  } catch {
    return { limit: null, used: null, left: null, known: false };
  }
}
