import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { broadcastChunks, broadcastLinks, broadcastRecipients, broadcasts } from './broadcasts.table.js';

export type Broadcast = typeof broadcasts.$inferSelect;
export type BroadcastChunk = typeof broadcastChunks.$inferSelect;
export type NewRecipient = typeof broadcastRecipients.$inferInsert;
export type NewChunk = typeof broadcastChunks.$inferInsert;
export type NewLink = typeof broadcastLinks.$inferInsert;

/** One frozen recipient: the broadcast, its brand and the time are the statement's. */
export type FrozenRecipient = Pick<
  NewRecipient,
  'memberId' | 'lineUserId' | 'groupKey' | 'chunkNo' | 'status' | 'skipReason'
>;

/**
 * Recipients are written a column at a time: each column one JSON array of strings, zipped back into rows
 * by `rows from (jsonb_array_elements_text(…), …)`. 100,000 recipients are 2 statements of 6 parameters,
 * not 100 statements of 9,000, and no row objects: PostgreSQL parses a flat array of 100 k strings in
 * ~0.2 s, where the same rows as 100 k JSON objects took 3.6 s (docs/decisions/011, "Freezing recipients").
 */
const RECIPIENT_SLICE = 50_000;
const CHUNK_SLICE = 100;
/** Tracked links (one per member and link) go through the ORM, in slices. */
const INSERT_SLICE = 1_000;

const column = (values: readonly (string | number | null | undefined)[]) =>
  sql`jsonb_array_elements_text(${JSON.stringify(values.map((value) => (value === undefined ? null : value)))}::jsonb)`;

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

    async insertRecipients(
      { brandId, broadcastId, createdAt }: { brandId: string; broadcastId: string; createdAt: Date },
      rows: FrozenRecipient[],
    ) {
      for (let start = 0; start < rows.length; start += RECIPIENT_SLICE) {
        const slice = rows.slice(start, start + RECIPIENT_SLICE);
        await db.execute(
          sql`insert into broadcast_recipients (brand_id, broadcast_id, member_id, line_user_id, group_key,
                chunk_no, status, skip_reason, created_at)
              select ${brandId}, ${broadcastId}, x.m, x.u, x.g, x.c::integer, x.s, x.r, ${createdAt}
              from rows from (
                ${column(slice.map((row) => row.memberId))}, ${column(slice.map((row) => row.lineUserId))},
                ${column(slice.map((row) => row.groupKey))}, ${column(slice.map((row) => row.chunkNo))},
                ${column(slice.map((row) => row.status))}, ${column(slice.map((row) => row.skipReason))}
              ) as x(m, u, g, c, s, r)`,
        );
      }
    },

    async insertChunks(rows: NewChunk[]) {
      for (let start = 0; start < rows.length; start += CHUNK_SLICE) {
        const slice = rows.slice(start, start + CHUNK_SLICE).map((row) => ({
          id: row.id,
          b: row.brandId,
          bc: row.broadcastId,
          no: row.chunkNo,
          u: row.lineUserIds,
          msg: row.messages ?? [],
          k: row.retryKey,
          s: row.state ?? 'pending',
        }));
        await db.execute(
          sql`insert into broadcast_chunks (id, brand_id, broadcast_id, chunk_no, line_user_ids, messages,
                retry_key, state)
              select x.id, x.b, x.bc, x.no, x.u, x.msg, x.k, x.s
              from jsonb_to_recordset(${JSON.stringify(slice)}::jsonb)
                as x(id text, b text, bc text, no integer, u jsonb, msg jsonb, k text, s text)`,
        );
      }
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
