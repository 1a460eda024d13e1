export type {
  BudgetDecision,
  BudgetTurn,
  BudgetTurnRow,
  BudgetPermit,
  CarrierCredentials,
  CarrierDetailQuery,
  CarrierDetailResult,
  CarrierListQuery,
  CarrierListResult,
  EInvoicePlatform,
  EInvoicePlatformName,
  InvoiceCodeType,
  InvoiceDetailQuery,
  InvoiceHeaderQuery,
  PlatformAction,
  PlatformDetailResult,
  PlatformInvoice,
  PlatformInvoiceItem,
  PlatformInvoiceStatus,
  PlatformLookupResult,
  PlatformNotFound,
} from './verification.types.js';
export {
  createEInvoicePlatformBadRequestError,
  createEInvoicePlatformInvalidOptionsError,
  createEInvoicePlatformInvalidQueryError,
  createEInvoicePlatformQueryLimitError,
  createEInvoicePlatformRejectedError,
  createEInvoicePlatformUnavailableError,
} from './verification.errors.js';
export {
  MOF_ACTIONS,
  MOF_ANSWER_CODES,
  classifyMofAnswerCode,
  normalizeMofInvoice,
  periodOfIsoDate,
  signMofParameters,
} from './verification.models.js';
export {
  createTokenBucketRateLimiter,
  monotonicClock,
  type RateLimiter,
  type RateLimiterStats,
  type Sleep,
} from './verification.rate-limiter.js';
export {
  createDatabaseRateLimiter,
  type BudgetPriority,
  type DatabaseRateLimiter,
} from './verification.budget.js';
export { platformBudgets } from './verification.table.js';
export {
  createMofEInvoicePlatform,
  type MofApiVersions,
  type MofEInvoicePlatform,
  type MofEInvoicePlatformOptions,
} from './platforms/mof/mof.einvoice-platform.js';
export {
  MOF_PRODUCTION_BASE_URL,
  MOF_SIMULATOR_APP_ID,
  buildEInvoicePlatform,
  einvoicePlatformFactories,
  sharedRateLimiter,
  type EInvoicePlatformFactory,
} from './einvoice-platforms.js';
