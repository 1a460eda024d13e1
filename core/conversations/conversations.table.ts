import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, idColumn, tstz, updatedAt } from '../db/columns.js';
import type { PartialProof } from '../invoices/index.js';
import { members } from '../members/members.table.js';

export type ProofQuestionState = 'open' | 'answered' | 'cancelled' | 'expired';

/**
 * A question the chat asked about part of a proof (the date of a barcode, the left QR code), and what it
 * keeps meanwhile. At most one is open per member; it lapses at `expires_at`.
 */
export const proofQuestions = pgTable(
  'proof_questions',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    partial: jsonb('partial').notNull().$type<PartialProof>(),
    state: text('state').notNull().$type<ProofQuestionState>(),
    /** The webhook event that asked it: a redelivered event does not ask twice. */
    askedBy: text('asked_by').notNull(),
    /** The event that answered, cancelled or found it lapsed: its redelivery finds the same outcome. */
    closedBy: text('closed_by'),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('proof_questions_asked_by_uq').on(t.brandId, t.askedBy),
    uniqueIndex('proof_questions_open_uq')
      .on(t.brandId, t.memberId)
      .where(sql`${t.state} = 'open'`),
    index('proof_questions_closed_by_idx').on(t.brandId, t.closedBy),
  ],
);
