export { webhookEvents, type WebhookEventState } from './events.table.js';
export { createEventsRepository, type WebhookEvent, type EventsRepository } from './events.repository.js';
export { webhookBodySchema, webhookEventSchema, type WebhookEventPayload } from './events.schemas.js';
export {
  createWebhookBadJsonError,
  createWebhookBadSignatureError,
  createWebhookUnknownChannelError,
} from './events.errors.js';
export {
  eventBackoffMs,
  processDueWebhookEvents,
  receiveWebhookEvents,
  WEBHOOK_EVENT_MAX_ATTEMPTS,
  type EventHandler,
  type EventHandling,
  type ProcessSummary,
} from './events.usecases.js';
