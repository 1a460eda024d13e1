import { and, asc, desc, eq, gt, inArray, isNotNull, lte, ne, or, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { receiptImages } from '../receipts/index.js';
import { submissions } from '../submissions/index.js';
import { reviewLeases } from './review.table.js';

export type ReviewLease = typeof reviewLeases.$inferSelect;

/** The most queued photos one listing looks at (a brand's queue is far shorter in practice). */
export const QUEUE_SCAN_LIMIT = 2_000;

export function createReviewRepository({ db }: { db: Executor }) {
  return {
    /**
     * Takes or renews the lease on one item in one statement: it wins when there is no lease, the lease
     * lapsed, or it is already the caller's; otherwise it returns undefined (someone else holds it).
     */
    async acquireLease({
      brandId,
      submissionId,
      reviewerId,
      reviewerName,
      now,
      expiresAt,
    }: {
      brandId: string;
      submissionId: string;
      reviewerId: string;
      reviewerName: string;
      now: Date;
      expiresAt: Date;
    }): Promise<ReviewLease | undefined> {
      const [row] = await db
        .insert(reviewLeases)
        .values({ submissionId, brandId, reviewerId, reviewerName, leasedAt: now, expiresAt })
        .onConflictDoUpdate({
          target: reviewLeases.submissionId,
          set: {
            reviewerId,
            reviewerName,
            expiresAt,
            leasedAt: sql`case when ${reviewLeases.reviewerId} = ${reviewerId} and ${reviewLeases.expiresAt} > ${now.toISOString()}::timestamptz then ${reviewLeases.leasedAt} else ${now.toISOString()}::timestamptz end`,
          },
          setWhere: or(lte(reviewLeases.expiresAt, now), eq(reviewLeases.reviewerId, reviewerId)),
        })
        .returning();
      return row;
    },

    async getLease(submissionId: string): Promise<ReviewLease | undefined> {
      const [row] = await db.select().from(reviewLeases).where(eq(reviewLeases.submissionId, submissionId));
      return row;
    },

    /** Releases the caller's lease (someone else's stays). */
    async releaseLease({ submissionId, reviewerId }: { submissionId: string; reviewerId: string }) {
      const rows = await db
        .delete(reviewLeases)
        .where(and(eq(reviewLeases.submissionId, submissionId), eq(reviewLeases.reviewerId, reviewerId)))
        .returning({ submissionId: reviewLeases.submissionId });
      return rows.length > 0;
    },

    /** Drops any lease on a decided item. */
    async clearLease(submissionId: string) {
      await db.delete(reviewLeases).where(eq(reviewLeases.submissionId, submissionId));
    },

    async liveLeases({ brandId, now }: { brandId: string; now: Date }): Promise<ReviewLease[]> {
      return db
        .select()
        .from(reviewLeases)
        .where(and(eq(reviewLeases.brandId, brandId), gt(reviewLeases.expiresAt, now)));
    },

    /** Every photo proof waiting for a person on the brand, oldest first, with its image row. */
    async queuedRows({ brandId, campaignId, kind }: { brandId: string; campaignId?: string; kind?: string }) {
      return db
        .select({ submission: submissions, image: receiptImages })
        .from(submissions)
        .innerJoin(receiptImages, eq(receiptImages.id, submissions.receiptImageId))
        .where(
          and(
            eq(submissions.brandId, brandId),
            eq(submissions.state, 'in_review'),
            isNotNull(submissions.receiptImageId),
            campaignId ? eq(submissions.campaignId, campaignId) : undefined,
            kind ? eq(receiptImages.readingKind, kind) : undefined,
          ),
        )
        .orderBy(asc(submissions.createdAt), asc(submissions.id))
        .limit(QUEUE_SCAN_LIMIT);
    },

    async itemRow({ brandId, submissionId }: { brandId: string; submissionId: string }) {
      const [row] = await db
        .select({ submission: submissions, image: receiptImages })
        .from(submissions)
        .innerJoin(receiptImages, eq(receiptImages.id, submissions.receiptImageId))
        .where(and(eq(submissions.brandId, brandId), eq(submissions.id, submissionId)));
      return row;
    },

    /** The member's latest proofs other than this one, newest first. */
    async recentProofsOfMember({
      brandId,
      memberId,
      excludeId,
      limit = 10,
    }: {
      brandId: string;
      memberId: string;
      excludeId: string;
      limit?: number;
    }) {
      return db
        .select({
          id: submissions.id,
          campaignId: submissions.campaignId,
          kind: submissions.kind,
          state: submissions.state,
          reasonCode: submissions.reasonCode,
          createdAt: submissions.createdAt,
          decidedAt: submissions.decidedAt,
          receiptImageId: submissions.receiptImageId,
          imageErasedAt: receiptImages.erasedAt,
          imageStorageKey: receiptImages.storageKey,
        })
        .from(submissions)
        .leftJoin(receiptImages, eq(receiptImages.id, submissions.receiptImageId))
        .where(
          and(
            eq(submissions.brandId, brandId),
            eq(submissions.memberId, memberId),
            ne(submissions.id, excludeId),
          ),
        )
        .orderBy(desc(submissions.createdAt))
        .limit(limit);
    },

    /** Images of the brand by id, with the submission that used each (if any). */
    async imagesWithSubmission({ brandId, imageIds }: { brandId: string; imageIds: string[] }) {
      if (imageIds.length === 0) return [];
      return db
        .select({
          image: receiptImages,
          submissionId: submissions.id,
          submissionState: submissions.state,
        })
        .from(receiptImages)
        .leftJoin(submissions, eq(submissions.receiptImageId, receiptImages.id))
        .where(and(eq(receiptImages.brandId, brandId), inArray(receiptImages.id, imageIds)));
    },

    /** Other images of the brand with the same purchase key (same invoice or same store/date/time/total). */
    async sameContentImageIds({
      brandId,
      contentKey,
      excludeId,
    }: {
      brandId: string;
      contentKey: string;
      excludeId: string;
    }): Promise<string[]> {
      const rows = await db
        .select({ id: receiptImages.id })
        .from(receiptImages)
        .where(
          and(
            eq(receiptImages.brandId, brandId),
            eq(receiptImages.contentKey, contentKey),
            ne(receiptImages.id, excludeId),
          ),
        )
        .orderBy(asc(receiptImages.uploadedAt))
        .limit(10);
      return rows.map((row) => row.id);
    },
  };
}

export type ReviewRepository = ReturnType<typeof createReviewRepository>;
