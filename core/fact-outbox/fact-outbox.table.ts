import { bigint, bigserial, boolean, date, index, pgTable, smallint, text } from 'drizzle-orm/pg-core';
import { tstz } from '../db/columns.js';

/*
 * The outbox of derived facts (issue 17): a statement that writes `submissions` only records what must be
 * refolded, in its own transaction; the fold (`derived_facts_fold`, run by the `derived-facts` worker and by
 * every reader of the derived tables before it reads) applies the records and deletes them in one
 * transaction, so a crash between the decision's commit and the fold loses nothing and folds nothing twice.
 * Written and read only by the triggers and functions of the migration that created them.
 */

/**
 * The funnel's changes (`analytics_proof_days`, `analytics_member_days`, the cohorts): per submission a
 * statement changed, -1 for what it looked like before and +1 for what it looks like after.
 */
export const factOutboxProofs = pgTable('fact_outbox_proofs', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  sign: smallint('sign').notNull(),
  submissionId: text('submission_id').notNull(),
  brandId: text('brand_id').notNull(),
  campaignId: text('campaign_id').notNull(),
  memberId: text('member_id').notNull(),
  createdAt: tstz('created_at').notNull(),
  state: text('state').notNull(),
  reason: text('reason').notNull(),
  read: boolean('read').notNull(),
  verified: boolean('verified').notNull(),
});

/**
 * The member facts to recompute, one row per statement: the members whose `accepted_proofs_at` may have
 * changed and the submissions whose `member_purchases` row must be rebuilt (and so `members.purchases`).
 */
export const factOutboxMembers = pgTable('fact_outbox_members', {
  seq: bigserial('seq', { mode: 'number' }).primaryKey(),
  memberIds: text('member_ids').array().notNull().default([]),
  purchaseIds: text('purchase_ids').array().notNull().default([]),
});

/**
 * The line-item rollups' changes (`analytics_daily`, `analytics_store_days`, the place, product and pair
 * rollups): per statement that wrote `analytics_line_items` (`batch`), each proof it touched as it was
 * before (-1) and after (+1), row by row, as `analytics_rollup_apply` takes them. A statement's rows are
 * folded together, never split: the rollups count a proof once per statement and side.
 */
export const factOutboxLineItems = pgTable(
  'fact_outbox_line_items',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    batch: bigint('batch', { mode: 'number' }).notNull(),
    sign: smallint('sign').notNull(),
    submissionId: text('submission_id').notNull(),
    brandId: text('brand_id').notNull(),
    campaignId: text('campaign_id').notNull(),
    memberKey: text('member_key').notNull(),
    purchaseDate: date('purchase_date', { mode: 'string' }).notNull(),
    weekday: smallint('weekday').notNull(),
    hour: smallint('hour').notNull(),
    storeKey: text('store_key').notNull(),
    regionKey: text('region_key').notNull(),
    product: text('product').notNull(),
    own: boolean('own').notNull(),
    amountMinor: bigint('amount_minor', { mode: 'number' }).notNull(),
    invoiceTotalMinor: bigint('invoice_total_minor', { mode: 'number' }).notNull(),
  },
  (t) => [index('fact_outbox_line_items_batch_idx').on(t.batch)],
);
