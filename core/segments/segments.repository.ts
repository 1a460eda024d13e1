import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { brands } from '../brands/brands.table.js';
import { queryRows, type Executor } from '../db/database.js';
import { foldPendingFacts } from '../fact-outbox/index.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  marketingConsentSql,
  matchingMembersWhere,
  reachableMembersWhere,
  type ConditionContext,
} from './segments.conditions.js';
import type { SegmentCondition } from './segments.schemas.js';
import { segments } from './segments.table.js';

export type Segment = typeof segments.$inferSelect;

export type SegmentSampleMember = {
  id: string;
  displayName: string | null;
  locale: string;
  region: string | null;
  registeredAt: Date | null;
};

/** Segments (saved conditions) and the member queries their conditions compile to. */
export function createSegmentsRepository({ db, generateId }: { db: Executor; generateId: IdGenerator }) {
  return {
    async getBrandContext(brandId: string, now: Date): Promise<ConditionContext | undefined> {
      const [brand] = await db.select().from(brands).where(eq(brands.id, brandId));
      return brand ? { brandId, country: brand.country, timezone: brand.timezone, now } : undefined;
    },

    async insertSegment(input: {
      brandId: string;
      name: string;
      condition: SegmentCondition;
      createdBy: string | undefined;
      at: Date;
    }): Promise<Segment> {
      const [row] = await db
        .insert(segments)
        .values({
          id: generateId('segment'),
          brandId: input.brandId,
          name: input.name,
          filter: input.condition as unknown as Record<string, unknown>,
          createdBy: input.createdBy,
          createdAt: input.at,
          updatedAt: input.at,
        })
        .returning();
      return row!;
    },

    async getSegment(brandId: string, id: string): Promise<Segment | undefined> {
      const [row] = await db
        .select()
        .from(segments)
        .where(and(eq(segments.brandId, brandId), eq(segments.id, id), isNull(segments.archivedAt)));
      return row;
    },

    /** Renames a live segment and/or replaces its condition; undefined when there is no such live segment. */
    async updateSegment(
      brandId: string,
      id: string,
      change: { name?: string | undefined; condition?: SegmentCondition | undefined; at: Date },
    ): Promise<Segment | undefined> {
      const [row] = await db
        .update(segments)
        .set({
          ...(change.name === undefined ? {} : { name: change.name }),
          ...(change.condition === undefined
            ? {}
            : { filter: change.condition as unknown as Record<string, unknown> }),
          updatedAt: change.at,
        })
        .where(and(eq(segments.brandId, brandId), eq(segments.id, id), isNull(segments.archivedAt)))
        .returning();
      return row;
    },

    /** Takes a live segment out of use; undefined when there is no such live segment. */
    async archiveSegment(brandId: string, id: string, at: Date): Promise<Segment | undefined> {
      const [row] = await db
        .update(segments)
        .set({ archivedAt: at, updatedAt: at })
        .where(and(eq(segments.brandId, brandId), eq(segments.id, id), isNull(segments.archivedAt)))
        .returning();
      return row;
    },

    /** The brand's member tags, most used first (the segment builder's choices). */
    async listTags(brandId: string, limit = 200): Promise<string[]> {
      const rows = await queryRows<{ tag: string }>(
        db,
        sql`select tag from member_tags where brand_id = ${brandId}
            group by tag order by count(*) desc, tag limit ${limit}`,
      );
      return rows.map((row) => row.tag);
    },

    async listSegments(brandId: string): Promise<Segment[]> {
      return db
        .select()
        .from(segments)
        .where(and(eq(segments.brandId, brandId), isNull(segments.archivedAt)))
        .orderBy(desc(segments.createdAt));
    },

    /** Reachable members the condition selects, and how many more it selects that cannot be messaged. */
    async countMembers(
      condition: SegmentCondition,
      ctx: ConditionContext,
    ): Promise<{ count: number; matched: number }> {
      // The member facts the conditions test (accepted proofs, purchases) include every committed proof.
      await foldPendingFacts(db);
      const [row] = await queryRows<{ count: number | string; matched: number | string }>(
        db,
        sql`select count(*) filter (where m.following and ${marketingConsentSql(ctx.country)}) as count, count(*) as matched
            from members m where ${matchingMembersWhere(condition, ctx)}`,
      );
      return { count: Number(row?.count ?? 0), matched: Number(row?.matched ?? 0) };
    },

    async sampleMembers(
      condition: SegmentCondition,
      ctx: ConditionContext,
      limit: number,
    ): Promise<SegmentSampleMember[]> {
      await foldPendingFacts(db);
      const rows = await queryRows<{
        id: string;
        display_name: string | null;
        locale: string;
        region: string | null;
        registered_at: Date | string | null;
      }>(
        db,
        sql`select m.id, m.display_name, m.locale, m.region, m.registered_at from members m
            where ${reachableMembersWhere(condition, ctx)} order by m.id limit ${limit}`,
      );
      return rows.map((row) => ({
        id: row.id,
        displayName: row.display_name,
        locale: row.locale,
        region: row.region,
        registeredAt: row.registered_at === null ? null : new Date(row.registered_at),
      }));
    },
  };
}

export type SegmentsRepository = ReturnType<typeof createSegmentsRepository>;
