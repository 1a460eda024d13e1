export { reviewLeases } from './review.table.js';
export { createReviewItemLeasedError } from './review.errors.js';
export {
  flagReasonsOf,
  LOW_CONFIDENCE_BELOW,
  rejectionReasonCode,
  REVIEW_FLAG_REASONS,
  REVIEW_KINDS,
  REVIEW_LEASE_MS,
  REVIEW_REJECT_REASONS,
  type ReviewFlagReason,
  type ReviewRejectReason,
} from './review.models.js';
export {
  approveBodySchema,
  correctedFieldsSchema,
  previewBodySchema,
  rejectBodySchema,
  reviewNextBodySchema,
  reviewQueueQuerySchema,
  type CorrectedFields,
} from './review.schemas.js';
export { createReviewRepository, type ReviewLease, type ReviewRepository } from './review.repository.js';
export {
  countReviewQueue,
  getReviewItem,
  leaseReviewItem,
  listReviewQueue,
  releaseReviewItem,
  takeNextReviewItem,
  type LeaseView,
  type ReviewQueueFilters,
  type ReviewQueueItem,
  type ReviewQueuePage,
} from './review.queue.js';
export { approveReviewItem, previewReviewItem, rejectReviewItem } from './review.usecases.js';
export type { ReviewDeps, Reviewer } from './review.types.js';
