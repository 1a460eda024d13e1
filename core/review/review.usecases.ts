import { and, asc, eq, gt, inArray, isNotNull, lte, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Database } from '../db/database.js';
import { auditLog } from '../db/schema.js';
import {
  receiptImages,
  rulesInvoiceFromReading,
  type ReceiptFields,
  type ReceiptReading,
} from '../receipts/index.js';
import type { Clock } from '../shared/clock.js';
import { createValidationError } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  createSubmissionNotFoundError,
  decideReviewedSubmission,
  submissions,
  type SubmitProofResult,
} from '../submissions/index.js';

export const REVIEW_REJECT_REASONS = [
  'not_a_receipt',
  'unreadable',
  'duplicate',
  'outside_campaign_period',
  'store_not_eligible',
  'products_not_eligible',
  'suspected_fraud',
  'other',
] as const;
export type ReviewRejectReason = (typeof REVIEW_REJECT_REASONS)[number];

export type ReviewDeps = { db: Database; clock: Clock; generateId: IdGenerator };

export type ReviewQueueFilters = {
  brandId: string;
  campaignId?: string;
  /** Only photos intake flagged (duplicates, velocity), or only unflagged ones. */
  flagged?: boolean;
  /** Reading kind: `receipt`, `paper-invoice`, `unreadable`. */
  kind?: string;
  /** Only readings at or below this overall confidence. */
  maxConfidence?: number;
  /** Cursor: the `createdAt|id` of the last item of the previous page. */
  after?: string;
  /** @default 50 */
  limit?: number;
};

export type ReviewQueueItem = {
  submissionId: string;
  campaignId: string;
  memberId: string;
  receiptImageId: string;
  submittedAt: Date;
  kind: string | null;
  confidence: number | null;
  flags: string[];
  duplicateOfId: string | null;
  summary: { storeName?: string; date?: string; totalMinor?: number; currency?: string };
};

/** Photo proofs waiting for a person, oldest first (first in, first decided), with keyset paging. */
export async function listReviewQueue(
  deps: Pick<ReviewDeps, 'db'>,
  filters: ReviewQueueFilters,
): Promise<{ items: ReviewQueueItem[]; nextCursor?: string }> {
  const limit = Math.min(200, Math.max(1, filters.limit ?? 50));
  const conditions: (SQL | undefined)[] = [
    eq(submissions.brandId, filters.brandId),
    eq(submissions.state, 'in_review'),
    isNotNull(submissions.receiptImageId),
    filters.campaignId ? eq(submissions.campaignId, filters.campaignId) : undefined,
    filters.kind ? eq(receiptImages.readingKind, filters.kind) : undefined,
    filters.maxConfidence !== undefined ? lte(receiptImages.confidence, filters.maxConfidence) : undefined,
    filters.flagged === true
      ? sql`jsonb_array_length(coalesce(${receiptImages.flags}, '[]'::jsonb)) > 0`
      : undefined,
    filters.flagged === false
      ? sql`jsonb_array_length(coalesce(${receiptImages.flags}, '[]'::jsonb)) = 0`
      : undefined,
  ];
  if (filters.after) {
    const [time, id] = filters.after.split('|');
    const after = new Date(time ?? '');
    if (!id || Number.isNaN(after.getTime())) throw createValidationError({ message: 'Bad cursor' });
    conditions.push(
      or(gt(submissions.createdAt, after), and(eq(submissions.createdAt, after), gt(submissions.id, id))),
    );
  }
  const rows = await deps.db
    .select({ submission: submissions, image: receiptImages })
    .from(submissions)
    .innerJoin(receiptImages, eq(receiptImages.id, submissions.receiptImageId))
    .where(and(...conditions))
    .orderBy(asc(submissions.createdAt), asc(submissions.id))
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const items = page.map(({ submission, image }) => {
    const reading = image.reading as unknown as ReceiptReading | null;
    return {
      submissionId: submission.id,
      campaignId: submission.campaignId,
      memberId: submission.memberId,
      receiptImageId: image.id,
      submittedAt: submission.createdAt,
      kind: image.readingKind,
      confidence: image.confidence,
      flags: image.flags ?? [],
      duplicateOfId: image.duplicateOfId,
      imageErased: image.erasedAt !== null,
      summary: {
        storeName: reading?.fields.storeName,
        date: reading?.fields.date,
        totalMinor: reading?.fields.totalMinor,
        currency: reading?.currency,
      },
    };
  });
  const last = page.at(-1);
  return {
    items,
    ...(rows.length > limit && last
      ? { nextCursor: `${last.submission.createdAt.toISOString()}|${last.submission.id}` }
      : {}),
  };
}

