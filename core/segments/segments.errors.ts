import { createErrorFactory } from '../shared/errors.js';

export const createSegmentNotFoundError = createErrorFactory({
  code: 'segment.not_found',
  message: 'No such segment on this brand',
  statusCode: 404,
});

export const createSegmentBrandNotFoundError = createErrorFactory({
  code: 'segment.brand_not_found',
  message: 'No such brand',
  statusCode: 404,
});
