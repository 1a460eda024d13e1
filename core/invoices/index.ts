export { invoiceItems, invoices, purchaseHeaderColumns, type PurchaseHeader } from './invoices.table.js';
export {
  PARSE_ISSUE_REASONS,
  type BarcodeParseResult,
  type CarrierParseResult,
  type CarrierProof,
  type InvoiceParseResult,
  type ParsedBarcode,
  type ParsedInvoice,
  type ParsedInvoiceItem,
  type ParseField,
  type ParseIssue,
  type ParseReason,
  type ProofTextResult,
  type QrInput,
} from './invoices.types.js';
export {
  parseCarrierText,
  parseInvoiceText,
  parseProofText,
  type ProofTextOptions,
} from './proof-text.models.js';
export {
  isRightQrPayload,
  looksLikeLeftQr,
  NO_BUYER_BAN,
  parseEInvoiceQr,
  QR_HEAD_LENGTH,
  recoverBig5Mojibake,
} from './invoice-qr.models.js';
export { BARCODE_LENGTH, parseBarcode } from './invoice-barcode.models.js';
export {
  isValidCarrierBarcode,
  isValidCarrierVerificationCode,
  MOBILE_BARCODE_CARD_TYPE,
} from './carrier.models.js';
export { isValidBusinessId } from './business-id.models.js';
export { isValidInvoiceNumber, isValidRandomCode } from './invoice-number.models.js';
export {
  isDateInPeriod,
  isValidInvoiceDate,
  isValidPeriod,
  parseRocCompactDate,
  periodDateRange,
  periodOfDate,
  toRocCompactDate,
} from './invoice-dates.models.js';
export { normalizeItemName } from './item-names.models.js';
export { checkParsedInvoice } from './invoice-checks.models.js';
export {
  completeWithDate,
  DAYS_WITHOUT_PERIOD,
  findPartialProof,
  OFFERED_DAYS,
  partialProofFromPrinted,
  proofQuestionForm,
  purchaseDateRange,
  readDateAnswer,
  recentDays,
  type DateAnswer,
  type PartialProof,
  type ProofQuestionForm,
} from './partial-proof.models.js';
export { findPrintedProofKeys, proofFromPrintedKeys, type PrintedProofKeys } from './printed-proof.models.js';
