import { and, eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { PartialProof } from '../invoices/index.js';
import type { IdGenerator } from '../shared/ids.js';
import { proofQuestions, type ProofQuestionState } from './conversations.table.js';

/**
 * How long the chat waits for the rest of a proof. Long enough to find the paper again, short enough
 * that a date typed tomorrow for another reason is not taken as the answer.
 */
export const PROOF_QUESTION_TTL_MS = 60 * 60 * 1000;

export type ProofQuestion = typeof proofQuestions.$inferSelect;

/** The open question of a member and its changes; writes take the event's transaction. */
export function createProofQuestionsRepository({ db }: { db: Executor }) {
  return {
    async findOpen({ brandId, memberId }: { brandId: string; memberId: string }) {
      const [row] = await db
        .select()
        .from(proofQuestions)
        .where(
          and(
            eq(proofQuestions.brandId, brandId),
            eq(proofQuestions.memberId, memberId),
            eq(proofQuestions.state, 'open'),
          ),
        );
      return row;
    },

    async getQuestion({ brandId, questionId }: { brandId: string; questionId: string }) {
      const [row] = await db
        .select()
        .from(proofQuestions)
        .where(and(eq(proofQuestions.brandId, brandId), eq(proofQuestions.id, questionId)));
      return row;
    },

    /** Closes the question if it is still open; false when another event closed it first. */
    async close({
      questionId,
      state,
      closedBy,
      now,
    }: {
      questionId: string;
      state: Exclude<ProofQuestionState, 'open'>;
      closedBy: string;
      now: Date;
    }): Promise<boolean> {
      const rows = await db
        .update(proofQuestions)
        .set({ state, closedBy, updatedAt: now })
        .where(and(eq(proofQuestions.id, questionId), eq(proofQuestions.state, 'open')))
        .returning({ id: proofQuestions.id });
      return rows.length > 0;
    },

    /**
     * Asks a new question for the member: any open one is cancelled by the same event (one question at
     * a time). Once per asking event.
     */
    async ask({
      generateId,
      brandId,
      memberId,
      partial,
      askedBy,
      now,
      ttlMs = PROOF_QUESTION_TTL_MS,
    }: {
      generateId: IdGenerator;
      brandId: string;
      memberId: string;
      partial: PartialProof;
      askedBy: string;
      now: Date;
      ttlMs?: number;
    }): Promise<ProofQuestion> {
      await db
        .update(proofQuestions)
        .set({ state: 'cancelled', closedBy: askedBy, updatedAt: now })
        .where(
          and(
            eq(proofQuestions.brandId, brandId),
            eq(proofQuestions.memberId, memberId),
            eq(proofQuestions.state, 'open'),
          ),
        );
      const [inserted] = await db
        .insert(proofQuestions)
        .values({
          id: generateId('proofQuestion'),
          brandId,
          memberId,
          partial,
          state: 'open',
          askedBy,
          expiresAt: new Date(now.getTime() + ttlMs),
          createdAt: now,
          updatedAt: now,
        })
        .onConflictDoNothing({ target: [proofQuestions.brandId, proofQuestions.askedBy] })
        .returning();
      if (inserted) return inserted;
      const [existing] = await db
        .select()
        .from(proofQuestions)
        .where(and(eq(proofQuestions.brandId, brandId), eq(proofQuestions.askedBy, askedBy)));
      if (!existing) throw new Error(`proof question of ${askedBy} vanished`);
      return existing;
    },
  };
}
