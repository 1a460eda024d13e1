import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { idColumn, tstz } from '../db/columns.js';

export type WebhookEventState = 'pending' | 'processing' | 'done' | 'failed';

/**
 * The webhook inbox. The web process only stores events here (once per `webhookEventId`) and answers
 * 200; workers claim rows with FOR UPDATE SKIP LOCKED. `lockedUntil` lets a crashed worker's claim lapse.
 *
 * `brandId` and `channelId` are a `brands` and a `line_channels` row's ids but carry no foreign keys: the
 * webhook's insert is the hottest statement there is, and each foreign key is a look-up and a row lock
 * (FOR KEY SHARE) of the parent for every stored event, ~15 % of the insert's CPU on PGlite (decision
 * 015). Integrity is kept otherwise: the inbox writes only ids it read from the channel's own row (the
 * channel cache), no code deletes a brand or a channel, and a trigger (migration `webhook_events_parent_guard`) refuses to delete
 * a brand or channel, or change its id, while webhook events name it — as the foreign keys did.
 */
export const webhookEvents = pgTable(
  'webhook_events',
  {
    id: idColumn(),
    brandId: text('brand_id').notNull(),
    channelId: text('channel_id').notNull(),
    webhookEventId: text('webhook_event_id').notNull(),
    eventType: text('event_type').notNull(),
    lineUserId: text('line_user_id'),
    payload: jsonb('payload').notNull().$type<Record<string, unknown>>(),
    /**
     * The event's JSON exactly as LINE sent it, as escaped text, when the payload had to be made
     * storable (U+0000 removed, lone surrogates replaced) or the event was parked on arrival.
     */
    rawJson: text('raw_json'),
    /** The id of the HTTP request that stored it: the worker's log lines for the event carry it. */
    requestId: text('request_id'),
    isRedelivery: boolean('is_redelivery').notNull().default(false),
    /** LINE's event timestamp: a reply token is good for a short while after it. */
    occurredAt: tstz('occurred_at').notNull(),
    state: text('state').notNull().default('pending').$type<WebhookEventState>(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
    lockedUntil: tstz('locked_until'),
    lastError: text('last_error'),
    receivedAt: tstz('received_at').notNull().defaultNow(),
    processedAt: tstz('processed_at'),
  },
  (t) => [
    uniqueIndex('webhook_events_event_id_uq').on(t.channelId, t.webhookEventId),
    index('webhook_events_due_idx').on(t.state, t.nextAttemptAt),
    index('webhook_events_user_idx').on(t.channelId, t.lineUserId, t.occurredAt),
  ],
);
