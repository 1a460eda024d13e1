import type { auditLog } from './audit.table.js';

export type AuditActorType = (typeof auditLog.$inferSelect)['actorType'];

/** One audit row as it is written: who (`actorType`, `actorId`) did `action` to which target. */
export type AuditEntryInput = {
  /** Null for actions that belong to no brand (a console sign-in). */
  brandId: string | null;
  actorType: AuditActorType;
  actorId: string | null;
  /** Dotted, `<area>.<verb>` (`team.invited`, `review.approved`). */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  data?: Record<string, unknown>;
};

export type AuditEntry = {
  id: string;
  brandId: string | null;
  actorType: AuditActorType;
  actorId: string | null;
  /** The console user's name and email when the actor is one (resolved at read time). */
  actorName: string | null;
  actorEmail: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  data: Record<string, unknown> | null;
  createdAt: Date;
};

export type AuditFilters = {
  brandId: string;
  actorId?: string | undefined;
  /** An exact action (`team.invited`) or an area prefix ending in a dot (`team.`). */
  action?: string | undefined;
  targetType?: string | undefined;
  /** From this instant on (inclusive). */
  from?: Date | undefined;
  /** Before this instant (exclusive). */
  to?: Date | undefined;
};

/** Newest first; the cursor is the last row's (createdAt, id), so pages never skip or repeat a row. */
export type AuditCursor = { createdAt: Date; id: string };

export function encodeAuditCursor(cursor: AuditCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.id}`, 'utf8').toString('base64url');
}

export function decodeAuditCursor(raw: string): AuditCursor | undefined {
  const [iso, id] = Buffer.from(raw, 'base64url').toString('utf8').split('|');
  if (!iso || !id) return undefined;
  const createdAt = new Date(iso);
  return Number.isNaN(createdAt.getTime()) ? undefined : { createdAt, id };
}
