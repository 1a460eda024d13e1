import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';

export const QUEUE_NAMES = ['events', 'outbound', 'verification', 'blob_deletions', 'derived_facts'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];
export type QueueStats = Record<QueueName, { depth: number; oldestAgeSeconds: number }>;

/**
 * Read-only counts over the work queues of other capabilities (the one place that reads them across):
 * depth = items not finished; oldest age = how long the longest-due item has been due (items waiting
 * out a back-off are not late). One statement. `derived_facts` is the decisions' change records not yet
 * folded into the analytics rollups and member facts (the fact outbox): its depth is the backlog; its records
 * carry no time, and a reader folds what is pending before it reads, so its oldest age is always 0.
 */
export async function readQueueStats(db: Executor, nowIso: string): Promise<QueueStats> {
  const now = sql`${nowIso}::timestamptz`;
  const rows = await queryRows<{ queue: QueueName; depth: number; oldest: number | string | null }>(
    db,
    sql`select 'events' as queue, count(*)::int as depth,
               extract(epoch from ${now} - min(case when state = 'pending' and next_attempt_at <= ${now}
                 then next_attempt_at when state = 'processing' and locked_until < ${now} then locked_until end)) as oldest
          from webhook_events where state in ('pending', 'processing')
        union all
        select 'outbound', count(*)::int,
               extract(epoch from ${now} - min(case when next_attempt_at <= ${now} then next_attempt_at end))
          from outbound_messages where state = 'pending'
        union all
        select 'verification', count(*)::int,
               extract(epoch from ${now} - min(case when next_check_at <= ${now} then next_check_at end))
          from (select next_check_at from submissions
                 where next_check_at is not null and state in ('parsed', 'awaiting_upload')
                union all
                select next_check_at from submissions where next_check_at is not null and state = 'received') s
        union all
        select 'blob_deletions', count(*)::int,
               extract(epoch from ${now} - min(case when next_attempt_at <= ${now} then next_attempt_at end))
          from receipt_blob_deletions where state = 'pending'
        union all
        select 'derived_facts', ((select count(*) from fact_outbox_proofs)
                                 + (select count(*) from fact_outbox_members)
                                 + (select count(*) from fact_outbox_line_items))::int, null`,
  );
  const stats = Object.fromEntries(
    QUEUE_NAMES.map((queue) => [queue, { depth: 0, oldestAgeSeconds: 0 }]),
  ) as QueueStats;
  for (const row of rows) {
    stats[row.queue] = {
      depth: Number(row.depth),
      oldestAgeSeconds: Math.max(0, Number(row.oldest ?? 0)),
    };
  }
  return stats;
}

/** Decided proofs by kind and outcome (the submission's state once decided). */
export async function readProofDecisionCounts(
  db: Executor,
): Promise<{ kind: string; outcome: string; count: number }[]> {
  const rows = await queryRows<{ kind: string; outcome: string; count: number }>(
    db,
    sql`select kind, state as outcome, count(*)::int as count from submissions
        where state in ('accepted', 'rejected', 'rewarded') group by kind, state`,
  );
  return rows.map((row) => ({ ...row, count: Number(row.count) }));
}
