import { and, desc, eq, gte, like, lt, or, type SQL } from 'drizzle-orm';
import { consoleUsers } from '../console/index.js';
import type { Executor } from '../db/database.js';
import type { AuditCursor, AuditEntry, AuditFilters } from './audit.models.js';
import { auditLog } from './audit.table.js';

function likePrefix(prefix: string): string {
  return `${prefix.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

export function createAuditRepository({ db }: { db: Executor }) {
  return {
    async listEntries(
      filters: AuditFilters,
      { after, limit }: { after?: AuditCursor | undefined; limit: number },
    ): Promise<AuditEntry[]> {
      const conditions: SQL[] = [eq(auditLog.brandId, filters.brandId)];
      if (filters.actorId) conditions.push(eq(auditLog.actorId, filters.actorId));
      if (filters.action)
        conditions.push(
          filters.action.endsWith('.')
            ? like(auditLog.action, likePrefix(filters.action))
            : eq(auditLog.action, filters.action),
        );
      if (filters.targetType) conditions.push(eq(auditLog.targetType, filters.targetType));
      if (filters.from) conditions.push(gte(auditLog.createdAt, filters.from));
      if (filters.to) conditions.push(lt(auditLog.createdAt, filters.to));
      if (after)
        conditions.push(
          or(
            lt(auditLog.createdAt, after.createdAt),
            and(eq(auditLog.createdAt, after.createdAt), lt(auditLog.id, after.id)),
          ) as SQL,
        );
      const rows = await db
        .select({
          id: auditLog.id,
          brandId: auditLog.brandId,
          actorType: auditLog.actorType,
          actorId: auditLog.actorId,
          actorName: consoleUsers.name,
          actorEmail: consoleUsers.email,
          action: auditLog.action,
          targetType: auditLog.targetType,
          targetId: auditLog.targetId,
          data: auditLog.data,
          createdAt: auditLog.createdAt,
        })
        .from(auditLog)
        .leftJoin(
          consoleUsers,
          and(eq(auditLog.actorType, 'console_user'), eq(consoleUsers.id, auditLog.actorId)),
        )
        .where(and(...conditions))
        .orderBy(desc(auditLog.createdAt), desc(auditLog.id))
        .limit(limit);
      return rows;
    },

    /** The distinct actions, target kinds and console actors of a brand's log (the filters' choices). */
    async listFacets(brandId: string): Promise<{
      actions: string[];
      targetTypes: string[];
      actors: { id: string; name: string; email: string }[];
    }> {
      const actions = await db
        .selectDistinct({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.brandId, brandId))
        .orderBy(auditLog.action);
      const targets = await db
        .selectDistinct({ targetType: auditLog.targetType })
        .from(auditLog)
        .where(eq(auditLog.brandId, brandId))
        .orderBy(auditLog.targetType);
      const actors = await db
        .selectDistinct({ id: consoleUsers.id, name: consoleUsers.name, email: consoleUsers.email })
        .from(auditLog)
        .innerJoin(consoleUsers, eq(consoleUsers.id, auditLog.actorId))
        .where(and(eq(auditLog.brandId, brandId), eq(auditLog.actorType, 'console_user')))
        .orderBy(consoleUsers.email);
      return {
        actors,
        actions: actions.map((row) => row.action),
        targetTypes: targets.flatMap((row) => (row.targetType ? [row.targetType] : [])),
      };
    },
  };
}
