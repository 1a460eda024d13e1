import { createErrorFactory } from '../shared/errors.js';

/** The engine answered, but could not read this image (Vision's per-image `error`). */
export const createOcrImageRejectedError = createErrorFactory({
  code: 'ocr.image_rejected',
  message: 'The OCR engine could not read this image',
  statusCode: 422,
});

/** The engine could not be reached or failed as a whole. */
export const createOcrUnavailableError = createErrorFactory({
  code: 'ocr.unavailable',
  message: 'The OCR engine is unavailable',
  statusCode: 503,
});
