import {
  bigint,
  boolean,
  date,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
} from 'drizzle-orm/pg-core';

/*
 * Rollups of `analytics_line_items`, kept by triggers on that table in the transaction that writes it
 * (a decision, a reversal, a product mapping, an erasure, the synthetic seed): every statement subtracts
 * what the proofs it touched contributed before and adds what they contribute after (migration 0027,
 * docs/decisions/009). One proof counts once in each, on its local purchase date; rows that fall to zero
 * are deleted. The analyses read these instead of the line items, so their cost follows days × keys, not
 * invoices.
 */

const keys = {
  brandId: text('brand_id').notNull(),
  campaignId: text('campaign_id').notNull(),
  purchaseDate: date('purchase_date', { mode: 'string' }).notNull(),
};

/** Per day and local hour (−1: no time printed): the heatmap, proofs by day and the basket summary. */
export const analyticsDaily = pgTable(
  'analytics_daily',
  {
    ...keys,
    hour: smallint('hour').notNull(),
    /** 0 = Sunday … 6 = Saturday (follows from the date). */
    weekday: smallint('weekday').notNull(),
    proofs: integer('proofs').notNull(),
    lines: integer('lines').notNull(),
    /** Sum of the proofs' invoice totals. */
    totalMinor: bigint('total_minor', { mode: 'number' }).notNull(),
    /** Sum of the line amounts. */
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    /** Proofs holding at least one of the brand's own (mapped) products. */
    withOwn: integer('with_own').notNull(),
    ownAmountMinor: bigint('own_amount_minor', { mode: 'number' }).notNull(),
    /** Invoice totals of the proofs holding own products (share of basket's denominator). */
    ownBasketsTotalMinor: bigint('own_baskets_total_minor', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'analytics_daily_pk', columns: [t.brandId, t.campaignId, t.purchaseDate, t.hour] }),
  ],
);

/**
 * Per day, store, region and member ('' = none or erased): stores and regions ranked by proofs, amount and
 * distinct members (which days cannot sum, so the member stays in the key).
 */
export const analyticsStoreDays = pgTable(
  'analytics_store_days',
  {
    ...keys,
    storeKey: text('store_key').notNull(),
    regionKey: text('region_key').notNull(),
    memberKey: text('member_key').notNull(),
    proofs: integer('proofs').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'analytics_store_days_pk',
      columns: [t.brandId, t.campaignId, t.purchaseDate, t.storeKey, t.regionKey, t.memberKey],
    }),
    index('analytics_store_days_brand_date_idx').on(t.brandId, t.purchaseDate),
  ],
);

/** Per day, baskets holding each product (`own`: one of the brand's mapped products). */
export const analyticsProductDays = pgTable(
  'analytics_product_days',
  {
    ...keys,
    product: text('product').notNull(),
    own: boolean('own').notNull(),
    baskets: integer('baskets').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'analytics_product_days_pk',
      columns: [t.brandId, t.campaignId, t.purchaseDate, t.product, t.own],
    }),
  ],
);

/** Per day, baskets holding both an own product A and another product B: pair counts add up over days. */
export const analyticsPairDays = pgTable(
  'analytics_pair_days',
  {
    ...keys,
    productA: text('product_a').notNull(),
    productB: text('product_b').notNull(),
    baskets: integer('baskets').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'analytics_pair_days_pk',
      columns: [t.brandId, t.campaignId, t.purchaseDate, t.productA, t.productB],
    }),
  ],
);

/**
 * Member counts for the undated questions (all time, or one campaign): a member's proofs per store and
 * per region (`kind`), for each campaign and for all campaigns together (`campaignKey` '*'), so that "distinct
 * members" becomes a counter kept when a member's count there goes from 0 to 1 or back. Erased members and
 * proofs without a member are not counted (as `count(distinct member_id)` does not count them).
 */
export const analyticsPlaceMembers = pgTable(
  'analytics_place_members',
  {
    brandId: text('brand_id').notNull(),
    campaignKey: text('campaign_key').notNull(),
    /** `store` or `region`. */
    kind: text('kind').notNull().$type<'store' | 'region'>(),
    /** The store key, or the region code ('' = not recognised). */
    placeKey: text('place_key').notNull(),
    memberKey: text('member_key').notNull(),
    proofs: integer('proofs').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'analytics_place_members_pk',
      columns: [t.brandId, t.campaignKey, t.kind, t.placeKey, t.memberKey],
    }),
  ],
);

/** Per store (or region, `kind`), for each campaign and for all (`campaignKey` '*'): the undated ranking. */
export const analyticsPlaceTotals = pgTable(
  'analytics_place_totals',
  {
    brandId: text('brand_id').notNull(),
    campaignKey: text('campaign_key').notNull(),
    kind: text('kind').notNull().$type<'store' | 'region'>(),
    /** The store key, or the region code ('' = not recognised). */
    placeKey: text('place_key').notNull(),
    proofs: integer('proofs').notNull(),
    members: integer('members').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  },
  (t) => [
    primaryKey({
      name: 'analytics_place_totals_pk',
      columns: [t.brandId, t.campaignKey, t.kind, t.placeKey],
    }),
  ],
);
