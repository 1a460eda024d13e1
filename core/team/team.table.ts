import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { consoleUsers, type ConsoleRole } from '../console/console.table.js';
import { createdAt, idColumn, tstz } from '../db/columns.js';

/**
 * An owner's invitation of a new person to the brand's console. There is no mail server: the owner is
 * shown a one-time link (its token lives only there; the table keeps its SHA-256), which the invited
 * person opens to set a password, once, before `expiresAt`.
 */
export const consoleInvitations = pgTable(
  'console_invitations',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    email: text('email').notNull(),
    role: text('role').notNull().$type<ConsoleRole>(),
    /** SHA-256 (hex) of the link's token. */
    tokenHash: text('token_hash').notNull(),
    invitedBy: text('invited_by').references(() => consoleUsers.id),
    expiresAt: tstz('expires_at').notNull(),
    /** Set once, when the link was used: a second use is refused. */
    acceptedAt: tstz('accepted_at'),
    acceptedUserId: text('accepted_user_id').references(() => consoleUsers.id),
    /** Withdrawn by an owner, or replaced by a newer invitation of the same email. */
    revokedAt: tstz('revoked_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('console_invitations_token_uq').on(t.tokenHash),
    index('console_invitations_brand_idx').on(t.brandId, t.createdAt),
  ],
);
