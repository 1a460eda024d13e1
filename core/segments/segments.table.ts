import { sql } from 'drizzle-orm';
import { date, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, idColumn, tstz, updatedAt } from '../db/columns.js';

/** A saved filter over members (campaign, purchases, store, region, points, survey answers, tags…). */
export const segments = pgTable(
  'segments',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    name: text('name').notNull(),
    filter: jsonb('filter').notNull().$type<Record<string, unknown>>(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /**
     * When a marketer deleted it: gone from the lists and refused for new broadcasts, but kept, because
     * broadcasts made from it still name it (each keeps its own copy of the condition it was sent with).
     */
    archivedAt: tstz('archived_at'),
  },
  (t) => [index('segments_brand_idx').on(t.brandId)],
);

/**
 * One accepted (or rewarded) proof of an invoice, with what a `bought` condition tests: the invoice's
 * date, its store and the names of its items. Written only by triggers on `submissions`, `invoices` and
 * `invoice_items` (migration 0032) in the transaction that changes them, so a segment count reads one
 * narrow table instead of joining three wide ones; never written by the application.
 */
export const memberPurchases = pgTable(
  'member_purchases',
  {
    submissionId: text('submission_id').primaryKey(),
    brandId: text('brand_id').notNull(),
    memberId: text('member_id').notNull(),
    invoiceId: text('invoice_id').notNull(),
    invoiceDate: date('invoice_date', { mode: 'string' }).notNull(),
    sellerTaxId: text('seller_tax_id'),
    sellerName: text('seller_name'),
    sellerAddress: text('seller_address'),
    /**
     * The region codes the address names (every region one of whose spellings is in it), computed by the
     * database when the row is written (migration 0050): what `members.purchases` keeps as `r`.
     */
    sellerRegions: text('seller_regions')
      .array()
      .generatedAlwaysAs(sql`purchase_region_codes(seller_address)`),
    /** The items' normalized names, one per line (normalized names have no white space). */
    itemNames: text('item_names').notNull().default(''),
  },
  (t) => [
    index('member_purchases_brand_date_idx').on(t.brandId, t.invoiceDate),
    index('member_purchases_invoice_idx').on(t.invoiceId),
    index('member_purchases_member_idx').on(t.memberId),
  ],
);
