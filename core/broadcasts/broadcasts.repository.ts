import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { broadcastChunks, broadcastLinks, broadcastRecipients, broadcasts } from './broadcasts.table.js';

export type Broadcast = typeof broadcasts.$inferSelect;
export type BroadcastChunk = typeof broadcastChunks.$inferSelect;
export type NewRecipient = typeof broadcastRecipients.$inferInsert;
export type NewChunk = typeof broadcastChunks.$inferInsert;
export type NewLink = typeof broadcastLinks.$inferInsert;

/** Rows are inserted in slices: 100,000 recipients must not become one statement of 800,000 parameters. */
const INSERT_SLICE = 1_000;

export function createBroadcastsRepository(db: Executor) {
  return {
    async getBroadcast(brandId: string, id: string, { lock = false } = {}): Promise<Broadcast | undefined> {
      const query = db
        .select()
        .from(broadcasts)
        .where(and(eq(broadcasts.brandId, brandId), eq(broadcasts.id, id)));
      const [row] = lock ? await query.for('update') : await query;
      return row;
    },

    async updateBroadcast(id: string, values: Partial<typeof broadcasts.$inferInsert>) {
      await db.update(broadcasts).set(values).where(eq(broadcasts.id, id));
    },

    async insertRecipients(rows: NewRecipient[]) {
      for (let start = 0; start < rows.length; start += INSERT_SLICE)
        await db.insert(broadcastRecipients).values(rows.slice(start, start + INSERT_SLICE));
    },

    async insertChunks(rows: NewChunk[]) {
      for (let start = 0; start < rows.length; start += INSERT_SLICE / 10)
        await db.insert(broadcastChunks).values(rows.slice(start, start + INSERT_SLICE / 10));
    },

    async insertLinks(rows: NewLink[]) {
      for (let start = 0; start < rows.length; start += INSERT_SLICE)
        await db.insert(broadcastLinks).values(rows.slice(start, start + INSERT_SLICE));
    },

    async listChunks(broadcastId: string): Promise<BroadcastChunk[]> {
      return db
        .select()
        .from(broadcastChunks)
        .where(eq(broadcastChunks.broadcastId, broadcastId))
        .orderBy(asc(broadcastChunks.chunkNo));
    },

    async countRecipients(broadcastId: string) {
      return queryRows<{ status: string; skip_reason: string | null; group_key: string; n: number | string }>(
        db,
        sql`select status, skip_reason, group_key, count(*) as n from broadcast_recipients
            where broadcast_id = ${broadcastId} group by status, skip_reason, group_key`,
      );
    },

    async pointsOf(memberIds: string[]): Promise<Map<string, number>> {
      if (memberIds.length === 0) return new Map();
      const rows = await queryRows<{ member_id: string; points: number | string }>(
        db,
        sql`select member_id, coalesce(sum(points), 0) as points from points_ledger
            where member_id in (select jsonb_array_elements_text(${JSON.stringify(memberIds)}::jsonb))
            group by member_id`,
      );
      return new Map(rows.map((row) => [row.member_id, Number(row.points)]));
    },

    async cancelPendingChunks(broadcastId: string) {
      const cancelled = await db
        .update(broadcastChunks)
        .set({ state: 'cancelled' })
        .where(
          and(
            eq(broadcastChunks.broadcastId, broadcastId),
            inArray(broadcastChunks.state, ['pending', 'waiting_quiet_hours']),
          ),
        )
        .returning({ chunkNo: broadcastChunks.chunkNo });
      const numbers = cancelled.map((chunk) => chunk.chunkNo);
      if (numbers.length > 0)
        await db
          .update(broadcastRecipients)
          .set({ status: 'cancelled' })
          .where(
            and(
              eq(broadcastRecipients.broadcastId, broadcastId),
              inArray(broadcastRecipients.chunkNo, numbers),
            ),
          );
      return numbers.length;
    },
  };
}