/** One queued proof with everything a reviewer needs: the image link and the fields pre-filled. */
export async function getReviewItem(
  deps: ReviewDeps,
  {
    brandId,
    submissionId,
    reviewerId,
    imageUrl,
  }: { brandId: string; submissionId: string; reviewerId: string; imageUrl: (imageId: string) => string },
) {
  const [row] = await deps.db
    .select({ submission: submissions, image: receiptImages })
    .from(submissions)
    .innerJoin(receiptImages, eq(receiptImages.id, submissions.receiptImageId))
    .where(and(eq(submissions.brandId, brandId), eq(submissions.id, submissionId)));
  if (!row) throw createSubmissionNotFoundError({ details: { submissionId } });
  const reading = row.image.reading as unknown as ReceiptReading | null;
  await audit(deps, { brandId, reviewerId, action: 'review.viewed', submissionId, data: {} });
  return {
    submission: {
      id: row.submission.id,
      state: row.submission.state,
      campaignId: row.submission.campaignId,
      memberId: row.submission.memberId,
      submittedAt: row.submission.createdAt,
    },
    image: {
      id: row.image.id,
      // An erased member's photo has no bytes any more: no link, and the reviewer is told why.
      url: row.image.storageKey ? imageUrl(row.image.id) : null,
      erased: row.image.erasedAt !== null,
      width: row.image.width,
      height: row.image.height,
      uploadedAt: row.image.uploadedAt,
      capturedAt: row.image.capturedAt,
      location:
        row.image.latitude !== null && row.image.longitude !== null
          ? { latitude: row.image.latitude, longitude: row.image.longitude }
          : null,
      flags: row.image.flags ?? [],
      duplicateOf: row.image.duplicateOfId
        ? { id: row.image.duplicateOfId, url: imageUrl(row.image.duplicateOfId) }
        : null,
    },
    reading: reading
      ? {
          kind: reading.kind,
          currency: reading.currency,
          fields: reading.fields,
          confidence: reading.confidence,
          qr: reading.qr,
        }
      : null,
  };
}

/** What a reviewer may correct; anything left out keeps the value read from the photo. */
export const correctedFieldsSchema = z
  .object({
    storeName: z.string().trim().min(1).max(200),
    branch: z.string().trim().max(200),
    address: z.string().trim().max(500),
    taxId: z.string().regex(/^(\d{8}|\d{13})$/, 'must be an 8-digit BAN or a 13-digit Thai tax ID'),
    invoiceNumber: z.string().regex(/^[A-Z]{2}\d{8}$/, 'must be two letters and 8 digits'),
    date: z.iso.date(),
    time: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/),
    totalMinor: z.number().int().min(0),
    currency: z.enum(['TWD', 'THB']),
    items: z
      .array(
        z.object({
          name: z.string().trim().min(1).max(200),
          quantity: z.number().int().min(1),
          amountMinor: z.number().int(),
          unitPriceMinor: z.number().int().optional(),
        }),
      )
      .max(200),
  })
  .partial()
  .strict();
export type CorrectedFields = z.infer<typeof correctedFieldsSchema>;

/**
 * Approves a queued photo proof with the reviewer's corrections, then hands it to the submissions
 * capability, which runs the same rules and rewards as any other proof. Audited with what changed.
 */
