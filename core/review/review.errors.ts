import { createErrorFactory } from '../shared/errors.js';

/** Another reviewer holds the item (their lease has not lapsed). */
export const createReviewItemLeasedError = createErrorFactory({
  message: 'Another reviewer is working on this proof',
  code: 'review.leased',
  statusCode: 409,
});
