import { boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands, lineChannels } from '../brands/brands.table.js';
import { createdAt, idColumn, tstz } from '../db/columns.js';
import { segments } from '../segments/segments.table.js';
import type { DemographicFilter } from './broadcasts.narrowcast.models.js';

/** One variant of a broadcast (A, B…): its messages, and per-language versions of them. */
export type BroadcastVariant = {
  key: string;
  messages: Record<string, unknown>[];
  /** Messages per member language (`zh-TW`, `th`, `en`); members of another language get `messages`. */
  languages: Record<string, Record<string, unknown>[]>;
};

export type BroadcastState = 'draft' | 'scheduled' | 'sending' | 'sent' | 'failed' | 'cancelled';

export const broadcasts = pgTable(
  'broadcasts',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    channelId: text('channel_id')
      .notNull()
      .references(() => lineChannels.id),
    segmentId: text('segment_id').references(() => segments.id),
    /** The segment's condition when the broadcast was made (or the one given): the recipients come from it. */
    condition: jsonb('condition').$type<Record<string, unknown>>(),
    /** Variant A's default messages (see `variants` for every variant and language). */
    messages: jsonb('messages').notNull().$type<Record<string, unknown>[]>(),
    variants: jsonb('variants').$type<BroadcastVariant[]>(),
    /** Share of the recipients (0–50 %) kept as a holdout group that receives nothing. */
    holdoutPercent: integer('holdout_percent').notNull().default(0),
    /**
     * Links in the messages are rewritten per recipient to `/r/:token` (clicks counted per member); this
     * makes each recipient's messages personal, so they go one member per request.
     */
    trackLinks: boolean('track_links').notNull().default(true),
    /** Sent inside quiet hours on the sender's explicit choice (audited). */
    ignoreQuietHours: boolean('ignore_quiet_hours').notNull().default(false),
    /**
     * What the chunks not yet sent do if quiet hours begin during the send: `wait` until they end, or
     * `skip` (counted under `skipped.quiet_hours`). The sender's choice, else the brand's setting when the
     * broadcast was made; a narrowcast always waits.
     */
    quietHoursMidSend: text('quiet_hours_mid_send').notNull().default('wait').$type<'wait' | 'skip'>(),
    /**
     * multicast to a segment in chunks of at most 500 user IDs, or narrowcast to LINE's demographic
     * filter (LINE picks the recipients; one request, then its progress is polled).
     */
    method: text('method').notNull().$type<'multicast' | 'narrowcast'>(),
    /** LINE's `filter.demographic` of a narrowcast (null for multicast). */
    demographicFilter: jsonb('demographic_filter').$type<DemographicFilter>(),
    /**
     * LINE's request id of the accepted narrowcast (`x-line-request-id`, or `x-line-accepted-request-id`
     * on a 409): the progress is polled with it. The retry key is the narrowcast's one chunk's.
     */
    lineRequestId: text('line_request_id'),
    /** LINE's progress of the narrowcast: `waiting`, `sending`, `succeeded` or `failed`. */
    narrowcastPhase: text('narrowcast_phase').$type<'waiting' | 'sending' | 'succeeded' | 'failed'>(),
    narrowcastTargetCount: integer('narrowcast_target_count'),
    narrowcastSuccessCount: integer('narrowcast_success_count'),
    narrowcastFailureCount: integer('narrowcast_failure_count'),
    /** LINE's `errorCode` / `failedDescription` of a failed narrowcast. */
    narrowcastError: text('narrowcast_error'),
    /** When the worker last asked LINE for the progress (polled every NARROWCAST_POLL_MS). */
    narrowcastCheckedAt: tstz('narrowcast_checked_at'),
    state: text('state').notNull().$type<BroadcastState>(),
    /** When a scheduled broadcast is due: the time asked for, or the end of quiet hours. */
    scheduledAt: tstz('scheduled_at'),
    /** Why it waits: `send_at` or `quiet_hours`. */
    waitReason: text('wait_reason'),
    recipientCount: integer('recipient_count'),
    /** Members left out when the recipients were frozen, by reason (blocked, no_consent, capped). */
    skipped: jsonb('skipped').$type<Record<string, number>>(),
    createdBy: text('created_by'),
    createdAt: createdAt(),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
  },
  (t) => [index('broadcasts_due_idx').on(t.state, t.scheduledAt)],
);

