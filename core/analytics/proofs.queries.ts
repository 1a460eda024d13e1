import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import type { FunnelAnswer } from './analytics.models.js';
import { filterWhere } from './analytics.filter.js';
import { n, type AnalyticsFilter } from './analytics.queries.js';

/*
 * The funnel and the member analyses, read from the proof rollups (`analytics_proof_days`,
 * `analytics_member_days`, kept by triggers on submissions, migration 0030): their cost follows days ×
 * states and member-days, not proofs. submissions.queries.ts asks the same of the submissions themselves
 * (the reference the tests and the bench compare with).
 */

/** Rollup rows (`day`: the brand's local day the proof was received) the filter selects. */
export function proofDaysWhere(filter: AnalyticsFilter, alias: string): SQL {
  return filterWhere(filter, alias, 'day');
}

/**
 * Questions about the whole history (all campaigns or one) are answered from the per-member rollups
 * (`analytics_members`, `analytics_cohort_weeks`: scope `*` or the campaign); dated ones from the
 * member-days of the range.
 */
const undated = (filter: AnalyticsFilter) => !filter.from && !filter.to;
const scope = (filter: AnalyticsFilter) => filter.campaignId ?? '*';

type FunnelRows = {
  totals: Record<string, unknown> | undefined;
  members: { members: unknown; accepted_members: unknown } | undefined;
  reasons: { reason: string | null; count: unknown }[];
  days: Record<string, unknown>[];
};

export const toFunnelAnswer = ({ totals, members, reasons, days }: FunnelRows): FunnelAnswer => ({
  steps: {
    received: n(totals?.received),
    read: n(totals?.read),
    verified: n(totals?.verified),
    accepted: n(totals?.accepted),
    rejected: n(totals?.rejected),
    rewarded: n(totals?.rewarded),
    acceptedMembers: n(members?.accepted_members),
    redeemedMembers: n(members?.members),
  },
  rejectedByReason: reasons.map((r) => ({ reason: r.reason ?? 'unknown', count: n(r.count) })),
  byDay: days.map((d) => ({
    day: String(d.day),
    received: n(d.received),
    accepted: n(d.accepted),
    rejected: n(d.rejected),
  })),
});

/**
 * Members who had an accepted proof (from their first one's time, `first_at`), and how many of them
 * redeemed a reward since: `members, accepted_members`.
 */
export const redeemedMembers = (brandId: string, firsts: SQL) =>
  sql`with m as (${firsts})
      select count(*) as accepted_members,
             count(*) filter (where exists (
               select 1 from redemptions r where r.brand_id = ${brandId} and r.member_id = m.member_id
                 and r.state <> 'cancelled' and r.created_at >= m.first_at)) as members
      from m`;

/**
 * Proofs received → read (purchase data known) → verified (checked with the platform, or read/reviewed)
 * → accepted / rejected by reason → rewarded → redeemed (members among the accepted who redeemed a reward
 * since their first accepted proof of the range); received, accepted and rejected by day (the brand's
 * local day the proof was received).
 */
export async function proofFunnel(db: Executor, filter: AnalyticsFilter): Promise<FunnelAnswer> {
  const where = proofDaysWhere(filter, 'd');
  const [totals] = await queryRows<Record<string, unknown>>(
    db,
    sql`select coalesce(sum(d.proofs), 0) as received,
               coalesce(sum(d.proofs) filter (where d.read), 0) as read,
               coalesce(sum(d.proofs) filter (where d.verified), 0) as verified,
               coalesce(sum(d.proofs) filter (where d.state in ('accepted', 'rewarded')), 0) as accepted,
               coalesce(sum(d.proofs) filter (where d.state = 'rejected'), 0) as rejected,
               coalesce(sum(d.proofs) filter (where d.state = 'rewarded'), 0) as rewarded
        from analytics_proof_days d where ${where}`,
  );
  const [members] = await queryRows<{ members: unknown; accepted_members: unknown }>(
    db,
    undated(filter)
      ? sql`select count(*) as accepted_members, count(*) filter (where r.last_at >= m.first_at) as members
            from analytics_members m
            left join (select member_id, max(created_at) as last_at from redemptions
                       where brand_id = ${filter.brandId} and state <> 'cancelled' group by member_id) r
              using (member_id)
            where m.brand_id = ${filter.brandId} and m.scope = ${scope(filter)}`
      : redeemedMembers(
          filter.brandId,
          sql`select d.member_id, min(d.first_at) as first_at from analytics_member_days d
              where ${where} group by d.member_id`,
        ),
  );
  const reasons = await queryRows<{ reason: string | null; count: unknown }>(
    db,
    sql`select nullif(d.reason, '') as reason, sum(d.proofs) as count from analytics_proof_days d
        where ${where} and d.state = 'rejected' group by d.reason order by sum(d.proofs) desc, nullif(d.reason, '')`,
  );
  const days = await queryRows<Record<string, unknown>>(
    db,
    sql`select to_char(d.day, 'YYYY-MM-DD') as day, sum(d.proofs) as received,
               coalesce(sum(d.proofs) filter (where d.state in ('accepted', 'rewarded')), 0) as accepted,
               coalesce(sum(d.proofs) filter (where d.state = 'rejected'), 0) as rejected
        from analytics_proof_days d where ${where} group by d.day order by d.day`,
  );
  return toFunnelAnswer({ totals, members, reasons, days });
}

