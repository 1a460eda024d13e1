import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/database.js';
import { isLineApiError, type LineChannelCredentials, type LineMessenger } from '../messaging/index.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { chunkBackoffMs, MAX_CHUNK_ATTEMPTS } from './broadcasts.models.js';
import { pollNarrowcasts, sendNarrowcast } from './broadcasts.narrowcast.js';
import { NARROWCAST_POLL_MS } from './broadcasts.narrowcast.models.js';
import { holdChunksForQuietHours } from './broadcasts.quiet-hours.js';
import { startBroadcast } from './broadcasts.usecases.js';
import type { IdGenerator } from '../shared/ids.js';

/** Keeps send requests under LINE's per-channel rate (200 requests/s for multicast). */
export type RateLimiter = { take: () => Promise<void> };

/** At most `perSecond` requests started in any second (a sliding window of start times). */
export function createRateLimiter({ perSecond }: { perSecond: number }): RateLimiter {
  const starts: number[] = [];
  let queue = Promise.resolve();
  return {
    take: () => {
      const turn = queue.then(async () => {
        for (;;) {
          const now = Date.now();
          while (starts.length > 0 && now - starts[0]! >= 1_000) starts.shift();
          if (starts.length < perSecond) {
            starts.push(now);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 1_000 - (now - starts[0]!)));
        }
      });
      queue = turn;
      return turn;
    },
  };
}

export type BroadcastDeliveryDeps = {
  db: Database;
  clock: Clock;
  logger: Logger;
  generateId: IdGenerator;
  messenger: Pick<LineMessenger, 'multicast' | 'narrowcast' | 'getNarrowcastProgress' | 'getMessageQuota'>;
  rateLimiter?: RateLimiter;
  /** How often a narrowcast's progress is asked of LINE. @default NARROWCAST_POLL_MS (10 s) */
  narrowcastPollMs?: number;
  /** Where tracked links point (`<base>/r/<token>`) in broadcasts this worker starts; see BroadcastsDeps. */
  trackedLinkBaseUrl?: string;
};

export type BroadcastDeliverySummary = {
  started: number;
  sent: number;
  retried: number;
  failed: number;
  /** Narrowcast progress checks made this round. */
  polled: number;
  /** Chunks held this round because quiet hours began (see holdChunksForQuietHours). */
  waitingQuietHours: number;
  /** Recipients skipped this round because quiet hours began (brands set to `skip`). */
  skippedQuietHours: number;
};

export type ClaimedChunk = {
  id: string;
  broadcast_id: string;
  chunk_no: number;
  line_user_ids: string[];
  messages: Record<string, unknown>[];
  retry_key: string;
  attempts: number;
  line_channel_id: string;
  channel_access_token: string;
  method: 'multicast' | 'narrowcast';
  demographic_filter: Record<string, unknown> | null;
};

/**
 * One round of the broadcast worker: starts scheduled broadcasts that are due, then claims up to
 * `limit` chunks (FOR UPDATE SKIP LOCKED, with a lease so a crashed worker's chunk is taken over) and
 * sends each with its stored retry key and body. LINE's 409 on a retry means the earlier attempt was
 * accepted: counted as sent, so no member gets the broadcast twice. A narrowcast's one chunk is sent the
 * same way; its progress is then polled until LINE says succeeded or failed.
 */
export async function deliverBroadcastChunks(
  deps: BroadcastDeliveryDeps,
  { limit = 8, leaseMs = 60_000 }: { limit?: number; leaseMs?: number } = {},
): Promise<BroadcastDeliverySummary> {
  const summary: BroadcastDeliverySummary = {
    started: 0,
    sent: 0,
    retried: 0,
    failed: 0,
    polled: 0,
    waitingQuietHours: 0,
    skippedQuietHours: 0,
  };
  summary.started = await startDueBroadcasts(deps);

  const now = deps.clock.now();
  // A chunk not yet sent when quiet hours begin is not sent at night (a retry, a backoff, a crash).
  const hold = await holdChunksForQuietHours(deps.db, now);
  summary.waitingQuietHours = hold.waiting;
  summary.skippedQuietHours = hold.skipped;
  for (const broadcastId of hold.skippedIn) await finishIfDone(deps.db, broadcastId, now);

  const claimed = await queryRows<ClaimedChunk>(
    deps.db,
    sql`with claimable as (
          select c.id from broadcast_chunks c join broadcasts b on b.id = c.broadcast_id
          where b.state = 'sending' and (
            (c.state in ('pending', 'waiting_quiet_hours')
              and (c.next_attempt_at is null or c.next_attempt_at <= ${now}))
            or (c.state = 'sending' and c.lease_until < ${now}))
          order by c.broadcast_id, c.chunk_no
          limit ${limit}
          for update of c skip locked)
        update broadcast_chunks c set state = 'sending', attempts = c.attempts + 1,
          lease_until = ${new Date(now.getTime() + leaseMs)}
        from claimable, broadcasts b, line_channels ch
        where c.id = claimable.id and b.id = c.broadcast_id and ch.id = b.channel_id
        returning c.id, c.broadcast_id, c.chunk_no, c.line_user_ids, c.messages, c.retry_key, c.attempts,
          ch.line_channel_id, ch.channel_access_token, b.method, b.demographic_filter`,
  );

  await Promise.all(claimed.map((chunk) => sendChunk(deps, chunk, summary)));
  for (const broadcastId of new Set(claimed.map((chunk) => chunk.broadcast_id)))
    await finishIfDone(deps.db, broadcastId, deps.clock.now());
  summary.polled = await pollNarrowcasts(deps, { everyMs: deps.narrowcastPollMs ?? NARROWCAST_POLL_MS });
  return summary;
}

