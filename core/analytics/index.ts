export {
  analyticsLineItems,
  analyticsProductMappings,
  analyticsProducts,
  analyticsStores,
  exportJobs,
} from './analytics.table.js';
export {
  buildLineItemRows,
  hourOf,
  itemGroupOf,
  regionOfAddress,
  storeKeyOf,
  weekdayOf,
  type LineItemHeader,
  type LineItemInput,
  type LineItemRow,
  type StoreRow,
} from './line-items.models.js';
export {
  ACCEPTED_STATES,
  backfillLineItems,
  detachMemberFromLineItems,
  recordAcceptedLineItems,
  syncSubmissionLineItems,
  type BackfillResult,
  type SyncLineItemsResult,
} from './line-items.usecases.js';
