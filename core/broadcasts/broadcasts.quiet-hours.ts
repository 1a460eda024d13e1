import { sql } from 'drizzle-orm';
import { queryRows, type Database } from '../db/database.js';
import { quietHoursAt } from './broadcasts.models.js';

/** Chunks a worker could take now: pending or waiting and due, or held by a worker whose lease lapsed. */
const dueChunk = (now: Date) =>
  sql`((c.state in ('pending', 'waiting_quiet_hours') and (c.next_attempt_at is null or c.next_attempt_at <= ${now}))
        or (c.state = 'sending' and c.lease_until < ${now}))`;

export type QuietHoursHold = {
  waiting: number;
  skipped: number;
  resumed: number;
  /** Broadcasts that had chunks skipped: maybe nothing is left to send. */
  skippedIn: string[];
};

/**
 * Quiet hours during a send. Before a worker claims chunks, every broadcast being sent (not sent on the
 * sender's override) whose brand is now in its quiet hours has its chunks not yet sent held, as the
 * broadcast says (`broadcasts.quiet_hours_mid_send`: the sender's choice, else the brand's setting when it
 * was made):
 * - `wait` (the default): they wait, as `waiting_quiet_hours`, until the quiet hours end, then go with
 *   their stored retry key and body; the broadcast shows `waitReason: 'quiet_hours'` until then.
 * - `skip`: chunks never attempted are skipped, their recipients counted in `skipped.quiet_hours`. A chunk
 *   already attempted (a retry after a 5xx or a time-out, or a crashed worker's) may have reached LINE: it
 *   waits instead, so its retry key settles it (LINE answers 409 if it was accepted).
 * A chunk in flight (its worker's lease not lapsed) is not touched: its request has started.
 * Narrowcasts always wait (LINE picks their recipients: there is nobody to count as skipped).
 */
export async function holdChunksForQuietHours(db: Database, now: Date): Promise<QuietHoursHold> {
  const hold: QuietHoursHold = { waiting: 0, skipped: 0, resumed: 0, skippedIn: [] };
  const sending = await queryRows<{
    id: string;
    method: 'multicast' | 'narrowcast';
    wait_reason: string | null;
    timezone: string;
    quiet_hours_start: number;
    quiet_hours_end: number;
    quiet_hours_mid_send: 'wait' | 'skip';
  }>(
    db,
    sql`select b.id, b.method, b.wait_reason, br.timezone, br.quiet_hours_start, br.quiet_hours_end,
          b.quiet_hours_mid_send
        from broadcasts b join brands br on br.id = b.brand_id
        where b.state = 'sending' and not b.ignore_quiet_hours
          and (b.wait_reason = 'quiet_hours'
            or exists (select 1 from broadcast_chunks c where c.broadcast_id = b.id and ${dueChunk(now)}))`,
  );
  for (const broadcast of sending) {
    const quiet = quietHoursAt(now, broadcast.timezone, {
      startMinute: Number(broadcast.quiet_hours_start),
      endMinute: Number(broadcast.quiet_hours_end),
    });
    if (!quiet.quiet) {
      if (broadcast.wait_reason === 'quiet_hours') {
        await db.execute(
          sql`update broadcasts set wait_reason = null where id = ${broadcast.id} and wait_reason = 'quiet_hours'`,
        );
        hold.resumed += 1;
      }
      continue;
    }
    const skip = broadcast.quiet_hours_mid_send === 'skip' && broadcast.method === 'multicast';
    await db.transaction(async (tx) => {
      // The broadcast row is the lock: a cancel or another worker's hold waits for this one.
      const [locked] = await queryRows<{ state: string; skipped: Record<string, number> | null }>(
        tx,
        sql`select state, skipped from broadcasts where id = ${broadcast.id} for update`,
      );
      if (locked?.state !== 'sending') return;
      let skippedChunks: { chunk_no: number }[] = [];
      if (skip)
        skippedChunks = await queryRows<{ chunk_no: number }>(
          tx,
          sql`update broadcast_chunks c set state = 'skipped', lease_until = null, next_attempt_at = null,
                last_error = 'quiet hours began before it was sent'
              where c.broadcast_id = ${broadcast.id} and c.attempts = 0 and ${dueChunk(now)}
              returning c.chunk_no`,
        );
      const waiting = await queryRows<{ chunk_no: number }>(
        tx,
        sql`update broadcast_chunks c set state = 'waiting_quiet_hours', lease_until = null,
              next_attempt_at = ${quiet.endsAt}
            where c.broadcast_id = ${broadcast.id} and ${dueChunk(now)}
            returning c.chunk_no`,
      );
      let skippedRecipients = 0;
      if (skippedChunks.length > 0) {
        const numbers = JSON.stringify(skippedChunks.map((chunk) => Number(chunk.chunk_no)));
        const rows = await queryRows<{ member_id: string }>(
          tx,
          sql`update broadcast_recipients set status = 'skipped', skip_reason = 'quiet_hours'
              where broadcast_id = ${broadcast.id} and status = 'pending'
                and chunk_no in (select (jsonb_array_elements_text(${numbers}::jsonb))::int)
              returning member_id`,
        );
        skippedRecipients = rows.length;
        const skipped = { ...(locked.skipped ?? {}) };
        skipped.quiet_hours = (skipped.quiet_hours ?? 0) + skippedRecipients;
        await tx.execute(
          sql`update broadcasts set skipped = ${JSON.stringify(skipped)}::jsonb,
                recipient_count = greatest(0, coalesce(recipient_count, 0) - ${skippedRecipients})
              where id = ${broadcast.id}`,
        );
      }
      if (waiting.length > 0)
        await tx.execute(
          sql`update broadcasts set wait_reason = 'quiet_hours', scheduled_at = ${quiet.endsAt}
              where id = ${broadcast.id}`,
        );
      hold.waiting += waiting.length;
      hold.skipped += skippedRecipients;
      if (skippedChunks.length > 0) hold.skippedIn.push(broadcast.id);
    });
  }
  return hold;
}
