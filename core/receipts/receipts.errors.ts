import { createErrorFactory } from '../shared/errors.js';

export const createNotAnImageError = createErrorFactory({
  code: 'receipt.not_an_image',
  message: 'The upload is not a photo (JPEG, PNG, WebP or HEIC)',
  statusCode: 415,
});

export const createUnsupportedImageFormatError = createErrorFactory({
  code: 'receipt.unsupported_format',
  message: 'This photo format cannot be read here; send a JPEG or PNG',
  statusCode: 415,
});

export const createImageTooLargeError = createErrorFactory({
  code: 'receipt.too_large',
  message: 'The photo is too large',
  statusCode: 413,
});

export const createTooManyPixelsError = createErrorFactory({
  code: 'receipt.too_many_pixels',
  message: 'The photo has too many pixels',
  statusCode: 413,
});

export const createCorruptImageError = createErrorFactory({
  code: 'receipt.corrupt',
  message: 'The photo is damaged or incomplete',
  statusCode: 422,
});

export const createReceiptImageNotFoundError = createErrorFactory({
  code: 'receipt.not_found',
  message: 'Receipt image not found',
  statusCode: 404,
});

export const createReceiptImageErasedError = createErrorFactory({
  code: 'receipt.erased',
  message: 'This photo was erased at the request of the member who sent it',
  statusCode: 410,
});

export const createInvalidKnownSellerError = createErrorFactory({
  code: 'receipt.known_seller_invalid',
  message: 'A known seller needs a valid Taiwan BAN, Thai tax ID or Malaysian GST number and a name',
  statusCode: 400,
});
