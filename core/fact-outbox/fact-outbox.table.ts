import { bigserial, boolean, pgTable, smallint, text } from 'drizzle-orm/pg-core';
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
