import { boolean, date, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, currency, idColumn, tstz, updatedAt } from '../db/columns.js';

export type LocalizedText = Partial<Record<'zh-TW' | 'th' | 'en', string>>;

export type ProofKind = 'einvoice_qr' | 'einvoice_text' | 'einvoice_carrier' | 'paper_invoice' | 'receipt';

/** `paused`: kept, but accepts no proof until published again. */
export type CampaignStatus = 'draft' | 'active' | 'paused' | 'ended' | 'archived';

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
    status: text('status').notNull().default('draft').$type<CampaignStatus>(),
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
    /**
     * The version of the settings above (`campaign_versions`). Editing a draft changes it in place; editing
     * a campaign that has been published makes a new version, and each submission records the version it
     * was judged under.
     */
    version: integer('version').notNull().default(1),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('campaigns_brand_slug_uq').on(t.brandId, t.slug),
    index('campaigns_brand_status_idx').on(t.brandId, t.status),
  ],
);

/** Every version of a campaign's settings as it was saved: the history and the diffs the console shows. */
export const campaignVersions = pgTable(
  'campaign_versions',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    version: integer('version').notNull(),
    /** The campaign's editable fields (`CampaignDefinition`) as saved in this version. */
    definition: jsonb('definition').notNull().$type<Record<string, unknown>>(),
    /** The console user (or `cli`, `seed`) who saved it. */
    createdBy: text('created_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('campaign_versions_campaign_version_uq').on(t.campaignId, t.version)],
);
