export {
  analyticsLineItems,
  analyticsProductMappings,
  analyticsProducts,
  analyticsStores,
  exportJobs,
} from './analytics.table.js';
export {
  buildLineItemRows,
  fillRegionsFromStores,
  hourOf,
  itemGroupOf,
  regionOfAddress,
  storeKeyOf,
  weekdayOf,
  type LineItemHeader,
  type LineItemInput,
  type LineItemRow,
  type RecordedStoreRegion,
  type StoreRow,
} from './line-items.models.js';
export {
  ACCEPTED_STATES,
  backfillLineItems,
  detachMemberFromLineItems,
  recordAcceptedLineItems,
  recordAcceptedLineItemsOfMany,
  syncSubmissionLineItems,
  type BackfillResult,
  type SyncLineItemsResult,
} from './line-items.usecases.js';
export {
  analyzeBaskets,
  purchaseHeatmap,
  rankRegions,
  rankStores,
  type AnalyticsFilter,
} from './analytics.queries.js';
export { memberCohorts, proofFunnel } from './proofs.queries.js';
export { memberCohortsFromSubmissions, proofFunnelFromSubmissions } from './submissions.queries.js';
export {
  analyzeBasketsFromLineItems,
  purchaseHeatmapFromLineItems,
  rankRegionsFromLineItems,
  rankStoresFromLineItems,
} from './line-items.queries.js';
export {
  analyticsDaily,
  analyticsPairDays,
  analyticsPlaceMembers,
  analyticsPlaceTotals,
  analyticsProductDays,
  analyticsStoreDays,
} from './rollups.table.js';
export {
  analyticsCohortDays,
  analyticsFirstDays,
  analyticsMemberDays,
  analyticsMembers,
  analyticsProofDays,
  analyticsReturnDays,
} from './proof-rollups.table.js';
export { rebuildAnalyticsRollups } from './rollups.usecases.js';
export { basketPairMetrics, type BasketPair, type BasketsAnswer } from './analytics.models.js';
export {
  listProducts,
  listUnmappedNames,
  mapItemName,
  saveProduct,
  unmapItemName,
} from './products.usecases.js';
export {
  analyticsFilterSchema,
  basketsQuerySchema,
  exportDownloadQuerySchema,
  exportRequestSchema,
  mappingBodySchema,
  productBodySchema,
  rankingQuerySchema,
  unmappedQuerySchema,
} from './analytics.schemas.js';
export {
  createExportJobNotFoundError,
  createExportLinkExpiredError,
  createProductNotFoundError,
} from './analytics.errors.js';
export {
  countExportRows,
  countLineItems,
  EXPORT_KINDS,
  exportLineItems,
  exportRows,
  LINE_ITEM_EXPORT_COLUMNS,
  lineItemExportRows,
  neutralizeCell,
  writeExport,
  xlsxBacklog,
  type ExportFormat,
  type ExportKind,
  type ExportScope,
} from './exports.js';
export {
  EXPORT_CONTENT_TYPES,
  EXPORT_LINK_TTL_MS,
  exportDownloadPath,
  exportJobView,
  getExportJobOrThrow,
  listExportJobs,
  openExportDownload,
  requestExport,
  requestLineItemsExport,
  runExportJobs,
  type ExportJobsDeps,
  type ExportJobView,
} from './export-jobs.usecases.js';