export async function approveReviewItem(
  deps: ReviewDeps,
  {
    brandId,
    submissionId,
    reviewerId,
    corrections = {},
  }: { brandId: string; submissionId: string; reviewerId: string; corrections?: CorrectedFields },
): Promise<SubmitProofResult> {
  const parsedCorrections = correctedFieldsSchema.safeParse(corrections);
  if (!parsedCorrections.success)
    throw createValidationError({
      details: {
        issues: parsedCorrections.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        })),
      },
    });
  const { reading, kind } = await readingOf(deps, { brandId, submissionId });
  const { currency, ...fieldCorrections } = parsedCorrections.data;
  const fields: ReceiptFields = { ...(reading?.fields ?? { items: [] }), ...fieldCorrections };
  const invoice = rulesInvoiceFromReading(
    { fields, currency: currency ?? reading?.currency ?? 'UNKNOWN', qr: reading?.qr },
    currency ?? (reading?.currency === 'TWD' ? 'TWD' : 'THB'),
  );
  if (!invoice || invoice.totalAmountMinor === null)
    throw createValidationError({
      message: 'A date and a total are needed to approve',
      details: {
        missing: ['date', 'totalMinor'].filter(
          (key) => !(key === 'date' ? fields.date : fields.totalMinor !== undefined),
        ),
      },
    });

  const result = await decideReviewedSubmission(deps, {
    brandId,
    submissionId,
    reviewerId,
    verdict: {
      action: 'approve',
      kind: fields.invoiceNumber || kind === 'paper-invoice' ? 'paper_invoice' : 'receipt',
      invoice,
    },
  });
  await audit(deps, {
    brandId,
    reviewerId,
    action: 'review.approved',
    submissionId,
    data: { corrections: parsedCorrections.data, outcome: result.outcome },
  });
  return result;
}

export async function rejectReviewItem(
  deps: ReviewDeps,
  {
    brandId,
    submissionId,
    reviewerId,
    reasonCode,
    note,
  }: { brandId: string; submissionId: string; reviewerId: string; reasonCode: string; note?: string },
): Promise<SubmitProofResult> {
  if (!(REVIEW_REJECT_REASONS as readonly string[]).includes(reasonCode))
    throw createValidationError({
      message: `Unknown reason code: ${reasonCode}`,
      details: { allowed: REVIEW_REJECT_REASONS },
    });
  const result = await decideReviewedSubmission(deps, {
    brandId,
    submissionId,
    reviewerId,
    verdict: { action: 'reject', reasonCode: `review.${reasonCode}` },
  });
  await audit(deps, {
    brandId,
    reviewerId,
    action: 'review.rejected',
    submissionId,
    data: { reasonCode, ...(note ? { note } : {}) },
  });
  return result;
}

async function readingOf(
  deps: Pick<ReviewDeps, 'db'>,
  { brandId, submissionId }: { brandId: string; submissionId: string },
) {
  const [row] = await deps.db
    .select({ reading: receiptImages.reading, kind: receiptImages.readingKind })
    .from(submissions)
    .innerJoin(receiptImages, eq(receiptImages.id, submissions.receiptImageId))
    .where(and(eq(submissions.brandId, brandId), eq(submissions.id, submissionId)));
  if (!row) throw createSubmissionNotFoundError({ details: { submissionId } });
  return { reading: row.reading as unknown as ReceiptReading | null, kind: row.kind };
}

async function audit(
  deps: ReviewDeps,
  entry: {
    brandId: string;
    reviewerId: string;
    action: string;
    submissionId: string;
    data: Record<string, unknown>;
  },
) {
  await deps.db.insert(auditLog).values({
    id: deps.generateId('auditEntry'),
    brandId: entry.brandId,
    actorType: 'console_user',
    actorId: entry.reviewerId,
    action: entry.action,
    targetType: 'submission',
    targetId: entry.submissionId,
    data: entry.data,
    createdAt: deps.clock.now(),
  });
}

/** Review counts by state, for a dashboard badge. */
export async function countReviewQueue(
  deps: Pick<ReviewDeps, 'db'>,
  { brandId, campaignIds }: { brandId: string; campaignIds?: string[] },
) {
  const [row] = await deps.db
    .select({ value: sql<number>`count(*)::int` })
    .from(submissions)
    .where(
      and(
        eq(submissions.brandId, brandId),
        eq(submissions.state, 'in_review'),
        isNotNull(submissions.receiptImageId),
        campaignIds && campaignIds.length > 0 ? inArray(submissions.campaignId, campaignIds) : undefined,
      ),
    );
  return Number(row?.value ?? 0);
}
