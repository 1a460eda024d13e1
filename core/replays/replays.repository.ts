import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import type { ReplayResult } from './replays.models.js';
import { campaignReplays } from './replays.table.js';

export type CampaignReplay = typeof campaignReplays.$inferSelect;

export function createReplaysRepository({ db, generateId }: { db: Executor; generateId: IdGenerator }) {
  return {
    async insertReplay(values: Omit<typeof campaignReplays.$inferInsert, 'id'>): Promise<CampaignReplay> {
      const [row] = await db
        .insert(campaignReplays)
        .values({ ...values, id: generateId('campaignReplay') })
        .returning();
      return row as CampaignReplay;
    },

    async getReplay({
      brandId,
      campaignId,
      replayId,
    }: {
      brandId: string;
      campaignId: string;
      replayId: string;
    }) {
      const [row] = await db
        .select()
        .from(campaignReplays)
        .where(
          and(
            eq(campaignReplays.id, replayId),
            eq(campaignReplays.brandId, brandId),
            eq(campaignReplays.campaignId, campaignId),
          ),
        )
        .limit(1);
      return row;
    },

    /**
     * Takes the oldest queued replay (or a running one whose worker's lease lapsed) and leases it, in one
     * statement: two workers never take the same one.
     */
    async claimNextReplay({
      now,
      leaseMs,
    }: {
      now: Date;
      leaseMs: number;
    }): Promise<CampaignReplay | undefined> {
      const until = new Date(now.getTime() + leaseMs).toISOString();
      const [row] = await queryRows<{ id: string }>(
        db,
        sql`update ${campaignReplays}
            set state = 'running', lease_until = ${until}::timestamptz, started_at = ${now.toISOString()}::timestamptz,
                processed = 0
            where id = (
              select id from ${campaignReplays}
              where state = 'queued' or (state = 'running' and lease_until < ${now.toISOString()}::timestamptz)
              order by created_at
              for update skip locked
              limit 1)
            returning id`,
      );
      if (!row) return undefined;
      const [claimed] = await db.select().from(campaignReplays).where(eq(campaignReplays.id, row.id));
      return claimed;
    },

    async recordProgress({
      replayId,
      total,
      processed,
      leaseUntil,
    }: {
      replayId: string;
      total?: number;
      processed: number;
      leaseUntil: Date;
    }) {
      await db
        .update(campaignReplays)
        .set({ processed, leaseUntil, ...(total === undefined ? {} : { total }) })
        .where(and(eq(campaignReplays.id, replayId), eq(campaignReplays.state, 'running')));
    },

    async finishReplay({ replayId, result, now }: { replayId: string; result: ReplayResult; now: Date }) {
      await db
        .update(campaignReplays)
        .set({ state: 'done', result, processed: result.total, finishedAt: now, leaseUntil: null })
        .where(eq(campaignReplays.id, replayId));
    },

    async failReplay({ replayId, error, now }: { replayId: string; error: string; now: Date }) {
      await db
        .update(campaignReplays)
        .set({ state: 'failed', lastError: error.slice(0, 2_000), finishedAt: now, leaseUntil: null })
        .where(eq(campaignReplays.id, replayId));
    },
  };
}

export type ReplaysRepository = ReturnType<typeof createReplaysRepository>;
