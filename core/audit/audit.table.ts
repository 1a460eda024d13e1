import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, idColumn } from '../db/columns.js';

/** Who did what to which row: console actions, reviews, adjustments, exports, erasures. Append-only. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: idColumn(),
    brandId: text('brand_id').references(() => brands.id),
    actorType: text('actor_type').notNull().$type<'console_user' | 'member' | 'operator' | 'system'>(),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    data: jsonb('data').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_log_brand_created_idx').on(t.brandId, t.createdAt),
    index('audit_log_target_idx').on(t.targetType, t.targetId),
    // Sign-in throttling counts an account's recent failures by action and time.
    index('audit_log_action_created_idx').on(t.action, t.createdAt),
  ],
);
