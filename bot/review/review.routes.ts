import { Router, type Request } from 'express';
import { z } from 'zod';
import type { BlobStore } from '../../core/blobs/index.js';
import { createReceiptImageErasedError, getReceiptImageOrThrow } from '../../core/receipts/index.js';
import {
  approveReviewItem,
  correctedFieldsSchema,
  getReviewItem,
  listReviewQueue,
  rejectReviewItem,
  type ReviewDeps,
} from '../../core/review/index.js';
import { createNotFoundError, createUnauthorizedError } from '../../core/shared/errors.js';
import { requireJsonForMutations } from '../middlewares/csrf.js';

/** The reviewer as the console knows them; `resolveReviewer` returns undefined when not signed in. */
export type Reviewer = { reviewerId: string; brandId: string };
export type ResolveReviewer = (req: Request) => Promise<Reviewer | undefined> | Reviewer | undefined;

/**
 * Local-mode console auth: the reviewer id and brand in two headers, for local tooling and tests. It
 * proves nothing, so it must never be the resolver of a public deployment: there the console session
 * resolver (bot/console, cookie session → user + brand membership) is passed as `resolveReviewer`.
 */
export const REVIEWER_HEADER = 'x-proofline-reviewer';
export const BRAND_HEADER = 'x-proofline-brand';
export const headerReviewerResolver: ResolveReviewer = (req) => {
  const reviewerId = req.header(REVIEWER_HEADER);
  const brandId = req.header(BRAND_HEADER);
  return reviewerId && brandId ? { reviewerId, brandId } : undefined;
};

const queueQuerySchema = z.object({
  campaignId: z.string().optional(),
  kind: z.enum(['receipt', 'paper-invoice', 'unreadable', 'einvoice']).optional(),
  flagged: z
    .enum(['true', 'false'])
    .transform((value) => value === 'true')
    .optional(),
  maxConfidence: z.coerce.number().min(0).max(1).optional(),
  after: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(200).optional(),
});

const approveBodySchema = z.object({ fields: correctedFieldsSchema.optional() }).strict();
const rejectBodySchema = z
  .object({ reasonCode: z.string().min(1), note: z.string().max(1000).optional() })
  .strict();

/**
 * JSON routes under /api/console/review: the queue (oldest first, filters), one item with its image URL
 * and parsed fields, the image bytes, approve with corrected fields, reject with a reason code.
 */
export function createReviewRouter({
  deps,
  blobStore,
  resolveReviewer,
  basePath = '/api/console/review',
}: {
  deps: ReviewDeps;
  blobStore: BlobStore;
  /** Who is asking; the caller decides (the header resolver proves nothing: local mode only). */
  resolveReviewer: ResolveReviewer;
  basePath?: string;
}): Router {
  const router = Router();
  // Approve and reject act on the reviewer's cookie: a cross-site form must not be able to send them.
  router.use(basePath, requireJsonForMutations);
  const reviewerOf = async (req: Request) => {
    const reviewer = await resolveReviewer(req);
    if (!reviewer) throw createUnauthorizedError();
    return reviewer;
  };
  const imageUrl = (imageId: string) => `${basePath}/images/${encodeURIComponent(imageId)}`;

  router.get(`${basePath}/queue`, async (req, res) => {
    const { brandId } = await reviewerOf(req);
    const query = queueQuerySchema.parse(req.query);
    res.json(await listReviewQueue(deps, { brandId, ...query }));
  });

  router.get(`${basePath}/items/:submissionId`, async (req, res) => {
    const { brandId, reviewerId } = await reviewerOf(req);
    res.json(
      await getReviewItem(deps, {
        brandId,
        reviewerId,
        submissionId: String(req.params.submissionId),
        imageUrl,
      }),
    );
  });

  router.get(`${basePath}/images/:imageId`, async (req, res) => {
    const { brandId } = await reviewerOf(req);
    const image = await getReceiptImageOrThrow(deps, { brandId, imageId: String(req.params.imageId) });
    // The member who sent it was erased: the bytes are gone (or going) by design, not missing.
    if (!image.storageKey) throw createReceiptImageErasedError({ details: { imageId: image.id } });
    const bytes = await blobStore.get(image.storageKey);
    if (!bytes) throw createNotFoundError({ message: 'The stored photo is missing' });
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.type(image.mimeType).send(bytes);
  });

  router.post(`${basePath}/items/:submissionId/approve`, async (req, res) => {
    const { brandId, reviewerId } = await reviewerOf(req);
    const body = approveBodySchema.parse(req.body ?? {});
    const result = await approveReviewItem(deps, {
      brandId,
      reviewerId,
      submissionId: String(req.params.submissionId),
      corrections: body.fields,
    });
    res.json({ outcome: result.outcome, submission: result.submission, decision: result.decision });
  });

  router.post(`${basePath}/items/:submissionId/reject`, async (req, res) => {
    const { brandId, reviewerId } = await reviewerOf(req);
    const body = rejectBodySchema.parse(req.body ?? {});
    const result = await rejectReviewItem(deps, {
      brandId,
      reviewerId,
      submissionId: String(req.params.submissionId),
      reasonCode: body.reasonCode,
      note: body.note,
    });
    res.json({ outcome: result.outcome, submission: result.submission });
  });

  return router;
}
