export { webhookEvents, type WebhookEventState } from './events.table.js';
export { createEventsRepository, type WebhookEvent, type EventsRepository } from './events.repository.js';
export { parseWebhookBody, webhookEventKey } from './events.models.js';
export { webhookBodySchema, webhookEventSchema, type WebhookEventPayload } from './events.schemas.js';
export {
  createWebhookBadJsonError,
  createWebhookBadSignatureError,
  createWebhookUnknownChannelError,
} from './events.errors.js';
export {
  createEventProcessor,
  eventBackoffMs,
  processDueWebhookEvents,
  createWebhookInbox,
  WEBHOOK_EVENT_MAX_ATTEMPTS,
  type EventHandler,
  type EventHandling,
  type EventProcessingOptions,
  type ProcessSummary,
  type WebhookInbox,
} from './events.usecases.js';
export { createWebhookLanes, type WebhookLanes } from './events.lanes.js';
