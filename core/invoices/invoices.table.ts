import { sql } from 'drizzle-orm';
import {
  bigint,
  date,
  index,
  integer,
  jsonb,
  numeric,
  pgTable,
  text,
  time,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, idColumn, tstz, updatedAt } from '../db/columns.js';

/**
 * A purchase document: a Taiwan e-invoice or paper invoice, or any store receipt read from a photo.
 * Amounts are integers in minor units of `currency`.
 */
export const invoices = pgTable(
  'invoices',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    kind: text('kind').notNull().$type<'einvoice' | 'paper_invoice' | 'receipt'>(),
    /** Taiwan invoice number (`AB12345678`); null for receipts without one. */
    invoiceNumber: text('invoice_number'),
    invoiceDate: date('invoice_date', { mode: 'string' }).notNull(),
    invoiceTime: time('invoice_time'),
    randomCode: text('random_code'),
    sellerTaxId: text('seller_tax_id'),
    sellerName: text('seller_name'),
    sellerBranch: text('seller_branch'),
    sellerAddress: text('seller_address'),
    /** Set for B2B invoices (a buyer business ID), which campaigns usually exclude. */
    buyerTaxId: text('buyer_tax_id'),
    /** As the proof states it: a receipt in another currency is kept as read (and refused by the rules). */
    currency: text('currency').notNull(),
    salesAmountMinor: bigint('sales_amount_minor', { mode: 'number' }),
    taxAmountMinor: bigint('tax_amount_minor', { mode: 'number' }),
    totalAmountMinor: bigint('total_amount_minor', { mode: 'number' }).notNull(),
    status: text('status')
      .notNull()
      .default('unverified')
      .$type<'unverified' | 'verified' | 'voided' | 'returned'>(),
    /** Where the data came from: the QR, typed text, the carrier query, OCR, or a reviewer. */
    source: text('source').notNull().$type<'qr' | 'text' | 'carrier' | 'ocr' | 'review'>(),
    /** The MoF platform's answer, kept so the same invoice is never queried twice for the same answer. */
    platformAnswer: jsonb('platform_answer').$type<Record<string, unknown>>(),
    verifiedAt: tstz('verified_at'),
    statusCheckedAt: tstz('status_checked_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('invoices_brand_number_date_uq')
      .on(t.brandId, t.invoiceNumber, t.invoiceDate)
      .where(sql`${t.invoiceNumber} is not null`),
    index('invoices_brand_date_idx').on(t.brandId, t.invoiceDate),
    index('invoices_brand_seller_idx').on(t.brandId, t.sellerTaxId),
  ],
);

export const invoiceItems = pgTable(
  'invoice_items',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    invoiceId: text('invoice_id')
      .notNull()
      .references(() => invoices.id, { onDelete: 'cascade' }),
    lineNo: integer('line_no').notNull(),
    name: text('name').notNull(),
    /** Width-, case- and space-folded name, for keyword rules and basket analysis. */
    normalizedName: text('normalized_name').notNull(),
    quantity: numeric('quantity', { precision: 12, scale: 3 }).notNull(),
    unitPriceMinor: bigint('unit_price_minor', { mode: 'number' }).notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('invoice_items_invoice_line_uq').on(t.invoiceId, t.lineNo),
    index('invoice_items_brand_name_idx').on(t.brandId, t.normalizedName),
  ],
);

/**
 * The invoice fields a purchase's analytics line items are written from (its header): read back by the
 * line items, or returned by the statement that stored the platform's answer in the same transaction.
 */
export const purchaseHeaderColumns = {
  id: invoices.id,
  currency: invoices.currency,
  invoiceDate: invoices.invoiceDate,
  invoiceTime: invoices.invoiceTime,
  sellerTaxId: invoices.sellerTaxId,
  sellerName: invoices.sellerName,
  sellerBranch: invoices.sellerBranch,
  sellerAddress: invoices.sellerAddress,
  totalAmountMinor: invoices.totalAmountMinor,
};

export type PurchaseHeader = Pick<typeof invoices.$inferSelect, keyof typeof purchaseHeaderColumns>;
