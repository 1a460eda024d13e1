import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import type { FunnelAnswer } from './analytics.models.js';
import type { AnalyticsFilter } from './analytics.queries.js';
import { redeemedMembers, toCohortsAnswer, toFunnelAnswer } from './proofs.queries.js';

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

/**
 * The member cohorts of `memberCohorts` (same definitions) from the accepted submissions: each member's
 * first-ever accepted proof of the scope (the campaign, or all) against their accepted proofs of the range.
 */
export async function memberCohortsFromSubmissions(db: Executor, filter: AnalyticsFilter) {
  const timezone = await brandTimezone(db, filter.brandId);
  const undated = { brandId: filter.brandId, campaignId: filter.campaignId };
  const day = sql`(s.created_at at time zone ${timezone})::date`;
  const inRange = (column: SQL) =>
    sql.join(
      [
        sql`true`,
        filter.from ? sql`${column} >= ${filter.from}::date` : undefined,
        filter.to ? sql`${column} <= ${filter.to}::date` : undefined,
      ].filter((part): part is SQL => part !== undefined),
      sql` and `,
    );
  // s: every accepted proof of the scope (any day); f: each member's first-ever day; a: their weeks of the range.
  const proofs = sql`s as (select s.member_id, ${day} as day from submissions s
                           where ${submissionsWhere(undated, timezone)} and s.state in ('accepted', 'rewarded')),
                     f as (select member_id, min(day) as first_day from s group by member_id),
                     a as (select distinct s.member_id, date_trunc('week', s.day::timestamp)::date as week
                           from s where ${inRange(sql`s.day`)})`;
  const cohorts = await queryRows<{ cohort: string; offset: unknown; members: unknown }>(
    db,
    sql`with ${proofs}, c as (select member_id, date_trunc('week', first_day::timestamp)::date as cohort
                             from f where ${inRange(sql`first_day`)})
        select to_char(c.cohort, 'YYYY-MM-DD') as cohort, (a.week - c.cohort) / 7 as offset, count(*) as members
        from a join c using (member_id) group by c.cohort, a.week order by c.cohort, a.week`,
  );
  const weekly = await queryRows<{ week: string; new: unknown; returning: unknown }>(
    db,
    sql`with ${proofs}
        select to_char(a.week, 'YYYY-MM-DD') as week,
               count(*) filter (where ${inRange(sql`f.first_day`)} and date_trunc('week', f.first_day::timestamp)::date = a.week) as new,
               count(*) filter (where not (${inRange(sql`f.first_day`)} and date_trunc('week', f.first_day::timestamp)::date = a.week)) as returning
        from a join f using (member_id) group by a.week order by a.week`,
  );
  // A member of the range bought again in it when they have two accepted proofs up to its end.
  const [repeat] = await queryRows<{ members: unknown; repeaters: unknown }>(
    db,
    sql`with ${proofs}
        select count(*) as members, count(*) filter (where m.proofs >= 2) as repeaters
        from (select s.member_id, count(*) filter (where ${filter.to ? sql`s.day <= ${filter.to}::date` : sql`true`}) as proofs
              from s where s.member_id in (select member_id from a) group by s.member_id) m`,
  );
  return toCohortsAnswer(db, filter.brandId, { cohorts, weekly, repeat });
}