export const broadcastChunks = pgTable(
  'broadcast_chunks',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    broadcastId: text('broadcast_id')
      .notNull()
      .references(() => broadcasts.id),
    chunkNo: integer('chunk_no').notNull(),
    lineUserIds: jsonb('line_user_ids').notNull().$type<string[]>(),
    /** The exact body sent with the retry key: every retry resends it unchanged. */
    messages: jsonb('messages').notNull().default([]).$type<Record<string, unknown>[]>(),
    /** X-Line-Retry-Key, stored before the first attempt. */
    retryKey: text('retry_key').notNull(),
    state: text('state')
      .notNull()
      .default('pending')
      // waiting_quiet_hours: quiet hours began before it was sent; it goes at `next_attempt_at`, their end.
      // skipped: quiet hours began before it was sent, and the brand skips rather than waits.
      .$type<'pending' | 'sending' | 'sent' | 'failed' | 'cancelled' | 'waiting_quiet_hours' | 'skipped'>(),
    attempts: integer('attempts').notNull().default(0),
    /** A worker holds a `sending` chunk until then; after it, another worker may take it (crash). */
    leaseUntil: tstz('lease_until'),
    nextAttemptAt: tstz('next_attempt_at'),
    lastError: text('last_error'),
    sentAt: tstz('sent_at'),
  },
  (t) => [
    uniqueIndex('broadcast_chunks_no_uq').on(t.broadcastId, t.chunkNo),
    index('broadcast_chunks_state_idx').on(t.state, t.nextAttemptAt),
  ],
);

/**
 * The frozen recipient list: one row per member and broadcast (the primary key makes "never twice"
 * structural), with its group (variant or holdout), chunk and outcome, or why it was skipped.
 */
export const broadcastRecipients = pgTable(
  'broadcast_recipients',
  {
    // No foreign keys here (nor on member_id): PostgreSQL checks one per row inserted, and freezing 100,000
    // recipients spent 3.6 of 7.5 s in them (docs/decisions/011, "Freezing recipients"). Rows are written only
    // by the freeze, in the transaction that holds the broadcast's row lock, with the broadcast's brand.
    brandId: text('brand_id').notNull(),
    broadcastId: text('broadcast_id').notNull(),
    memberId: text('member_id').notNull(),
    lineUserId: text('line_user_id').notNull(),
    /** The variant key (`A`, `B`…) or `holdout`. */
    groupKey: text('group_key').notNull(),
    chunkNo: integer('chunk_no'),
    status: text('status')
      .notNull()
      .$type<'pending' | 'sent' | 'failed' | 'skipped' | 'held_out' | 'cancelled'>(),
    skipReason: text('skip_reason'),
    createdAt: createdAt(),
    sentAt: tstz('sent_at'),
  },
  (t) => [
    primaryKey({ columns: [t.broadcastId, t.memberId] }),
    // The frequency cap groups a brand's recent deliveries by member when recipients are frozen: a range of
    // this index (rows are appended in time order, so the heap pages read are the recent ones).
    index('broadcast_recipients_brand_created_idx').on(t.brandId, t.createdAt),
    index('broadcast_recipients_chunk_idx').on(t.broadcastId, t.chunkNo),
  ],
);

/**
 * A tracked link of a broadcast as one recipient got it: `/r/:token` redirects to `url` (with UTM tags)
 * and records the member's first click; `clicks` counts every click.
 */
export const broadcastLinks = pgTable(
  'broadcast_links',
  {
    token: text('token').primaryKey(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    broadcastId: text('broadcast_id')
      .notNull()
      .references(() => broadcasts.id),
    memberId: text('member_id').notNull(),
    /** The link's number in the broadcast (the same URL has the same number for every recipient). */
    linkNo: integer('link_no').notNull(),
    url: text('url').notNull(),
    clicks: integer('clicks').notNull().default(0),
    firstClickedAt: tstz('first_clicked_at'),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex('broadcast_links_member_uq').on(t.broadcastId, t.memberId, t.linkNo)],
);
