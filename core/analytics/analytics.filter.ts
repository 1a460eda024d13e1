import { sql, type SQL } from 'drizzle-orm';

/*
 * The analyses' filter and the line items it selects, apart from the queries (whose region table an
 * export does not need to load).
 */

/** The filters every analysis takes (campaign id, inclusive local dates), with the brand from the console. */
export type AnalyticsFilter = { brandId: string; campaignId?: string; from?: string; to?: string };

/**
 * The rows of a table keyed like the line items (brand, campaign, a local date column `dates`) that the
 * filter selects.
 */
export function filterWhere(filter: AnalyticsFilter, alias: string, dates: string): SQL {
  const a = sql.raw(alias);
  const day = sql.raw(`${alias}.${dates}`);
  return sql.join(
    [
      sql`${a}.brand_id = ${filter.brandId}`,
      filter.campaignId ? sql`${a}.campaign_id = ${filter.campaignId}` : undefined,
      filter.from ? sql`${day} >= ${filter.from}::date` : undefined,
      filter.to ? sql`${day} <= ${filter.to}::date` : undefined,
    ].filter((part): part is SQL => part !== undefined),
    sql` and `,
  );
}

/**
 * The line items (or rollup rows: same key columns) the filter selects (purchase dates are local to the
 * store).
 */
export function lineItemsWhere(filter: AnalyticsFilter, alias = 'li'): SQL {
  return filterWhere(filter, alias, 'purchase_date');
}
