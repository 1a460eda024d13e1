import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { foldPendingFacts } from '../fact-outbox/index.js';
import { getRegion } from '../regions/index.js';
import { lineItemsWhere, type AnalyticsFilter } from './analytics.filter.js';
// The rollups' readers fold the fact outbox first (migration 0057), on `primary` when `db` is a replica.
import type { ReadOptions as RollupReadOptions } from './proofs.queries.js';
import {
  basketPairMetrics,
  fillHeatmap,
  type BasketPair,
  type BasketsAnswer,
  type HeatmapAnswer,
  type RankingRow,
} from './analytics.models.js';

export { lineItemsWhere, type AnalyticsFilter } from './analytics.filter.js';

export const n = (value: unknown) => Number(value ?? 0);

/** The basket answer from the summary sums and the pair counts (shared by the rollup and line-item paths). */
export function toBasketsAnswer(
  summary: Record<string, unknown> | undefined,
  pairs: { a: string; b: string; count: unknown; with_a: unknown; with_b: unknown }[],
): BasketsAnswer {
  const baskets = n(summary?.baskets);
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

/** The order of a basket's pairs: most baskets first, then highest lift. */
export const pairOrder = (baskets: number) =>
  sql`p.c desc, (p.c::float8 * ${baskets}::float8) / (fa.c * fb.c) desc, p.a, p.b`;

/**
 * Basket analysis: a basket is one accepted proof; an item is its `product` key (the mapped product, else
 * the normalised printed name). For each of the brand's own products A (mapped) and any other product B
 * in the same baskets: count = baskets with both, support = count ÷ baskets, confidence = count ÷ baskets
 * with A, lift = confidence ÷ (baskets with B ÷ baskets). Top pairs first (count, then lift). Read from the
 * daily rollups: pair and product counts add up over days.
 */
export async function analyzeBaskets(
  db: Executor,
  filter: AnalyticsFilter,
  { minCount = 2, limit = 50, primary = db }: { minCount?: number; limit?: number } & RollupReadOptions = {},
): Promise<BasketsAnswer> {
  await foldPendingFacts(primary);
  const where = lineItemsWhere(filter, 'd');
  const [summary] = await queryRows<Record<string, unknown>>(
    db,
    sql`select coalesce(sum(d.proofs), 0) as baskets, coalesce(sum(d.total_minor), 0) as total_amount,
               coalesce(sum(d.lines), 0) as lines, coalesce(sum(d.with_own), 0) as with_own,
               coalesce(sum(d.own_amount_minor), 0) as own_amount,
               coalesce(sum(d.own_baskets_total_minor), 0) as own_baskets_total
        from analytics_daily d where ${where}`,
  );
  const baskets = n(summary?.baskets);
  const pairs = await queryRows<{ a: string; b: string; count: unknown; with_a: unknown; with_b: unknown }>(
    db,
    sql`with pairs as (
          select d.product_a as a, d.product_b as b, sum(d.baskets) as c from analytics_pair_days d
          where ${where} group by d.product_a, d.product_b having sum(d.baskets) >= ${minCount}),
        freq as (select d.product, sum(d.baskets) as c from analytics_product_days d where ${where}
                 group by d.product)
        select p.a, p.b, p.c as count, fa.c as with_a, fb.c as with_b
        from pairs p join freq fa on fa.product = p.a join freq fb on fb.product = p.b
        order by ${pairOrder(baskets)}
        limit ${limit}`,
  );
  return toBasketsAnswer(summary, pairs);
}

export const RANK_ORDER = {
  proofs: sql`proofs desc, amount_minor desc`,
  members: sql`members desc, proofs desc`,
  amount: sql`amount_minor desc, proofs desc`,
} as const;

export type StoreRanking = {
  stores: (RankingRow & {
    storeKey: string;
    sellerId: string | null;
    branch: string;
    name: string | null;
    regionCode: string | null;
  })[];
};

export type RegionRanking = {
  regions: (RankingRow & {
    code: string | null;
    country: string | null;
    names: Record<string, string> | null;
  })[];
};

export const toStoreRanking = (rows: Record<string, unknown>[]): StoreRanking => ({
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
});

export const toRegionRanking = (rows: Record<string, unknown>[]): RegionRanking => ({
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
});

/**
 * Undated questions (all time, or one campaign) read the per-place totals, whose member counts are kept
 * exact; a date range sums the days of `analytics_store_days` and counts its distinct members (work in
 * proportion to the proofs of the range).
 */
const placeTotals = (filter: AnalyticsFilter, kind: 'store' | 'region') =>
  sql`select t.place_key, t.proofs, t.members, t.amount_minor from analytics_place_totals t
      where t.brand_id = ${filter.brandId} and t.campaign_key = ${filter.campaignId ?? '*'} and t.kind = ${kind}`;

/** Per place (store or region): `place_key, proofs, members, amount_minor`. */
function places(filter: AnalyticsFilter, kind: 'store' | 'region'): SQL {
  if (!filter.from && !filter.to) return placeTotals(filter, kind);
  const key = sql.raw(kind === 'store' ? 'd.store_key' : 'd.region_key');
  return sql`select ${key} as place_key, sum(d.proofs) as proofs,
                    count(distinct nullif(d.member_key, '')) as members, sum(d.amount_minor) as amount_minor
             from analytics_store_days d where ${lineItemsWhere(filter, 'd')} group by ${key}`;
}

/** Stores (one per seller BAN / tax ID + branch) ranked by proofs, members or amount. */
export async function rankStores(
  db: Executor,
  filter: AnalyticsFilter,
  {
    sort = 'proofs',
    limit = 50,
    primary = db,
  }: { sort?: keyof typeof RANK_ORDER; limit?: number } & RollupReadOptions = {},
): Promise<StoreRanking> {
  await foldPendingFacts(primary);
  const ranked = places(filter, 'store');
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select r.place_key as store_key, r.proofs, r.members, r.amount_minor, s.seller_id, s.branch, s.name,
               s.region_code
        from (${ranked}) r
        left join analytics_stores s on s.brand_id = ${filter.brandId} and s.store_key = r.place_key
        order by ${RANK_ORDER[sort]}, r.place_key
        limit ${limit}`,
  );
  return toStoreRanking(rows);
}

/** Regions (Taiwan counties/cities, Thai provinces; `null` = not recognised) ranked by proofs. */
export async function rankRegions(
  db: Executor,
  filter: AnalyticsFilter,
  { sort = 'proofs', primary = db }: { sort?: keyof typeof RANK_ORDER } & RollupReadOptions = {},
): Promise<RegionRanking> {
  await foldPendingFacts(primary);
  const ranked = places(filter, 'region');
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select nullif(r.place_key, '') as region_code, r.proofs, r.members, r.amount_minor from (${ranked}) r
        order by ${RANK_ORDER[sort]}, nullif(r.place_key, '') nulls last`,
  );
  return toRegionRanking(rows);
}

