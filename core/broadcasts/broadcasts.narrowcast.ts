import { sql } from 'drizzle-orm';
import { queryRows } from '../db/database.js';
import type { LineChannelCredentials } from '../messaging/index.js';
import type { BroadcastDeliveryDeps, ClaimedChunk } from './broadcasts.delivery.js';

/**
 * Sends a narrowcast broadcast's one chunk: LINE's demographic filter and the messages, with the retry
 * key stored before the first attempt. A 202 or a 409 (an earlier attempt, maybe by a worker that died,
 * was accepted) both give LINE's request id, recorded for the progress polls; errors go to the caller's
 * retry decision like a multicast's.
 */
export async function sendNarrowcast(
  deps: Pick<BroadcastDeliveryDeps, 'db' | 'clock' | 'messenger'>,
  chunk: ClaimedChunk,
  channel: LineChannelCredentials,
) {
  const result = await deps.messenger.narrowcast(channel, {
    messages: chunk.messages,
    demographic: chunk.demographic_filter ?? {},
    retryKey: chunk.retry_key,
  });
  const requestId = result.status === 'accepted' ? result.requestId : result.acceptedRequestId;
  // Without a request id the progress cannot be asked: LINE accepted it, so it is shown as sent.
  await deps.db.execute(
    sql`update broadcasts set line_request_id = ${requestId ?? null},
          narrowcast_phase = coalesce(narrowcast_phase, ${requestId ? 'waiting' : 'succeeded'}),
          state = case when ${requestId ?? null}::text is null and state = 'sending' then 'sent' else state end,
          finished_at = case when ${requestId ?? null}::text is null then ${deps.clock.now()} else finished_at end
        where id = ${chunk.broadcast_id}`,
  );
}

/**
 * Asks LINE for the progress of the narrowcasts it accepted and that have not ended, each at most every
 * `everyMs`, and records it (targetCount, successCount, failureCount, phase). `succeeded` finishes the
 * broadcast as sent, `failed` as failed with LINE's reason. A cancelled broadcast LINE had already
 * accepted is still followed: LINE sends it anyway.
 */
export async function pollNarrowcasts(
  deps: Pick<BroadcastDeliveryDeps, 'db' | 'clock' | 'messenger' | 'logger'>,
  { everyMs, limit = 20 }: { everyMs: number; limit?: number },
): Promise<number> {
  const now = deps.clock.now();
  const due = await queryRows<{
    id: string;
    line_request_id: string;
    line_channel_id: string;
    channel_access_token: string;
  }>(
    deps.db,
    sql`select b.id, b.line_request_id, ch.line_channel_id, ch.channel_access_token
        from broadcasts b join line_channels ch on ch.id = b.channel_id
        where b.method = 'narrowcast' and b.line_request_id is not null
          and b.narrowcast_phase in ('waiting', 'sending')
          and (b.narrowcast_checked_at is null or b.narrowcast_checked_at <= ${new Date(now.getTime() - everyMs)})
        order by b.narrowcast_checked_at nulls first limit ${limit}`,
  );
  for (const broadcast of due) {
    try {
      const progress = await deps.messenger.getNarrowcastProgress(
        { lineChannelId: broadcast.line_channel_id, channelAccessToken: broadcast.channel_access_token },
        broadcast.line_request_id,
      );
      const ended = progress.phase === 'succeeded' || progress.phase === 'failed';
      const error =
        progress.phase === 'failed'
          ? `LINE error ${progress.errorCode ?? '?'}: ${progress.failedDescription ?? 'failed'}`
          : null;
      const at = deps.clock.now();
      await deps.db.execute(
        sql`update broadcasts set narrowcast_phase = ${progress.phase}, narrowcast_checked_at = ${at},
              narrowcast_target_count = ${progress.targetCount ?? null},
              narrowcast_success_count = ${progress.successCount ?? null},
              narrowcast_failure_count = ${progress.failureCount ?? null},
              narrowcast_error = ${error},
              recipient_count = coalesce(${progress.targetCount ?? null}, recipient_count),
              state = case when ${ended} and state = 'sending'
                then ${progress.phase === 'succeeded' ? 'sent' : 'failed'} else state end,
              finished_at = case when ${ended} and state = 'sending' then ${at} else finished_at end
            where id = ${broadcast.id}`,
      );
    } catch (error) {
      // LINE down or slow: asked again next time; the narrowcast itself is LINE's to finish.
      await deps.db.execute(
        sql`update broadcasts set narrowcast_checked_at = ${deps.clock.now()} where id = ${broadcast.id}`,
      );
      deps.logger.warn({ broadcastId: broadcast.id, err: error }, 'narrowcast progress not read');
    }
  }
  return due.length;
}