async function sendChunk(
  deps: BroadcastDeliveryDeps,
  chunk: ClaimedChunk,
  summary: BroadcastDeliverySummary,
) {
  const channel: LineChannelCredentials = {
    lineChannelId: chunk.line_channel_id,
    channelAccessToken: chunk.channel_access_token,
  };
  try {
    await deps.rateLimiter?.take();
    if (chunk.method === 'narrowcast') await sendNarrowcast(deps, chunk, channel);
    else
      await deps.messenger.multicast(channel, {
        to: chunk.line_user_ids,
        messages: chunk.messages,
        retryKey: chunk.retry_key,
      });
    await markChunk(deps.db, chunk, { state: 'sent', at: deps.clock.now() });
    summary.sent += 1;
  } catch (error) {
    const lineError = isLineApiError(error) ? error : undefined;
    const reason = lineError ? lineError.message : String((error as Error)?.message ?? error);
    // 5xx, time-out and the rate limit: again later with the same key and body. A used-up month quota
    // and LINE's refusals (4xx) will not change by retrying.
    const retryable = lineError ? lineError.retryable && lineError.limit !== 'quota' : false;
    if (retryable && chunk.attempts < MAX_CHUNK_ATTEMPTS) {
      const wait = lineError?.limit === 'rate' ? 1_000 : chunkBackoffMs(chunk.attempts);
      await deps.db.execute(
        sql`update broadcast_chunks set state = 'pending', lease_until = null, last_error = ${reason},
              next_attempt_at = ${new Date(deps.clock.now().getTime() + wait)}
            where id = ${chunk.id} and state = 'sending'`,
      );
      summary.retried += 1;
    } else {
      await markChunk(deps.db, chunk, { state: 'failed', at: deps.clock.now(), reason });
      summary.failed += 1;
    }
    deps.logger.warn(
      { broadcastId: chunk.broadcast_id, chunkNo: chunk.chunk_no, err: error },
      'broadcast chunk not sent',
    );
  }
}

export async function markChunk(
  db: Database,
  chunk: ClaimedChunk,
  outcome: { state: 'sent' | 'failed'; at: Date; reason?: string },
) {
  await db.transaction(async (tx) => {
    await tx.execute(
      sql`update broadcast_chunks set state = ${outcome.state}, lease_until = null,
            sent_at = ${outcome.state === 'sent' ? outcome.at : null}, last_error = ${outcome.reason ?? null}
          where id = ${chunk.id}`,
    );
    await tx.execute(
      sql`update broadcast_recipients set status = ${outcome.state},
            sent_at = ${outcome.state === 'sent' ? outcome.at : null}
          where broadcast_id = ${chunk.broadcast_id} and chunk_no = ${chunk.chunk_no}`,
    );
  });
}

async function finishIfDone(db: Database, broadcastId: string, now: Date) {
  await db.execute(
    // Failed when chunks failed and none was sent; a send whose chunks were all skipped (quiet hours) is
    // sent to nobody, like one whose recipients were all skipped when frozen.
    sql`update broadcasts b set finished_at = ${now},
          state = case when exists (select 1 from broadcast_chunks c where c.broadcast_id = b.id and c.state = 'sent')
              or not exists (select 1 from broadcast_chunks c where c.broadcast_id = b.id and c.state = 'failed')
            then 'sent' else 'failed' end
        where b.id = ${broadcastId} and b.state = 'sending'
          -- A narrowcast LINE accepted finishes by its progress (pollNarrowcasts), not by its chunk.
          and (b.method = 'multicast'
            or not exists (select 1 from broadcast_chunks c where c.broadcast_id = b.id and c.state = 'sent'))
          and not exists (select 1 from broadcast_chunks c where c.broadcast_id = b.id
            and c.state in ('pending', 'sending', 'waiting_quiet_hours'))`,
  );
}

/** Scheduled broadcasts whose time came (a send time, or the end of quiet hours). */
async function startDueBroadcasts(deps: BroadcastDeliveryDeps): Promise<number> {
  const due = await queryRows<{ id: string; brand_id: string; created_by: string | null }>(
    deps.db,
    sql`select id, brand_id, created_by from broadcasts where state = 'scheduled'
        and scheduled_at <= ${deps.clock.now()} order by scheduled_at limit 5`,
  );
  let started = 0;
  for (const broadcast of due) {
    try {
      const result = await startBroadcast(deps, {
        brandId: broadcast.brand_id,
        broadcastId: broadcast.id,
        actor: { userId: broadcast.created_by ?? undefined },
      });
      if (result.state === 'sending' || result.state === 'sent') started += 1;
    } catch (error) {
      // A refusal (quota) fails the broadcast with its reason rather than retrying it every round.
      await deps.db.execute(
        sql`update broadcasts set state = 'failed', finished_at = ${deps.clock.now()},
              wait_reason = ${(error as Error).message.slice(0, 500)}
            where id = ${broadcast.id} and state = 'scheduled'`,
      );
      deps.logger.error({ broadcastId: broadcast.id, err: error }, 'scheduled broadcast could not start');
    }
  }
  return started;
}
