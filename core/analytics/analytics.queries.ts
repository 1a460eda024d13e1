import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { getRegion } from '../regions/index.js';
import {
  basketPairMetrics,
  fillHeatmap,
  type BasketPair,
  type BasketsAnswer,
  type FunnelAnswer,
  type HeatmapAnswer,
  type RankingRow,
} from './analytics.models.js';

/** The filters every analysis takes (campaign id, inclusive local dates), with the brand from the console. */
export type AnalyticsFilter = { brandId: string; campaignId?: string; from?: string; to?: string };

const n = (value: unknown) => Number(value ?? 0);

/** The line items the filter selects (purchase dates are local to the store). */
export function lineItemsWhere(filter: AnalyticsFilter, alias = 'li'): SQL {
  const a = sql.raw(alias);
  return sql.join(
    [
      sql`${a}.brand_id = ${filter.brandId}`,
      filter.campaignId ? sql`${a}.campaign_id = ${filter.campaignId}` : undefined,
      filter.from ? sql`${a}.purchase_date >= ${filter.from}::date` : undefined,
      filter.to ? sql`${a}.purchase_date <= ${filter.to}::date` : undefined,
    ].filter((part): part is SQL => part !== undefined),
    sql` and `,
  );
}

/**
 * Basket analysis: a basket is one accepted proof; an item is its `product` key (the mapped product, else
 * the normalised printed name). For each of the brand's own products A (mapped) and any other product B
 * in the same baskets: count = baskets with both, support = count ÷ baskets, confidence = count ÷ baskets
 * with A, lift = confidence ÷ (baskets with B ÷ baskets). Top pairs first (count, then lift).
 */
export async function analyzeBaskets(
  db: Executor,
  filter: AnalyticsFilter,
  { minCount = 2, limit = 50 }: { minCount?: number; limit?: number } = {},
): Promise<BasketsAnswer> {
  const where = lineItemsWhere(filter);
  const [summary] = await queryRows<Record<string, unknown>>(
    db,
    sql`with b as (
          select li.submission_id,
                 max(li.invoice_total_minor) as total,
                 count(*) as lines,
                 coalesce(sum(li.amount_minor) filter (where li.product_key is not null), 0) as own_amount,
                 bool_or(li.product_key is not null) as has_own
          from analytics_line_items li where ${where} group by li.submission_id)
        select count(*) as baskets,
               coalesce(sum(total), 0) as total_amount,
               coalesce(sum(lines), 0) as lines,
               count(*) filter (where has_own) as with_own,
               coalesce(sum(own_amount), 0) as own_amount,
               coalesce(sum(total) filter (where has_own), 0) as own_baskets_total
        from b`,
  );
  const baskets = n(summary?.baskets);
  const pairs = await queryRows<{ a: string; b: string; count: unknown; with_a: unknown; with_b: unknown }>(
    db,
    sql`with items as (
          select distinct li.submission_id, coalesce(li.product_key, li.normalized_name) as product,
                 li.product_key is not null as own
          from analytics_line_items li where ${where}),
        freq as (select product, count(*) as c from items group by product),
        pairs as (
          select x.product as a, y.product as b, count(*) as c
          from items x join items y on y.submission_id = x.submission_id and y.product <> x.product
          where x.own
          group by x.product, y.product
          having count(*) >= ${minCount})
        select p.a, p.b, p.c as count, fa.c as with_a, fb.c as with_b
        from pairs p join freq fa on fa.product = p.a join freq fb on fb.product = p.b
        order by p.c desc, (p.c::float8 * ${baskets}::float8) / (fa.c * fb.c) desc, p.a, p.b
        limit ${limit}`,
  );
  return {
    baskets,
    pairs: pairs.map((row): BasketPair =>
      basketPairMetrics({
        a: row.a,
        b: row.b,
        count: n(row.count),
        withA: n(row.with_a),
        withB: n(row.with_b),
        baskets,
      }),
    ),
    summary: {
      averageAmountMinor: baskets ? n(summary?.total_amount) / baskets : 0,
      averageItems: baskets ? n(summary?.lines) / baskets : 0,
      withOwnProducts: n(summary?.with_own),
      shareOfBasket: n(summary?.own_baskets_total)
        ? n(summary?.own_amount) / n(summary?.own_baskets_total)
        : 0,
    },
  };
}

const RANK_ORDER = {
  proofs: sql`proofs desc, amount_minor desc`,
  members: sql`members desc, proofs desc`,
  amount: sql`amount_minor desc, proofs desc`,
} as const;