type CohortRows = {
  cohorts: { cohort: string; offset: unknown; members: unknown }[];
  weekly: { week: string; new: unknown; returning: unknown }[];
  repeat: { members: unknown; repeaters: unknown } | undefined;
};

/**
 * The cohort queries over `accepted` (`member_id, week, proofs`: a member's accepted proofs in a week,
 * Monday, local, possibly in several rows): cohorts by first week and members active k weeks later, new vs
 * returning per week, members with two or more accepted proofs.
 */
export async function cohortRows(db: Executor, accepted: SQL): Promise<CohortRows> {
  const cohorts = await queryRows<{ cohort: string; offset: unknown; members: unknown }>(
    db,
    sql`with a as (${accepted}), f as (select member_id, min(week) as cohort from a group by member_id)
        select to_char(f.cohort, 'YYYY-MM-DD') as cohort, (a.week - f.cohort) / 7 as offset,
               count(distinct a.member_id) as members
        from a join f using (member_id) group by f.cohort, a.week order by f.cohort, a.week`,
  );
  const weekly = await queryRows<{ week: string; new: unknown; returning: unknown }>(
    db,
    sql`with a as (${accepted}), f as (select member_id, min(week) as cohort from a group by member_id)
        select to_char(a.week, 'YYYY-MM-DD') as week,
               count(distinct a.member_id) filter (where a.week = f.cohort) as new,
               count(distinct a.member_id) filter (where a.week > f.cohort) as returning
        from a join f using (member_id) group by a.week order by a.week`,
  );
  const [repeat] = await queryRows<{ members: unknown; repeaters: unknown }>(
    db,
    sql`with a as (${accepted})
        select count(*) as members, count(*) filter (where c >= 2) as repeaters
        from (select member_id, sum(proofs) as c from a group by member_id) m`,
  );
  return { cohorts, weekly, repeat };
}

/** The cohorts' answer, with the members' points balances in bands. */
export async function toCohortsAnswer(
  db: Executor,
  brandId: string,
  { cohorts, weekly, repeat }: CohortRows,
) {
  const [cheapest] = await queryRows<{ points: unknown }>(
    db,
    sql`select min(points_price) as points from rewards where brand_id = ${brandId} and active`,
  );
  const table = new Map<string, number[]>();
  for (const row of cohorts) {
    const sizes = table.get(row.cohort) ?? [];
    sizes[n(row.offset)] = n(row.members);
    table.set(row.cohort, sizes);
  }
  const rewardPoints = cheapest?.points == null ? null : n(cheapest.points);
  const points = await pointsBands(db, brandId, rewardPoints);
  return {
    cohorts: [...table.entries()].map(([cohort, sizes]) => ({
      cohort,
      size: sizes[0] ?? 0,
      retained: Array.from({ length: sizes.length }, (_, i) => sizes[i] ?? 0),
    })),
    weekly: weekly.map((w) => ({ week: w.week, new: n(w.new), returning: n(w.returning) })),
    repeat: {
      members: n(repeat?.members),
      repeaters: n(repeat?.repeaters),
      rate: n(repeat?.members) ? n(repeat?.repeaters) / n(repeat?.members) : 0,
    },
    points,
  };
}

