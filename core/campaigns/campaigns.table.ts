import { boolean, date, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, currency, idColumn, tstz, updatedAt } from '../db/columns.js';

export type LocalizedText = Partial<Record<'zh-TW' | 'th' | 'en', string>>;

export type ProofKind = 'einvoice_qr' | 'einvoice_text' | 'einvoice_carrier' | 'paper_invoice' | 'receipt';

export const campaigns = pgTable(
  'campaigns',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    slug: text('slug').notNull(),
    name: jsonb('name').notNull().$type<LocalizedText>(),
    description: jsonb('description').$type<LocalizedText>(),
    status: text('status').notNull().default('draft').$type<'draft' | 'active' | 'ended' | 'archived'>(),
    /** Dates and windows are read in this zone: Asia/Taipei or Asia/Bangkok. */
    timezone: text('timezone').notNull(),
    currency: currency(),
    /** Purchase window, inclusive local dates. */
    purchaseFrom: date('purchase_from', { mode: 'string' }).notNull(),
    purchaseTo: date('purchase_to', { mode: 'string' }).notNull(),
    /** Registration window, instants. */
    registerFrom: tstz('register_from').notNull(),
    registerTo: tstz('register_to').notNull(),
    proofKinds: jsonb('proof_kinds').notNull().$type<ProofKind[]>(),
    /** `instant` verifies an e-invoice at once; `batch` on the schedule (VERIFY_INVOICES_CRON). */
    verificationMode: text('verification_mode').notNull().default('batch').$type<'instant' | 'batch'>(),
    /** Accept confident photo receipts without a reviewer when the rules pass. */
    autoAcceptReceipts: boolean('auto_accept_receipts').notNull().default(false),
    /** The campaign rules (validated by the campaigns capability's zod schema before they are stored). */
    rules: jsonb('rules').notNull().$type<Record<string, unknown>>(),
    /** Reward settings: points earn rules, lottery entries, instant win. */
    rewards: jsonb('rewards').notNull().$type<Record<string, unknown>>(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('campaigns_brand_slug_uq').on(t.brandId, t.slug),
    index('campaigns_brand_status_idx').on(t.brandId, t.status),
  ],
);
