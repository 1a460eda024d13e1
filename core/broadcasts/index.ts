export {
  broadcasts,
  broadcastChunks,
  broadcastRecipients,
  type BroadcastVariant,
} from './broadcasts.table.js';
export { createBroadcastBodySchema, type CreateBroadcastInput } from './broadcasts.schemas.js';
export {
  assignGroups,
  CHUNK_SIZE,
  DEFAULT_FREQUENCY_CAP,
  DEFAULT_QUIET_HOURS,
  fillPlaceholders,
  PRICE_PER_MESSAGE,
  quietHoursAt,
} from './broadcasts.models.js';
export {
  cancelBroadcast,
  createBroadcast,
  getBroadcastReport,
  startBroadcast,
  type BroadcastActor,
  type BroadcastReport,
  type BroadcastsDeps,
} from './broadcasts.usecases.js';
export {
  createRateLimiter,
  deliverBroadcastChunks,
  type BroadcastDeliveryDeps,
  type BroadcastDeliverySummary,
  type RateLimiter,
} from './broadcasts.delivery.js';
export { createBroadcastQuotaExceededError } from './broadcasts.errors.js';