/** Stores (one per seller BAN / tax ID + branch) ranked by proofs, members or amount. */
export async function rankStores(
  db: Executor,
  filter: AnalyticsFilter,
  { sort = 'proofs', limit = 50 }: { sort?: keyof typeof RANK_ORDER; limit?: number } = {},
): Promise<{
  stores: (RankingRow & {
    storeKey: string;
    sellerId: string | null;
    branch: string;
    name: string | null;
    regionCode: string | null;
  })[];
}> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select li.store_key, count(distinct li.submission_id) as proofs, count(distinct li.member_id) as members,
               sum(li.amount_minor) as amount_minor, min(s.seller_id) as seller_id, min(s.branch) as branch,
               min(s.name) as name, min(s.region_code) as region_code
        from analytics_line_items li
        left join analytics_stores s on s.brand_id = li.brand_id and s.store_key = li.store_key
        where ${lineItemsWhere(filter)}
        group by li.store_key
        order by ${RANK_ORDER[sort]}, li.store_key
        limit ${limit}`,
  );
  return {
    stores: rows.map((row) => ({
      storeKey: String(row.store_key),
      sellerId: (row.seller_id as string | null) ?? null,
      branch: String(row.branch ?? ''),
      name: (row.name as string | null) ?? null,
      regionCode: (row.region_code as string | null) ?? null,
      proofs: n(row.proofs),
      members: n(row.members),
      amountMinor: n(row.amount_minor),
    })),
  };
}

/** Regions (Taiwan counties/cities, Thai provinces; `null` = not recognised) ranked by proofs. */
export async function rankRegions(
  db: Executor,
  filter: AnalyticsFilter,
  { sort = 'proofs' }: { sort?: keyof typeof RANK_ORDER } = {},
): Promise<{
  regions: (RankingRow & {
    code: string | null;
    country: string | null;
    names: Record<string, string> | null;
  })[];
}> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select li.region_code, count(distinct li.submission_id) as proofs, count(distinct li.member_id) as members,
               sum(li.amount_minor) as amount_minor
        from analytics_line_items li where ${lineItemsWhere(filter)}
        group by li.region_code
        order by ${RANK_ORDER[sort]}, li.region_code nulls last`,
  );
  return {
    regions: rows.map((row) => {
      const code = (row.region_code as string | null) ?? null;
      const region = code ? getRegion(code) : undefined;
      return {
        code,
        country: region?.country ?? null,
        names: region ? { ...region.names } : null,
        proofs: n(row.proofs),
        members: n(row.members),
        amountMinor: n(row.amount_minor),
      };
    }),
  };
}

/**
 * Purchases (accepted proofs) by local weekday × hour, and by day with the campaigns' events (purchase
 * window start and end, draws) to mark on the series.
 */
export async function purchaseHeatmap(db: Executor, filter: AnalyticsFilter): Promise<HeatmapAnswer> {
  const where = lineItemsWhere(filter);
  const cells = await queryRows<{ weekday: unknown; hour: unknown; proofs: unknown }>(
    db,
    sql`select weekday, hour, count(*) as proofs from (
          select distinct li.submission_id, li.weekday, li.hour from analytics_line_items li
          where ${where} and li.hour is not null) p
        group by weekday, hour`,
  );
  const days = await queryRows<{ day: string; proofs: unknown }>(
    db,
    sql`select to_char(li.purchase_date, 'YYYY-MM-DD') as day, count(distinct li.submission_id) as proofs
        from analytics_line_items li where ${where}
        group by li.purchase_date order by li.purchase_date`,
  );
  const campaignWhere = filter.campaignId
    ? sql`c.brand_id = ${filter.brandId} and c.id = ${filter.campaignId}`
    : sql`c.brand_id = ${filter.brandId}`;
  const events = await queryRows<{ day: string; kind: string; campaign_id: string }>(
    db,
    sql`select to_char(c.purchase_from, 'YYYY-MM-DD') as day, 'campaign_start' as kind, c.id as campaign_id
          from campaigns c where ${campaignWhere}
        union all
        select to_char(c.purchase_to, 'YYYY-MM-DD'), 'campaign_end', c.id from campaigns c where ${campaignWhere}
        union all
        select to_char(d.period_to at time zone c.timezone, 'YYYY-MM-DD'), 'draw', c.id
          from draws d join campaigns c on c.id = d.campaign_id where ${campaignWhere}
        order by 1, 2`,
  );
  const inRange = (day: string) => (!filter.from || day >= filter.from) && (!filter.to || day <= filter.to);
  return {
    cells: fillHeatmap(cells.map((c) => ({ weekday: n(c.weekday), hour: n(c.hour), proofs: n(c.proofs) }))),
    byDay: days.map((d) => ({ day: d.day, proofs: n(d.proofs) })),
    events: events
      .filter((e) => inRange(e.day))
      .map((e) => ({ day: e.day, kind: e.kind, campaignId: e.campaign_id })),
  };
}

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

