import { and, eq, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { outboundMessages } from './messaging.table.js';
import type { LineMessage } from './messaging.types.js';

export type OutboundMessage = typeof outboundMessages.$inferSelect;

export function createMessagingRepository({ db, generateId }: { db: Executor; generateId: IdGenerator }) {
  return {
    /** Records a message once per (brand, dedupe key); a second call returns the first row. */
    async insertOnce(input: {
      brandId: string;
      channelId: string;
      memberId: string | undefined;
      toUserId: string;
      kind: 'reply' | 'push';
      dedupeKey: string;
      retryKey: string;
      replyToken: string | undefined;
      replyDeadline: Date | undefined;
      messages: LineMessage[];
      now: Date;
    }): Promise<{ message: OutboundMessage; created: boolean }> {
      const [created] = await db
        .insert(outboundMessages)
        .values({
          id: generateId('outboundMessage'),
          brandId: input.brandId,
          channelId: input.channelId,
          memberId: input.memberId,
          toUserId: input.toUserId,
          kind: input.kind,
          dedupeKey: input.dedupeKey,
          retryKey: input.retryKey,
          replyToken: input.replyToken,
          replyDeadline: input.replyDeadline,
          messages: input.messages,
          nextAttemptAt: input.now,
          createdAt: input.now,
        })
        .onConflictDoNothing({ target: [outboundMessages.brandId, outboundMessages.dedupeKey] })
        .returning();
      if (created) return { message: created, created: true };
      const [existing] = await db
        .select()
        .from(outboundMessages)
        .where(
          and(eq(outboundMessages.brandId, input.brandId), eq(outboundMessages.dedupeKey, input.dedupeKey)),
        )
        .limit(1);
      return { message: existing as OutboundMessage, created: false };
    },

    /**
     * Takes a lease on messages due to be sent: pending, due, and not leased by a live sender. With `ids`,
     * only those (a worker sending what it just committed); otherwise the oldest due ones.
     */
    async claimDue({
      now,
      leaseMs,
      limit,
      ids,
    }: {
      now: Date;
      leaseMs: number;
      limit: number;
      ids?: string[];
    }): Promise<OutboundMessage[]> {
      if (ids && ids.length === 0) return [];
      const lockedUntil = new Date(now.getTime() + leaseMs);
      const idFilter = ids
        ? sql`and id in (${sql.join(
            ids.map((id) => sql`${id}`),
            sql`, `,
          )})`
        : sql``;
      const rows = await queryRows<{ id: string }>(
        db,
        sql`update outbound_messages set locked_until = ${lockedUntil.toISOString()}::timestamptz, attempts = attempts + 1
            where id in (
              select id from outbound_messages
              where state = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz
                and (locked_until is null or locked_until < ${now.toISOString()}::timestamptz)
                ${idFilter}
              order by created_at
              limit ${limit}
              for update skip locked)
            returning id`,
      );
      if (rows.length === 0) return [];
      return db
        .select()
        .from(outboundMessages)
        .where(
          sql`${outboundMessages.id} in (${sql.join(
            rows.map((row) => sql`${row.id}`),
            sql`, `,
          )})`,
        )
        .orderBy(outboundMessages.createdAt);
    },

    async markSent({
      id,
      deliveredAs,
      now,
    }: {
      id: string;
      deliveredAs: 'reply' | 'push' | 'reply_consumed';
      now: Date;
    }): Promise<void> {
      await db
        .update(outboundMessages)
        .set({ state: 'sent', deliveredAs, sentAt: now, lockedUntil: null, lastError: null })
        .where(eq(outboundMessages.id, id));
    },

    /** Recorded (committed) before a reply goes to LINE; `clear` when LINE said it was not delivered. */
    async markReplyAttempted({ id, now }: { id: string; now: Date | null }): Promise<void> {
      await db.update(outboundMessages).set({ replyAttemptedAt: now }).where(eq(outboundMessages.id, id));
    },

    /**
     * Parked without sending: an earlier reply may have been delivered and its token has expired, so a
     * push could deliver the answer twice.
     */
    async markReplyUnknown({ id, reason }: { id: string; reason: string }): Promise<void> {
      await db
        .update(outboundMessages)
        .set({ state: 'failed', deliveredAs: 'reply_unknown', lastError: reason, lockedUntil: null })
        .where(eq(outboundMessages.id, id));
    },

    /** A failed attempt: tried again after `retryAt`, or parked as failed (`retryAt` undefined). */
    async markAttemptFailed({
      id,
      error,
      retryAt,
    }: {
      id: string;
      error: string;
      retryAt: Date | undefined;
    }): Promise<void> {
      await db
        .update(outboundMessages)
        .set(
          retryAt
            ? { lastError: error, nextAttemptAt: retryAt, lockedUntil: null }
            : { state: 'failed', lastError: error, lockedUntil: null },
        )
        .where(eq(outboundMessages.id, id));
    },

    /** A message that will not be sent (the member unfollowed): parked with the reason. */
    async markSkipped({ id, reason }: { id: string; reason: string }): Promise<void> {
      await db
        .update(outboundMessages)
        .set({ state: 'failed', lastError: reason, lockedUntil: null })
        .where(eq(outboundMessages.id, id));
    },

    async listByMember({
      brandId,
      memberId,
    }: {
      brandId: string;
      memberId: string;
    }): Promise<OutboundMessage[]> {
      return db
        .select()
        .from(outboundMessages)
        .where(and(eq(outboundMessages.brandId, brandId), eq(outboundMessages.memberId, memberId)))
        .orderBy(outboundMessages.createdAt);
    },
  };
}

export type MessagingRepository = ReturnType<typeof createMessagingRepository>;
