export {
  approveReviewItem,
  correctedFieldsSchema,
  countReviewQueue,
  getReviewItem,
  listReviewQueue,
  rejectReviewItem,
  REVIEW_REJECT_REASONS,
  type CorrectedFields,
  type ReviewDeps,
  type ReviewQueueFilters,
  type ReviewQueueItem,
  type ReviewRejectReason,
} from './review.usecases.js';