/**
 * Proofs received → read (purchase data known) → verified (checked with the platform, or read/reviewed)
 * → accepted / rejected by reason → rewarded → redeemed (members among the accepted who redeemed a reward
 * since); received, accepted and rejected by day.
 */
export async function proofFunnel(db: Executor, filter: AnalyticsFilter): Promise<FunnelAnswer> {
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
  const [redeemed] = await queryRows<{ members: unknown; accepted_members: unknown }>(
    db,
    sql`with m as (select s.member_id, min(s.created_at) as first_at from submissions s
                   where ${where} and s.state in ('accepted', 'rewarded') group by s.member_id)
        select count(*) as accepted_members,
               count(*) filter (where exists (
                 select 1 from redemptions r where r.brand_id = ${filter.brandId} and r.member_id = m.member_id
                   and r.state <> 'cancelled' and r.created_at >= m.first_at)) as members
        from m`,
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
  return {
    steps: {
      received: n(totals?.received),
      read: n(totals?.read),
      verified: n(totals?.verified),
      accepted: n(totals?.accepted),
      rejected: n(totals?.rejected),
      rewarded: n(totals?.rewarded),
      acceptedMembers: n(redeemed?.accepted_members),
      redeemedMembers: n(redeemed?.members),
    },
    rejectedByReason: reasons.map((r) => ({ reason: r.reason ?? 'unknown', count: n(r.count) })),
    byDay: days.map((d) => ({
      day: String(d.day),
      received: n(d.received),
      accepted: n(d.accepted),
      rejected: n(d.rejected),
    })),
  };
}

/**
 * Members: cohorts by the week (Monday, local) of their first accepted proof and how many of them sent an
 * accepted proof again k weeks later; new vs returning per week; the repeat-purchase rate (members with two
 * or more accepted proofs ÷ members with one or more); points balances in bands, against the cheapest
 * active reward ("who is close to a reward").
 */
export async function memberCohorts(db: Executor, filter: AnalyticsFilter) {
  const timezone = await brandTimezone(db, filter.brandId);
  const where = submissionsWhere(filter, timezone);
  const week = sql`date_trunc('week', (s.created_at at time zone ${timezone}))::date`;
  const accepted = sql`select s.member_id, ${week} as week from submissions s
                       where ${where} and s.state in ('accepted', 'rewarded')`;
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
    sql`select count(*) as members, count(*) filter (where c >= 2) as repeaters
        from (select s.member_id, count(*) as c from submissions s
              where ${where} and s.state in ('accepted', 'rewarded') group by s.member_id) m`,
  );
  const [cheapest] = await queryRows<{ points: unknown }>(
    db,
    sql`select min(points_price) as points from rewards where brand_id = ${filter.brandId} and active`,
  );
  const balances = await queryRows<{ balance: unknown }>(
    db,
    sql`select sum(points) as balance from points_ledger where brand_id = ${filter.brandId}
        group by member_id having sum(points) > 0`,
  );
  const table = new Map<string, number[]>();
  for (const row of cohorts) {
    const sizes = table.get(row.cohort) ?? [];
    sizes[n(row.offset)] = n(row.members);
    table.set(row.cohort, sizes);
  }
  const rewardPoints = cheapest?.points == null ? null : n(cheapest.points);
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
    points: pointsBands(
      balances.map((b) => n(b.balance)),
      rewardPoints,
    ),
  };
}

/** Positive balances in bands of the cheapest reward's price (or of 100 points without rewards). */
function pointsBands(balances: number[], rewardPoints: number | null) {
  const step = rewardPoints && rewardPoints > 0 ? rewardPoints : 100;
  const bands = [0.25, 0.5, 0.75, 1].map((f) => Math.round(step * f));
  const counts = bands.map(() => 0);
  let over = 0;
  for (const balance of balances) {
    const i = bands.findIndex((top) => balance < top);
    if (i === -1) over += 1;
    else counts[i]! += 1;
  }
  return {
    cheapestRewardPoints: rewardPoints,
    bands: [
      ...bands.map((top, i) => ({ from: i === 0 ? 1 : bands[i - 1]!, below: top, members: counts[i]! })),
      { from: step, below: null, members: over },
    ],
    /** Members with at least 75% of the cheapest reward's price but not yet all of it. */
    closeToReward: rewardPoints ? counts[3]! : 0,
  };
}

export type { BasketPair, BasketsAnswer };
