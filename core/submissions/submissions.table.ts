import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import type { ProofKind } from '../campaigns/campaigns.table.js';
import { campaigns } from '../campaigns/campaigns.table.js';
import { createdAt, idColumn, tstz, updatedAt } from '../db/columns.js';
import { invoices } from '../invoices/invoices.table.js';
import { members } from '../members/members.table.js';
import { receiptImages } from '../receipts/receipts.table.js';

/**
 * `reversed`: accepted (and rewarded) once, then found not to stand (the MoF platform reports its invoice
 * voided or returned): what it earned was taken back.
 */
export type SubmissionState =
  'received' | 'parsed' | 'awaiting_upload' | 'in_review' | 'accepted' | 'rejected' | 'rewarded' | 'reversed';

/** One proof sent by a member for a campaign, and everything decided about it. */
export const submissions = pgTable(
  'submissions',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind').notNull().$type<ProofKind>(),
    channel: text('channel').notNull().$type<'chat' | 'liff' | 'console' | 'cli'>(),
    /** The webhook event or request that created it: a redelivered event finds its submission. */
    sourceRef: text('source_ref'),
    rawInput: jsonb('raw_input').notNull().$type<Record<string, unknown>>(),
    state: text('state').notNull().$type<SubmissionState>(),
    /**
     * What makes two proofs the same purchase: the invoice number and date for Taiwan invoices, else the
     * store tax ID + date + time + total. One proof counts once per campaign, whoever sends it.
     */
    proofKey: text('proof_key'),
    invoiceId: text('invoice_id').references(() => invoices.id),
    receiptImageId: text('receipt_image_id').references(() => receiptImages.id),
    /** Every rule's verdict with a reason key, and the reward quantities computed. */
    decision: jsonb('decision').$type<Record<string, unknown>>(),
    reasonCode: text('reason_code'),
    /** The campaign version (`campaigns.version`) whose settings decided it; later edits never re-judge it. */
    campaignVersion: integer('campaign_version'),
    /** Batch verification and retries claim rows whose time has come. */
    nextCheckAt: tstz('next_check_at'),
    checkAttempts: integer('check_attempts').notNull().default(0),
    decidedAt: tstz('decided_at'),
    reviewedBy: text('reviewed_by'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('submissions_campaign_proof_key_uq')
      .on(t.campaignId, t.proofKey)
      .where(sql`${t.proofKey} is not null and ${t.state} <> 'rejected'`),
    uniqueIndex('submissions_source_ref_uq').on(t.brandId, t.sourceRef),
    // Only the proofs still to be checked (a decided proof leaves it, so deciding writes one index entry
    // less), in the order claims take them: a claim reads its `limit` rows, not every due one, and sorts none.
    // Its condition is the claim's own, word for word, so the planner needs no other index to apply it.
    index('submissions_due_idx')
      .on(t.nextCheckAt, t.id)
      .where(sql`${t.state} in ('parsed', 'awaiting_upload')`),
    // The other proofs not yet decided, which the due index used to hold too: the review queue's (brand by
    // brand, oldest first) and those still being read.
    index('submissions_undecided_idx')
      .on(t.state, t.brandId, t.createdAt, t.id)
      .where(sql`${t.state} in ('received', 'in_review')`),
    index('submissions_member_idx').on(t.memberId, t.createdAt),
    index('submissions_campaign_state_idx').on(t.campaignId, t.state),
    // The what-if replay reads a campaign's proofs in registration order, page by page.
    index('submissions_campaign_created_idx').on(t.campaignId, t.createdAt, t.id),
  ],
);
