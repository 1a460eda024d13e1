import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import type { FunnelAnswer } from './analytics.models.js';
import type { AnalyticsFilter } from './analytics.queries.js';
import { cohortRows, redeemedMembers, toCohortsAnswer, toFunnelAnswer } from './proofs.queries.js';

/*
 * The funnel and the member analyses of proofs.queries.ts, computed from the submissions themselves
 * instead of the proof rollups: the reference the rollups are tested against (rollup == submissions after
 * random decisions, reversals and erasures), and the baseline the bench compares them to. The console does
 * not use these.
 */

/** Submissions the filter selects by the local day they were sent (the brand's time zone). */
function submissionsWhere(filter: AnalyticsFilter, timezone: string): SQL {
  const day = sql`(s.created_at at time zone ${timezone})::date`;
  return sql.join(
    [
      sql`s.brand_id = ${filter.brandId}`,
      filter.campaignId ? sql`s.campaign_id = ${filter.campaignId}` : undefined,
      filter.from ? sql`${day} >= ${filter.from}::date` : undefined,
      filter.to ? sql`${day} <= ${filter.to}::date` : undefined,
    ].filter((part): part is SQL => part !== undefined),
    sql` and `,
  );
}

async function brandTimezone(db: Executor, brandId: string): Promise<string> {
  const [row] = await queryRows<{ timezone: string }>(
    db,
    sql`select timezone from brands where id = ${brandId}`,
  );
  return row?.timezone ?? 'UTC';
}

export async function proofFunnelFromSubmissions(
  db: Executor,
  filter: AnalyticsFilter,
): Promise<FunnelAnswer> {
  const timezone = await brandTimezone(db, filter.brandId);
  const where = submissionsWhere(filter, timezone);
  const [totals] = await queryRows<Record<string, unknown>>(
    db,
    sql`select count(*) as received,
               count(*) filter (where s.invoice_id is not null) as read,
               count(*) filter (where s.decision -> 'verification' is not null or s.state in ('accepted', 'rewarded')) as verified,
               count(*) filter (where s.state in ('accepted', 'rewarded')) as accepted,
               count(*) filter (where s.state = 'rejected') as rejected,
               count(*) filter (where s.state = 'rewarded') as rewarded
        from submissions s where ${where}`,
  );
  const [members] = await queryRows<{ members: unknown; accepted_members: unknown }>(
    db,
    redeemedMembers(
      filter.brandId,
      sql`select s.member_id, min(s.created_at) as first_at from submissions s
          where ${where} and s.state in ('accepted', 'rewarded') group by s.member_id`,
    ),
  );
  const reasons = await queryRows<{ reason: string | null; count: unknown }>(
    db,
    sql`select s.reason_code as reason, count(*) as count from submissions s
        where ${where} and s.state = 'rejected' group by s.reason_code order by count(*) desc, s.reason_code`,
  );
  const days = await queryRows<Record<string, unknown>>(
    db,
    sql`select to_char((s.created_at at time zone ${timezone})::date, 'YYYY-MM-DD') as day, count(*) as received,
               count(*) filter (where s.state in ('accepted', 'rewarded')) as accepted,
               count(*) filter (where s.state = 'rejected') as rejected
        from submissions s where ${where} group by 1 order by 1`,
  );
  return toFunnelAnswer({ totals, members, reasons, days });
}

export async function memberCohortsFromSubmissions(db: Executor, filter: AnalyticsFilter) {
  const timezone = await brandTimezone(db, filter.brandId);
  const accepted = sql`select s.member_id, date_trunc('week', (s.created_at at time zone ${timezone}))::date as week,
                              1 as proofs
                       from submissions s
                       where ${submissionsWhere(filter, timezone)} and s.state in ('accepted', 'rewarded')`;
  return toCohortsAnswer(db, filter.brandId, await cohortRows(db, accepted));
}
