import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import type { BasketsAnswer, HeatmapAnswer } from './analytics.models.js';
import {
  campaignEvents,
  lineItemsWhere,
  n,
  pairOrder,
  RANK_ORDER,
  toBasketsAnswer,
  toHeatmapAnswer,
  toRegionRanking,
  toStoreRanking,
  type AnalyticsFilter,
  type RegionRanking,
  type StoreRanking,
} from './analytics.queries.js';

/*
 * The same analyses as analytics.queries.ts, computed from the line items themselves instead of the
 * rollups: the reference the rollups are tested against (rollup == line items on random histories with
 * reversals), and the baseline the bench compares them to. The console does not use these.
 */

export async function analyzeBasketsFromLineItems(
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
        order by ${pairOrder(n(summary?.baskets))}
        limit ${limit}`,
  );
  return toBasketsAnswer(summary, pairs);
}

export async function rankStoresFromLineItems(
  db: Executor,
  filter: AnalyticsFilter,
  { sort = 'proofs', limit = 50 }: { sort?: keyof typeof RANK_ORDER; limit?: number } = {},
): Promise<StoreRanking> {
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
  return toStoreRanking(rows);
}

export async function rankRegionsFromLineItems(
  db: Executor,
  filter: AnalyticsFilter,
  { sort = 'proofs' }: { sort?: keyof typeof RANK_ORDER } = {},
): Promise<RegionRanking> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`select li.region_code, count(distinct li.submission_id) as proofs, count(distinct li.member_id) as members,
               sum(li.amount_minor) as amount_minor
        from analytics_line_items li where ${lineItemsWhere(filter)}
        group by li.region_code
        order by ${RANK_ORDER[sort]}, li.region_code nulls last`,
  );
  return toRegionRanking(rows);
}

export async function purchaseHeatmapFromLineItems(
  db: Executor,
  filter: AnalyticsFilter,
): Promise<HeatmapAnswer> {
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
  return toHeatmapAnswer(cells, days, await campaignEvents(db, filter));
}
