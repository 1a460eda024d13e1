import type { Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  decodeAuditCursor,
  encodeAuditCursor,
  type AuditEntry,
  type AuditEntryInput,
  type AuditFilters,
} from './audit.models.js';
import { createAuditRepository } from './audit.repository.js';
import { auditLog } from './audit.table.js';
import { createAuditCursorInvalidError } from './audit.errors.js';

/**
 * Appends one audit row. Pass the transaction that makes the change (`tx`), so the change and its audit
 * row commit or roll back together.
 */
export async function recordAudit(
  db: Executor,
  deps: { clock: Clock; generateId: IdGenerator },
  entry: AuditEntryInput,
): Promise<{ id: string }> {
  const id = deps.generateId('auditEntry');
  await db.insert(auditLog).values({
    id,
    brandId: entry.brandId,
    actorType: entry.actorType,
    actorId: entry.actorId,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    data: entry.data ?? {},
    createdAt: deps.clock.now(),
  });
  return { id };
}

/** A console user acting on a brand: use cases that move value or data take it and audit in their transaction. */
export type ConsoleAuditActor = { brandId: string; userId: string; email: string };

/**
 * The audit row of a console action, written with the change in the caller's transaction (`tx`): the change
 * and its row commit or roll back together. Call it only when the action changed something.
 */
export async function recordConsoleAction(
  tx: Executor,
  deps: { clock: Clock; generateId: IdGenerator },
  actor: ConsoleAuditActor,
  entry: { action: string; targetType: string; targetId: string; data?: Record<string, unknown> },
): Promise<{ id: string }> {
  return recordAudit(tx, deps, {
    brandId: actor.brandId,
    actorType: 'console_user',
    actorId: actor.userId,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    data: { by: actor.email, ...entry.data },
  });
}

/** @default 50 rows a page */
export const AUDIT_PAGE_SIZE = 50;

/** One page of a brand's audit log, newest first, and the cursor of the next page (if any). */
export async function listAuditEntries(
  db: Executor,
  { filters, after, limit = AUDIT_PAGE_SIZE }: { filters: AuditFilters; after?: string; limit?: number },
): Promise<{ entries: AuditEntry[]; next: string | null }> {
  const cursor = after ? decodeAuditCursor(after) : undefined;
  if (after && !cursor) throw createAuditCursorInvalidError({ details: { after } });
  const rows = await createAuditRepository({ db }).listEntries(filters, { after: cursor, limit: limit + 1 });
  const entries = rows.slice(0, limit);
  const last = entries.at(-1);
  return { entries, next: rows.length > limit && last ? encodeAuditCursor(last) : null };
}

export async function listAuditFacets(db: Executor, { brandId }: { brandId: string }) {
  return createAuditRepository({ db }).listFacets(brandId);
}
