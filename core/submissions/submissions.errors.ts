import { createErrorFactory } from '../shared/errors.js';

export const createSubmissionNotFoundError = createErrorFactory({
  code: 'submission.not_found',
  message: 'Submission not found',
  statusCode: 404,
});

export const createSubmissionNotReviewableError = createErrorFactory({
  code: 'submission.not_reviewable',
  message: 'This submission is not waiting for a review',
  statusCode: 409,
});
