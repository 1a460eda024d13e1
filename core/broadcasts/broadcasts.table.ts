import { index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands, lineChannels } from '../brands/brands.table.js';
import { createdAt, idColumn, tstz } from '../db/columns.js';
import { segments } from '../segments/segments.table.js';

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
    messages: jsonb('messages').notNull().$type<Record<string, unknown>[]>(),
    /** multicast in chunks of at most 500 user IDs, or narrowcast to an uploaded audience. */
    method: text('method').notNull().$type<'multicast' | 'narrowcast'>(),
    state: text('state')
      .notNull()
      .$type<'draft' | 'scheduled' | 'sending' | 'sent' | 'failed' | 'cancelled'>(),
    scheduledAt: tstz('scheduled_at'),
    recipientCount: integer('recipient_count'),
    createdBy: text('created_by'),
    createdAt: createdAt(),
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
    retryKey: text('retry_key').notNull(),
    state: text('state').notNull().default('pending').$type<'pending' | 'sent' | 'failed'>(),
    attempts: integer('attempts').notNull().default(0),
    lastError: text('last_error'),
    sentAt: tstz('sent_at'),
  },
  (t) => [uniqueIndex('broadcast_chunks_no_uq').on(t.broadcastId, t.chunkNo)],
);
