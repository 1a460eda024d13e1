export {
  broadcasts,
  broadcastChunks,
  broadcastLinks,
  broadcastRecipients,
  type BroadcastVariant,
} from './broadcasts.table.js';
export { createBroadcastBodySchema, type CreateBroadcastInput } from './broadcasts.schemas.js';
export {
  assignGroups,
  CHUNK_SIZE,
  fillPlaceholders,
  linksIn,
  rewriteLinks,
  withUtmTags,
  quietHoursAt,
} from './broadcasts.models.js';
export {
  effectivePlan,
  estimateBroadcastCost,
  LINE_PLANS,
  MESSAGES_PER_RECIPIENT,
  plansOfCountry,
  type CostEstimate,
  type LinePlan,
  type QuotaReading,
} from './broadcasts.plans.js';
export {
  broadcastSettingsOf,
  broadcastSettingsPatchSchema,
  brandColumnsOf,
  DEFAULT_BROADCAST_SETTINGS,
  getBroadcastDefaults,
  loadBroadcastRules,
  type BroadcastDefaults,
  type BroadcastSettings,
  type BroadcastSettingsPatch,
  type QuietHours,
} from './broadcasts.settings.js';
export {
  cancelBroadcast,
  createBroadcast,
  startBroadcast,
  type BroadcastActor,
  type BroadcastsDeps,
} from './broadcasts.usecases.js';
export {
  getBroadcastQuota,
  getBroadcastReport,
  listBroadcasts,
  type BroadcastListItem,
  type BroadcastQuota,
  type BroadcastReport,
  type NarrowcastReport,
} from './broadcasts.reports.js';
export {
  createRateLimiter,
  deliverBroadcastChunks,
  type BroadcastDeliveryDeps,
  type BroadcastDeliverySummary,
  type RateLimiter,
} from './broadcasts.delivery.js';
export { createBroadcastLinkNotFoundError, createBroadcastQuotaExceededError } from './broadcasts.errors.js';
export {
  followTrackedLink,
  getBroadcastResults,
  RESULTS_WINDOW_DAYS,
  trackedLinkBaseUrlOf,
  type BroadcastResults,
} from './broadcasts.tracking.js';
export { sendTestBroadcast, TEST_SENDS_PER_HOUR } from './broadcasts.test-send.js';
export { testSendBodySchema, type TestSendInput } from './broadcasts.schemas.js';
export { createBroadcastTestRateLimitedError } from './broadcasts.errors.js';
export {
  demographicFilterSchema,
  NARROWCAST_AGES,
  NARROWCAST_MIN_RECIPIENTS,
  NARROWCAST_PERIODS,
  NARROWCAST_POLL_MS,
  NARROWCAST_TW_AREAS,
  narrowcastConsentDecision,
  type DemographicFilter,
  type NarrowcastWarning,
} from './broadcasts.narrowcast.models.js';
export { createBroadcastNarrowcastNeedsConsentError } from './broadcasts.errors.js';