/** The campaigns' events (purchase window start and end, draws) within the filter's dates. */
export async function campaignEvents(
  db: Executor,
  filter: AnalyticsFilter,
): Promise<HeatmapAnswer['events']> {
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
  return events
    .filter((e) => inRange(e.day))
    .map((e) => ({ day: e.day, kind: e.kind, campaignId: e.campaign_id }));
}

/**
 * Purchases (accepted proofs) by local weekday × hour, and by day with the campaigns' events (purchase
 * window start and end, draws) to mark on the series.
 */
export async function purchaseHeatmap(
  db: Executor,
  filter: AnalyticsFilter,
  { primary = db }: RollupReadOptions = {},
): Promise<HeatmapAnswer> {
  await foldPendingFacts(primary);
  const where = lineItemsWhere(filter, 'd');
  const cells = await queryRows<{ weekday: unknown; hour: unknown; proofs: unknown }>(
    db,
    sql`select d.weekday, d.hour, sum(d.proofs) as proofs from analytics_daily d
        where ${where} and d.hour >= 0 group by d.weekday, d.hour`,
  );
  const days = await queryRows<{ day: string; proofs: unknown }>(
    db,
    sql`select to_char(d.purchase_date, 'YYYY-MM-DD') as day, sum(d.proofs) as proofs
        from analytics_daily d where ${where} group by d.purchase_date order by d.purchase_date`,
  );
  return toHeatmapAnswer(cells, days, await campaignEvents(db, filter));
}

export const toHeatmapAnswer = (
  cells: { weekday: unknown; hour: unknown; proofs: unknown }[],
  days: { day: string; proofs: unknown }[],
  events: HeatmapAnswer['events'],
): HeatmapAnswer => ({
  cells: fillHeatmap(cells.map((c) => ({ weekday: n(c.weekday), hour: n(c.hour), proofs: n(c.proofs) }))),
  byDay: days.map((d) => ({ day: d.day, proofs: n(d.proofs) })),
  events,
});

export type { BasketPair, BasketsAnswer };
