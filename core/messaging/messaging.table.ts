import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands, lineChannels } from '../brands/brands.table.js';
import { createdAt, idColumn, tstz } from '../db/columns.js';
import { members } from '../members/members.table.js';

/**
 * Every message Proofline sends, recorded before it is sent. `dedupeKey` names the cause (a submission's
 * decision, a win) so the same cause never produces a second message; for pushes `retryKey` is sent as
 * LINE's X-Line-Retry-Key, so a retried request is never delivered twice either.
 */
export const outboundMessages = pgTable(
  'outbound_messages',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    channelId: text('channel_id')
      .notNull()
      .references(() => lineChannels.id),
    memberId: text('member_id').references(() => members.id),
    kind: text('kind').notNull().$type<'reply' | 'push' | 'multicast'>(),
    /** The LINE user the message goes to (a push's `to`). */
    toUserId: text('to_user_id'),
    /** A reply is only attempted before this time (the reply token's freshness); after it, a push. */
    replyDeadline: tstz('reply_deadline'),
    dedupeKey: text('dedupe_key').notNull(),
    retryKey: text('retry_key').notNull(),
    replyToken: text('reply_token'),
    /**
     * Set (committed) just before a reply is sent to LINE, cleared when LINE's answer says it was not
     * delivered. Set on a later attempt means an earlier reply's outcome is unknown (the sender died
     * between LINE's answer and the commit): the message may only be retried as that same reply, never
     * pushed.
     */
    replyAttemptedAt: tstz('reply_attempted_at'),
    messages: jsonb('messages').notNull().$type<Record<string, unknown>[]>(),
    /**
     * An answer that told the member their proof is waiting (queued, being checked, awaiting upload, in
     * review): its decision is pushed when it comes. A fact stored with the answer, not a comparison of
     * clock readings.
     */
    awaitsDecision: boolean('awaits_decision').notNull().default(false),
    state: text('state').notNull().default('pending').$type<'pending' | 'sent' | 'failed'>(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    /** When a failed send is tried again (back-off), and the lease of the sender working on it. */
    nextAttemptAt: tstz('next_attempt_at').notNull().defaultNow(),
    lockedUntil: tstz('locked_until'),
    /**
     * How it was finally delivered: `reply`, `push`, `reply_consumed` (a retried reply whose token was
     * used), or `reply_unknown` (parked: a reply of unknown outcome whose token has expired; not pushed).
     */
    deliveredAs: text('delivered_as'),
    sentAt: tstz('sent_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('outbound_messages_dedupe_uq').on(t.brandId, t.dedupeKey),
    index('outbound_messages_state_idx').on(t.state, t.createdAt),
    index('outbound_messages_due_idx').on(t.state, t.nextAttemptAt),
    index('outbound_messages_member_idx').on(t.memberId, t.createdAt),
  ],
);