/**
 * Members: cohorts by the week (Monday, local) of their first accepted proof and how many of them sent an
 * accepted proof again k weeks later; new vs returning per week; the repeat-purchase rate (members with two
 * or more accepted proofs ÷ members with one or more); points balances in bands, against the cheapest
 * active reward ("who is close to a reward"). Read from the member-days rollup.
 */
export async function memberCohorts(db: Executor, filter: AnalyticsFilter) {
  if (undated(filter)) return toCohortsAnswer(db, filter.brandId, await undatedCohortRows(db, filter));
  return toCohortsAnswer(db, filter.brandId, await datedCohortRows(db, filter));
}

/** Weeks a range may span for `datedCohortRows`' week masks (bits 0–62 of a bigint). */
const MASK_WEEKS = 63;

type CohortGroup = { cohort: string; week: string; offset: unknown; members: unknown; repeaters: unknown };

/**
 * The cohort rows of a range of days from its member-days. Each member of the range is reduced in one
 * hash aggregation to their first day (their cohort: its week), the weeks they were active in as the bits
 * of a bigint (week k of the range: bit k) and their accepted proofs; members are then counted by cohort
 * and mask (a handful of rows for a month) and the masks' bits spread to the (cohort, week) cells.
 * No sort and no window over the members: one month of a million invoices 2.6 s → see
 * docs/decisions/009, "Cohorts over any range". Ranges of more than 63 weeks take the window query.
 */
async function datedCohortRows(db: Executor, filter: AnalyticsFilter): Promise<CohortRows> {
  const where = proofDaysWhere(filter, 'd');
  const [span] = await queryRows<{ base: string | null; weeks: unknown }>(
    db,
    sql`select to_char(date_trunc('week', min(d.day)::timestamp), 'YYYY-MM-DD') as base,
               (date_trunc('week', max(d.day)::timestamp)::date
                 - date_trunc('week', min(d.day)::timestamp)::date) / 7 + 1 as weeks
        from analytics_member_days d where ${where}`,
  );
  if (!span?.base) return cohortCounts([]);
  if (n(span.weeks) > MASK_WEEKS) return cohortCounts(await windowCohortGroups(db, where));
  const base = sql`${span.base}::date`;
  const groups = await queryRows<CohortGroup>(
    db,
    sql`with m as (
          select (min(d.day) - ${base}) / 7 as cohort, bit_or(1::bigint << ((d.day - ${base}) / 7)) as weeks,
                 sum(d.proofs) as proofs
          from analytics_member_days d where ${where} group by d.member_id),
        g as (
          select cohort, weeks, count(*) as members, count(*) filter (where proofs >= 2) as repeaters
          from m group by cohort, weeks)
        select to_char(${base} + 7 * g.cohort, 'YYYY-MM-DD') as cohort,
               to_char(${base} + 7 * k.week, 'YYYY-MM-DD') as week, k.week - g.cohort as offset,
               sum(g.members) as members, coalesce(sum(g.repeaters) filter (where k.week = g.cohort), 0) as repeaters
        from g cross join lateral generate_series(g.cohort, ${n(span.weeks) - 1}) as k(week)
        where (g.weeks >> k.week) & 1 = 1
        group by g.cohort, k.week order by g.cohort, k.week`,
  );
  return cohortCounts(groups);
}

/**
 * The same groups by a window over each member's weeks (any span): each member's weeks of the range, with
 * the first of them and their accepted proofs of the range.
 */
function windowCohortGroups(db: Executor, where: SQL) {
  return queryRows<CohortGroup>(
    db,
    sql`with w as (
          select min(date_trunc('week', d.day::timestamp)::date) over m as cohort,
                 date_trunc('week', d.day::timestamp)::date as week,
                 sum(sum(d.proofs)) over m as proofs
          from analytics_member_days d where ${where}
          group by d.member_id, 2
          window m as (partition by d.member_id))
        select to_char(cohort, 'YYYY-MM-DD') as cohort, to_char(week, 'YYYY-MM-DD') as week,
               (week - cohort) / 7 as offset, count(*) as members,
               count(*) filter (where week = cohort and proofs >= 2) as repeaters
        from w group by cohort, week order by cohort, week`,
  );
}

