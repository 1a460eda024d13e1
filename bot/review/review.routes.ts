import { Router } from 'express';
import type { BlobStore } from '../../core/blobs/index.js';
import { createReceiptImageErasedError, getReceiptImageOrThrow } from '../../core/receipts/index.js';
import {
  approveBodySchema,
  approveReviewItem,
  getReviewItem,
  leaseReviewItem,
  listReviewQueue,
  previewBodySchema,
  previewReviewItem,
  rejectBodySchema,
  rejectReviewItem,
  releaseReviewItem,
  reviewNextBodySchema,
  reviewQueueQuerySchema,
  takeNextReviewItem,
  type ReviewDeps,
} from '../../core/review/index.js';
import { createNotFoundError } from '../../core/shared/errors.js';
import { consoleActorOf, type ConsoleGuard } from '../console/console.guard.js';
import { requireJsonForMutations } from '../middlewares/csrf.js';

/**
 * Local-mode tooling headers (the console guard reads them in local mode only): a user id and a brand.
 * They prove nothing, so a deployed console ignores them.
 */
export const REVIEWER_HEADER = 'x-proofline-reviewer';
export const BRAND_HEADER = 'x-proofline-brand';

/**
 * JSON routes under /api/console/review, behind the console guard (`review.read` to look, `review.decide`
 * to lease and decide): the queue (oldest first, reasons, age, count, filters), the next free item,
 * one item (leased to the reviewer) with its photo, fields, rules, the member's recent proofs and
 * duplicate candidates, the images, a preview of approving with corrections, approve, reject.
 */
export function createReviewRouter({
  deps,
  blobStore,
  guard,
  basePath = '/api/console/review',
}: {
  deps: ReviewDeps;
  blobStore: BlobStore;
  guard: ConsoleGuard;
  basePath?: string;
}): Router {
  const router = Router();
  // Approve and reject act on the reviewer's cookie: a cross-site form must not be able to send them.
  router.use(basePath, requireJsonForMutations);
  const imageUrl = (imageId: string) => `${basePath}/images/${encodeURIComponent(imageId)}`;
  const reviewerOf = (res: Parameters<typeof consoleActorOf>[0]) => {
    const actor = consoleActorOf(res);
    return { brandId: actor.brandId, reviewer: { id: actor.userId, name: actor.name } };
  };
  const read = guard.require('review.read');
  const decide = guard.require('review.decide');

  router.get(`${basePath}/queue`, read, async (req, res) => {
    const { brandId, reviewer } = reviewerOf(res);
    const query = reviewQueueQuerySchema.parse(req.query);
    res.json(await listReviewQueue(deps, { brandId, reviewerId: reviewer.id, ...query }));
  });

  router.post(`${basePath}/next`, decide, async (req, res) => {
    const { brandId, reviewer } = reviewerOf(res);
    const body = reviewNextBodySchema.parse(req.body ?? {});
    res.json({ item: await takeNextReviewItem(deps, { brandId, reviewer, ...body }) });
  });

  router.get(`${basePath}/items/:submissionId`, decide, async (req, res) => {
    const { brandId, reviewer } = reviewerOf(res);
    res.json(
      await getReviewItem(deps, {
        brandId,
        reviewer,
        submissionId: String(req.params.submissionId),
        imageUrl,
      }),
    );
  });

  router.post(`${basePath}/items/:submissionId/lease`, decide, async (req, res) => {
    const { brandId, reviewer } = reviewerOf(res);
    res.json({
      lease: await leaseReviewItem(deps, {
        brandId,
        reviewer,
        submissionId: String(req.params.submissionId),
      }),
    });
  });

  router.delete(`${basePath}/items/:submissionId/lease`, decide, async (req, res) => {
    const { reviewer } = reviewerOf(res);
    res.json(await releaseReviewItem(deps, { reviewer, submissionId: String(req.params.submissionId) }));
  });

  router.get(`${basePath}/images/:imageId`, read, async (req, res) => {
    const { brandId } = reviewerOf(res);
    const image = await getReceiptImageOrThrow(deps, { brandId, imageId: String(req.params.imageId) });
    // The member who sent it was erased: the bytes are gone (or going) by design, not missing.
    if (!image.storageKey) throw createReceiptImageErasedError({ details: { imageId: image.id } });
    const bytes = await blobStore.get(image.storageKey);
    if (!bytes) throw createNotFoundError({ message: 'The stored photo is missing' });
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.type(image.mimeType).send(bytes);
  });

  router.post(`${basePath}/items/:submissionId/preview`, decide, async (req, res) => {
    const { brandId, reviewer } = reviewerOf(res);
    const body = previewBodySchema.parse(req.body ?? {});
    res.json(
      await previewReviewItem(deps, {
        brandId,
        reviewer,
        submissionId: String(req.params.submissionId),
        corrections: body.fields,
      }),
    );
  });

  router.post(`${basePath}/items/:submissionId/approve`, decide, async (req, res) => {
    const { brandId, reviewer } = reviewerOf(res);
    const body = approveBodySchema.parse(req.body ?? {});
    const result = await approveReviewItem(deps, {
      brandId,
      reviewer,
      submissionId: String(req.params.submissionId),
      corrections: body.fields,
    });
    res.json({
      outcome: result.outcome,
      submission: result.submission,
      decision: result.decision,
      ...('drawWins' in result ? { drawWins: result.drawWins } : {}),
    });
  });

  router.post(`${basePath}/items/:submissionId/reject`, decide, async (req, res) => {
    const { brandId, reviewer } = reviewerOf(res);
    const body = rejectBodySchema.parse(req.body ?? {});
    const result = await rejectReviewItem(deps, {
      brandId,
      reviewer,
      submissionId: String(req.params.submissionId),
      reasonCode: body.reasonCode,
      note: body.note,
    });
    res.json({
      outcome: result.outcome,
      submission: result.submission,
      ...('drawWins' in result ? { drawWins: result.drawWins } : {}),
    });
  });

  return router;
}
