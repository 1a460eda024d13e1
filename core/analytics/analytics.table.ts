import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  primaryKey,
  smallint,
  text,
  time,
} from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, currency, idColumn, tstz, updatedAt } from '../db/columns.js';

/**
 * Long exports run as jobs (queued by the console, run by the worker) and report progress; the finished
 * file is kept in the blob store behind a download link (`downloadToken`) that works until `expiresAt`,
 * after which the worker deletes the file.
 */
export const exportJobs = pgTable(
  'export_jobs',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    kind: text('kind')
      .notNull()
      .$type<'line_items' | 'submissions' | 'members' | 'survey_answers' | 'winners' | 'member_data'>(),
    format: text('format').notNull().$type<'csv' | 'xlsx' | 'json'>(),
    params: jsonb('params').$type<Record<string, unknown>>(),
    state: text('state').notNull().$type<'queued' | 'running' | 'done' | 'failed' | 'expired'>(),
    rowsDone: integer('rows_done').notNull().default(0),
    rowsTotal: integer('rows_total'),
    storageKey: text('storage_key'),
    requestedBy: text('requested_by'),
    lastError: text('last_error'),
    /** A running job whose lease has passed (its worker died) is taken again. */
    leaseUntil: tstz('lease_until'),
    /** The secret in the download link (random, url-safe); cleared when the file is deleted. */
    downloadToken: text('download_token'),
    expiresAt: tstz('expires_at'),
    createdAt: createdAt(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    index('export_jobs_brand_idx').on(t.brandId, t.createdAt),
    index('export_jobs_state_idx').on(t.state, t.createdAt),
  ],
);

/**
 * One store per seller: its BAN (Taiwan) or tax ID (Thailand) and branch; a seller that printed no number
 * is keyed by its normalised name. `storeKey` is `<sellerId or name:…>|<branch>`.
 */
export const analyticsStores = pgTable(
  'analytics_stores',
  {
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    storeKey: text('store_key').notNull(),
    sellerId: text('seller_id'),
    branch: text('branch').notNull().default(''),
    name: text('name'),
    address: text('address'),
    /** ISO 3166-2 code from core/regions (`TW-TPE`, `TH-50`), or null when the address decides nothing. */
    regionCode: text('region_code'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.storeKey] })],
);

/** A brand's own product, to which printed item names are mapped (`key` is what the basket analysis shows). */
export const analyticsProducts = pgTable(
  'analytics_products',
  {
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    key: text('key').notNull(),
    name: text('name').notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.key] })],
);

/** A printed (normalised) item name mapped to one of the brand's products. */
export const analyticsProductMappings = pgTable(
  'analytics_product_mappings',
  {
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    normalizedName: text('normalized_name').notNull(),
    productKey: text('product_key').notNull(),
    mappedBy: text('mapped_by'),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.brandId, t.normalizedName] })],
);

/**
 * One row per line item of every accepted proof, whatever its kind (MoF details, QR items, OCR'd receipt
 * items, a reviewer's corrections), written in the deciding transaction and removed when the proof stops
 * being accepted. Amounts are minor units. `memberId` is cleared when the member is erased (the row stays,
 * so aggregates stay). Dates and times are the proof's own, local to the store.
 */
export const analyticsLineItems = pgTable(
  'analytics_line_items',
  {
    submissionId: text('submission_id').notNull(),
    lineNo: integer('line_no').notNull(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    campaignId: text('campaign_id').notNull(),
    memberId: text('member_id'),
    invoiceId: text('invoice_id'),
    purchaseDate: date('purchase_date', { mode: 'string' }).notNull(),
    purchaseTime: time('purchase_time'),
    /** 0 = Sunday … 6 = Saturday, and the hour (null without a time): the heatmap's cells. */
    weekday: smallint('weekday').notNull(),
    hour: smallint('hour'),
    storeKey: text('store_key').notNull(),
    storeName: text('store_name'),
    sellerId: text('seller_id'),
    branch: text('branch').notNull().default(''),
    storeAddress: text('store_address'),
    regionCode: text('region_code'),
    itemName: text('item_name').notNull(),
    normalizedName: text('normalized_name').notNull(),
    /** The campaign's first keyword group the name matches, or null. */
    itemGroup: text('item_group'),
    /** The brand's product the name is mapped to, or null (the analysis then uses `normalizedName`). */
    productKey: text('product_key'),
    quantity: numeric('quantity', { precision: 12, scale: 3 }).notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    /** The whole proof's total, repeated on each of its rows (share of basket, average basket). */
    invoiceTotalMinor: bigint('invoice_total_minor', { mode: 'number' }).notNull(),
    currency: currency(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.submissionId, t.lineNo] }),
    index('analytics_line_items_brand_date_idx').on(t.brandId, t.purchaseDate),
    index('analytics_line_items_campaign_date_idx').on(t.campaignId, t.purchaseDate),
    index('analytics_line_items_brand_name_idx').on(t.brandId, t.normalizedName),
    index('analytics_line_items_member_idx').on(t.memberId),
  ],
);
