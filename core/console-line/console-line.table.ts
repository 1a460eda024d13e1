import { integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, tstz, updatedAt } from '../db/columns.js';

/**
 * A console user's own LINE account on a brand's channel (LINE user ids differ per provider), where
 * "send a test to me" goes. Verified by a one-time code pushed to that LINE user: until then nothing else
 * is sent to it.
 */
export const consoleLineLinks = pgTable(
  'console_line_links',
  {
    /** A console user's id (no foreign key: local mode's tooling acts as users that are not stored). */
    userId: text('user_id').notNull(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    lineUserId: text('line_user_id').notNull(),
    /** SHA-256 of the pending one-time code (null once verified). */
    codeHash: text('code_hash'),
    codeSentAt: tstz('code_sent_at'),
    /** Wrong codes typed for the pending code; at the limit a new code must be sent. */
    codeAttempts: integer('code_attempts').notNull().default(0),
    verifiedAt: tstz('verified_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.brandId] })],
);
