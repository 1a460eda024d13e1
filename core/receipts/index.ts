export {
  receiptBlobDeletions,
  receiptImages,
  receiptKnownSellers,
  type ReceiptBlobDeletionState,
} from './receipts.table.js';
export type {
  ParsedReceipt,
  ReadingKind,
  ReceiptCurrency,
  ReceiptFieldName,
  ReceiptFields,
  ReceiptItem,
  ReceiptReading,
} from './receipts.types.js';
export {
  createCorruptImageError,
  createInvalidKnownSellerError,
  createImageTooLargeError,
  createNotAnImageError,
  createReceiptImageErasedError,
  createReceiptImageNotFoundError,
  createTooManyPixelsError,
  createUnsupportedImageFormatError,
} from './receipts.errors.js';
export { parseReceiptText, isValidThaiTaxId, type ReceiptLineInput } from './receipt-parser.models.js';
export { findDates, findTimes, toGregorianYear } from './receipt-dates.models.js';
export {
  correctStoreName,
  DEFAULT_STORE_LEXICON,
  type StoreLexicon,
  type StoreNameCorrection,
} from './store-lexicon.models.js';
export { findAmounts, formatMinor, toMajor } from './receipt-amounts.models.js';
export {
  DEFAULT_IMAGE_LIMITS,
  hammingDistance,
  perceptualHashOf,
  prepareReceiptImage,
  sniffImageType,
  type ImageLimits,
} from './receipt-image.js';
export { scanQrCodes, type QrScan, type ScanQrOptions } from './receipt-qr.js';
export { languagesForCountry, prepareForOcr, readReceiptImage } from './receipt-reader.js';
export {
  assessReceiptForAutoAccept,
  contentKeyOf,
  findPerceptualMatch,
  AUTO_REJECT_MIN_CONFIDENCE,
  mayRefuseOnRule,
  PERCEPTUAL_MATCH_MAX_BITS,
  rulesInvoiceFromReading,
  type AutoAcceptAssessment,
} from './receipts.models.js';
export {
  createReceiptsRepository,
  type KnownSeller,
  type ReceiptImage,
  type ReceiptsRepository,
} from './receipts.repository.js';
export {
  applyKnownSeller,
  saveKnownSeller,
  createReceiptProofReader,
  getReceiptImageOrThrow,
  ingestReceiptImage,
  type IngestFlags,
  type IngestReceiptImageInput,
  type IngestReceiptImageResult,
  type ReceiptsDeps,
} from './receipts.usecases.js';
export {
  blobDeletionBackoffMs,
  claimDueReceiptBlobDeletions,
  deleteQueuedReceiptBlobs,
  eraseMemberReceiptImages,
  lockBlobKey,
  MAX_BLOB_DELETION_ATTEMPTS,
  retryFailedReceiptBlobDeletions,
  type ReceiptBlobDeletionDeps,
  type ReceiptBlobDeletionSummary,
} from './receipts.erasure.js';
