import { index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, idColumn, tstz } from '../db/columns.js';

export type ConsoleRole = 'owner' | 'marketer' | 'reviewer' | 'viewer';

/** People who sign in to the console. One person may work for several brands (an agency). */
export const consoleUsers = pgTable('console_users', {
  id: idColumn(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  /** scrypt hash with its parameters and salt (`scrypt$N$r$p$salt$hash`). */
  passwordHash: text('password_hash').notNull(),
  createdAt: createdAt(),
  /** Disabled everywhere (instance admin); a brand's owner disables a membership instead. */
  disabledAt: tstz('disabled_at'),
  /** The last successful sign-in (the team page shows it). */
  lastSignInAt: tstz('last_sign_in_at'),
});

export const consoleMemberships = pgTable(
  'console_memberships',
  {
    userId: text('user_id')
      .notNull()
      .references(() => consoleUsers.id),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    role: text('role').notNull().$type<ConsoleRole>(),
    createdAt: createdAt(),
    /**
     * Set when the brand's owner disabled this person on the brand: the brand is gone from their
     * sessions (which all end at once), other brands they work for are untouched.
     */
    disabledAt: tstz('disabled_at'),
  },
  (t) => [primaryKey({ columns: [t.userId, t.brandId] })],
);

export const consoleSessions = pgTable(
  'console_sessions',
  {
    id: idColumn(),
    userId: text('user_id')
      .notNull()
      .references(() => consoleUsers.id),
    /** SHA-256 of the session token; the token itself lives only in the cookie. */
    tokenHash: text('token_hash').notNull(),
    expiresAt: tstz('expires_at').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('console_sessions_token_uq').on(t.tokenHash),
    index('console_sessions_user_idx').on(t.userId),
  ],
);

/**
 * Sign-in throttle counters, one row per key: `pair:<email> <address>` (one client guessing one
 * account) and `account:<email>` (everyone guessing it). Updated by one atomic upsert per attempt, so
 * concurrent attempts are counted one by one.
 */
export const consoleSignInThrottle = pgTable('console_sign_in_throttle', {
  key: text('key').primaryKey(),
  /** Attempts counted in the current window (a successful sign-in is taken back). */
  attempts: integer('attempts').notNull(),
  lastAttemptAt: tstz('last_attempt_at').notNull(),
  /** No attempt is checked before this time (the growing delay). */
  blockedUntil: tstz('blocked_until'),
});
