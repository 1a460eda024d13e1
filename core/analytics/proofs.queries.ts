import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { foldPendingFacts } from '../fact-outbox/index.js';
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
 * The funnel's members over the whole history (all campaigns or one) are read from the per-member rollup
 * (`analytics_members`: scope `*` or the campaign), a range's from its member-days; the cohorts, dated or
 * not, from the first-ever-proof counters (migration 0042).
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
 * How a reader of the funnel's rollups is given its databases: `primary`, where the derived-facts outbox
 * is folded before the read (the main database, when `db` is a read replica: the replica then follows it
 * and lags as it does for everything else; a fold on a replica folds nothing). The query is the one place
 * that folds: callers never fold before calling it.
 */
export type ReadOptions = { primary?: Executor };

/**
 * Proofs received → read (purchase data known) → verified (checked with the platform, or read/reviewed)
 * → accepted / rejected by reason → rewarded → redeemed (members among the accepted who redeemed a reward
 * since their first accepted proof of the range); received, accepted and rejected by day (the brand's
 * local day the proof was received).
 */
export async function proofFunnel(
  db: Executor,
  filter: AnalyticsFilter,
  { primary = db }: ReadOptions = {},
): Promise<FunnelAnswer> {
  await foldPendingFacts(primary);
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

export type CohortRows = {
  cohorts: { cohort: string; offset: unknown; members: unknown }[];
  weekly: { week: string; new: unknown; returning: unknown }[];
  repeat: { members: unknown; repeaters: unknown } | undefined;
};

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
 * Members: cohorts by the week (Monday, local) of their first-ever accepted proof (in the campaign, when
 * one is asked) and how many of them sent an accepted proof again k weeks later; new vs returning per week;
 * the repeat-purchase rate; points balances in bands, against the cheapest active reward ("who is close
 * to a reward"). With a range (`from`/`to`, days received), the same definitions over the range's days:
 * - the retention table holds the cohorts of the members whose first-ever proof is in the range, counted
 *   in the weeks of the range they were active in (within the range);
 * - a member active in a week of the range is new that week when their first-ever proof is in it (and in
 *   the range), returning otherwise (their first-ever proof is earlier: before the range, or an earlier
 *   week of it);
 * - repeat rate: members with an accepted proof in the range that is not their first-ever ÷ members with
 *   an accepted proof in the range.
 * Without a range these are the whole history's (and equal to the range covering it). Read from rollups
 * whose cost follows days and weeks, not members (docs/decisions/009, "Cohorts by first-ever proof").
 */
export async function memberCohorts(
  db: Executor,
  filter: AnalyticsFilter,
  { primary = db }: ReadOptions = {},
) {
  await foldPendingFacts(primary);
  return toCohortsAnswer(db, filter.brandId, await cohortRows(db, filter));
}

/**
 * The cohort rows of a range of days (or of the whole history, without one) from the first-ever-proof
 * rollups (`analytics_cohort_days`, `analytics_return_days`, `analytics_first_days`, migration 0042). A week's row counts the members whose
 * active days that week (`days`, bit i = Monday + i) meet the range's days of that week (`lo`..`hi`): those
 * whose first-ever day is in the range make the retention table (and are new in their first week), the
 * rest of the week's members are returning. The range's members are its active days whose previous active
 * day is before the range; those of them who bought once are the members whose first proof is in the range
 * and whose second is after it.
 */
async function cohortRows(db: Executor, filter: AnalyticsFilter): Promise<CohortRows> {
  const { from, to } = filter;
  const where = (alias: string) =>
    sql`${sql.raw(alias)}.brand_id = ${filter.brandId} and ${sql.raw(alias)}.scope = ${scope(filter)}`;
  const lo = from ? sql`greatest(${from}::date - c.week, 0)` : sql`0`;
  const hi = to ? sql`least(${to}::date - c.week, 6)` : sql`6`;
  const fresh = from ? sql`c.first_day >= ${from}::date` : sql`true`;
  const cells = await queryRows<{ cohort: string | null; week: string; offset: unknown; members: unknown }>(
    db,
    sql`select case when ${fresh} then to_char(date_trunc('week', c.first_day::timestamp), 'YYYY-MM-DD') end as cohort,
               to_char(c.week, 'YYYY-MM-DD') as week,
               (c.week - date_trunc('week', c.first_day::timestamp)::date) / 7 as offset, sum(c.members) as members
        from analytics_cohort_days c
        where ${where('c')}${from ? sql` and c.week > ${from}::date - 7` : sql``}${to ? sql` and c.week <= ${to}::date and c.first_day <= ${to}::date` : sql``}
          and c.days & ((1 << (${hi} + 1)) - (1 << ${lo})) <> 0
        group by 1, 2, 3 order by 1, 2`,
  );
  const [repeat] = await queryRows<{ members: unknown; once: unknown }>(
    db,
    sql`select (select coalesce(sum(r.members), 0) from analytics_return_days r
                where ${where('r')}${from ? sql` and r.day >= ${from}::date and r.prev_day < ${from}::date` : sql` and r.prev_day = '-infinity'`}${to ? sql` and r.day <= ${to}::date` : sql``}) as members,
               (select coalesce(sum(f.members), 0) from analytics_first_days f
                where ${where('f')}${from ? sql` and f.first_day >= ${from}::date` : sql``}${to ? sql` and f.first_day <= ${to}::date and f.second_day > ${to}::date` : sql` and f.second_day = 'infinity'`}) as once`,
  );
  const weeks = new Map<string, { week: string; new: number; returning: number }>();
  const cohorts: CohortRows['cohorts'] = [];
  for (const cell of cells) {
    const week = weeks.get(cell.week) ?? { week: cell.week, new: 0, returning: 0 };
    weeks.set(cell.week, week);
    if (cell.cohort === cell.week) week.new += n(cell.members);
    else week.returning += n(cell.members);
    if (cell.cohort !== null)
      cohorts.push({ cohort: cell.cohort, offset: cell.offset, members: cell.members });
  }
  const members = n(repeat?.members);
  return {
    cohorts,
    weekly: [...weeks.values()].sort((a, b) => a.week.localeCompare(b.week)),
    repeat: { members, repeaters: members - n(repeat?.once) },
  };
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