/**
 * Members by cohort and week (with the repeaters of their cohort's week) to cohort rows: new vs returning
 * per week and the repeat rate are sums of those counts (a member is new in their cohort's week,
 * returning in a later one; counted once, in their cohort's week, as a repeater).
 */
function cohortCounts(groups: CohortGroup[]): CohortRows {
  const weeks = new Map<string, { week: string; new: number; returning: number }>();
  let members = 0;
  let repeaters = 0;
  for (const group of groups) {
    const week = weeks.get(group.week) ?? { week: group.week, new: 0, returning: 0 };
    weeks.set(group.week, week);
    if (group.week !== group.cohort) week.returning += n(group.members);
    else {
      week.new += n(group.members);
      members += n(group.members);
      repeaters += n(group.repeaters);
    }
  }
  return {
    cohorts: groups,
    weekly: [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week)),
    repeat: { members, repeaters },
  };
}

/**
 * The cohort rows of the whole history (all campaigns or one) from the per-member rollups
 * (`analytics_cohort_weeks`, `analytics_members`, migration 0033): their cost follows cohorts × weeks and
 * members, not the members' active days.
 */
async function undatedCohortRows(db: Executor, filter: AnalyticsFilter): Promise<CohortRows> {
  const where = sql`brand_id = ${filter.brandId} and scope = ${scope(filter)}`;
  const cohorts = await queryRows<{ cohort: string; offset: unknown; members: unknown }>(
    db,
    sql`select to_char(cohort, 'YYYY-MM-DD') as cohort, (week - cohort) / 7 as offset, members
        from analytics_cohort_weeks where ${where} order by cohort, week`,
  );
  const weekly = await queryRows<{ week: string; new: unknown; returning: unknown }>(
    db,
    sql`select to_char(week, 'YYYY-MM-DD') as week,
               coalesce(sum(members) filter (where week = cohort), 0) as new,
               coalesce(sum(members) filter (where week > cohort), 0) as returning
        from analytics_cohort_weeks where ${where} group by week order by week`,
  );
  const [repeat] = await queryRows<{ members: unknown; repeaters: unknown }>(
    db,
    sql`select count(*) as members, count(*) filter (where proofs >= 2) as repeaters
        from analytics_members where ${where}`,
  );
  return { cohorts, weekly, repeat };
}

/**
 * Members with a positive balance in bands of the cheapest reward's price (or of 100 points without
 * rewards), counted by the database from `members.points_balance` (the sum of the member's ledger rows,
 * kept by the ledger's triggers, migration 0039): one row back, and no grouping of the ledger (a million
 * ledger rows: 3.0 s of every cohorts answer; docs/decisions/009, "Points balances").
 */
async function pointsBands(db: Executor, brandId: string, rewardPoints: number | null) {
  const step = rewardPoints && rewardPoints > 0 ? rewardPoints : 100;
  const bands = [0.25, 0.5, 0.75, 1].map((f) => Math.round(step * f));
  // Band i: below its top and not below the one before (the tops never decrease); the rest: over.
  const [row] = await queryRows<Record<string, unknown>>(
    db,
    sql`select ${sql.join(
      bands.map(
        (top, i) =>
          sql`count(*) filter (where b.balance < ${top}${i > 0 ? sql` and b.balance >= ${bands[i - 1]!}` : sql``}) as ${sql.raw(`band${i}`)}`,
      ),
      sql`, `,
    )}, count(*) filter (where b.balance >= ${bands[3]!}) as over
        from (select points_balance as balance from members
              where brand_id = ${brandId} and points_balance > 0) b`,
  );
  const counts = bands.map((_, i) => n(row?.[`band${i}`]));
  return {
    cheapestRewardPoints: rewardPoints,
    bands: [
      ...bands.map((top, i) => ({ from: i === 0 ? 1 : bands[i - 1]!, below: top, members: counts[i]! })),
      { from: step, below: null, members: n(row?.over) },
    ],
    /** Members with at least 75% of the cheapest reward's price but not yet all of it. */
    closeToReward: rewardPoints ? counts[3]! : 0,
  };
}
