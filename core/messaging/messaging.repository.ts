import { and, eq, getTableColumns, inArray, sql } from 'drizzle-orm';
import { lineChannels } from '../brands/brands.table.js';
import { queryRows, type Executor } from '../db/database.js';
import { members } from '../members/members.table.js';
import type { IdGenerator } from '../shared/ids.js';
import { outboundMessages } from './messaging.table.js';
import type { LineMessage } from './messaging.types.js';

export type OutboundMessage = typeof outboundMessages.$inferSelect;

/** A message leased for sending, with what sending it needs (`claimDue`). */
export type ClaimedMessage = OutboundMessage & {
  /** An earlier reply attempt's outcome is unknown (it was marked attempted and never cleared). */
  earlierReplyUnknown: boolean;
  /** Its reply token is fresh (at the claim's `now`) and its channel known: it is sent as a reply. */
  replyUsable: boolean;
  /** The claim itself marked the reply attempted (a claim of one message); else mark it before sending. */
  replyMarked: boolean;
  /** Its channel's credentials; null when the channel is gone or not the brand's. */
  credentials: { lineChannelId: string; channelAccessToken: string } | null;
  /** Its member has unfollowed (a push is not sent). */
  memberUnfollowed: boolean;
};

/**
 * A sender's hold on a message: its id and `attempts` as the claim returned them (each claim adds one),
 * so a write made with it lands only while no other sender has claimed the message since.
 */
export type Claim = { id: string; attempts: number };

/** A message to record (`insertOnce`). */
export type NewOutbound = {
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
  awaitsDecision?: boolean;
  now: Date;
  /**
   * Recorded already leased to the caller (as `claimDue` would lease it: until `lockedUntil`, one
   * attempt), and its reply marked attempted when `replyAttemptedAt` is given.
   */
  leased?: { lockedUntil: Date; replyAttemptedAt: Date | undefined };
};

/** A reply whose token is still fresh at `nowIso` (SQL, on the outbound message being claimed). */
function replyUsableAt(nowIso: string) {
  return sql`(${outboundMessages.kind} = 'reply' and ${outboundMessages.replyToken} is not null
    and ${outboundMessages.toUserId} is not null
    and ${outboundMessages.replyDeadline} > ${nowIso}::timestamptz)`;
}

type DeliveredAs = 'reply' | 'push' | 'reply_consumed';

export function createMessagingRepository({ db, generateId }: { db: Executor; generateId: IdGenerator }) {
  /** One write to a claimed message, made only while the claim holds: true when it was made. */
  const updateClaimed = async (
    { id, attempts }: Claim,
    values: Partial<typeof outboundMessages.$inferInsert>,
  ): Promise<boolean> => {
    const rows = await db
      .update(outboundMessages)
      .set(values)
      .where(
        and(
          eq(outboundMessages.id, id),
          eq(outboundMessages.state, 'pending'),
          eq(outboundMessages.attempts, attempts),
        ),
      )
      .returning({ id: outboundMessages.id });
    return rows.length > 0;
  };

  /**
   * `markSent` for several messages in one statement; returns the ids it marked (a message left out: its
   * claim was lost). The same test as `updateClaimed`: the id, still pending, the claim's attempts.
   */
  const markSentMany = async ({
    sent,
    now,
  }: {
    sent: { claimedBy: Claim; deliveredAs: DeliveredAs }[];
    now: Date;
  }): Promise<Set<string>> => {
    if (sent.length === 0) return new Set();
    const rows = await queryRows<{ id: string }>(
      db,
      sql`update outbound_messages o
             set state = 'sent', delivered_as = v.delivered_as, sent_at = ${now.toISOString()}::timestamptz,
                 locked_until = null, last_error = null
            from (values ${sql.join(
              sent.map(
                ({ claimedBy, deliveredAs }) =>
                  sql`(${claimedBy.id}, ${claimedBy.attempts}::int, ${deliveredAs})`,
              ),
              sql`, `,
            )}) as v(id, attempts, delivered_as)
           where o.id = v.id and o.state = 'pending' and o.attempts = v.attempts
       returning o.id`,
    );
    return new Set(rows.map((row) => row.id));
  };

  const insertManyOnce = async (
    inputs: NewOutbound[],
  ): Promise<{ message: OutboundMessage; created: boolean }[]> => {
    if (inputs.length === 0) return [];
    const keyOf = (row: { brandId: string; dedupeKey: string }) => `${row.brandId}\u0000${row.dedupeKey}`;
    const created = await db
      .insert(outboundMessages)
      .values(
        inputs.map((input) => ({
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
          awaitsDecision: input.awaitsDecision ?? false,
          nextAttemptAt: input.now,
          createdAt: input.now,
          ...(input.leased
            ? {
                lockedUntil: input.leased.lockedUntil,
                attempts: 1,
                replyAttemptedAt: input.leased.replyAttemptedAt ?? null,
              }
            : { lockedUntil: null, attempts: 0, replyAttemptedAt: null }),
        })),
      )
      .onConflictDoNothing({ target: [outboundMessages.brandId, outboundMessages.dedupeKey] })
      .returning();
    const createdByKey = new Map(created.map((row) => [keyOf(row), row]));
    const missing = inputs.filter((input) => !createdByKey.has(keyOf(input)));
    const existing =
      missing.length === 0
        ? []
        : await db
            .select()
            .from(outboundMessages)
            .where(
              sql`(${outboundMessages.brandId}, ${outboundMessages.dedupeKey}) in (${sql.join(
                missing.map((input) => sql`(${input.brandId}, ${input.dedupeKey})`),
                sql`, `,
              )})`,
            );
    const existingByKey = new Map(existing.map((row) => [keyOf(row), row]));
    // The same key twice in `inputs`: the first is the one created, the second finds it.
    const claimedKeys = new Set<string>();
    return inputs.map((input) => {
      const key = keyOf(input);
      const row = createdByKey.get(key);
      if (row && !claimedKeys.has(key)) {
        claimedKeys.add(key);
        return { message: row, created: true };
      }
      return { message: (row ?? existingByKey.get(key)) as OutboundMessage, created: false };
    });
  };

  return {
    /** Records a message once per (brand, dedupe key); a second call returns the first row. */
    async insertOnce(input: NewOutbound): Promise<{ message: OutboundMessage; created: boolean }> {
      const [result] = await insertManyOnce([input]);
      return result as { message: OutboundMessage; created: boolean };
    },

    /** `insertOnce` for several messages in one statement (and one more only if some were there already). */
    insertManyOnce,

    /**
     * Takes a lease on messages due to be sent: pending, due, and not leased by a live sender. With `ids`,
     * only those (a worker sending what it just committed); otherwise the oldest due ones. One statement:
     * each message comes back with what its sending needs — its channel's credentials (when the channel
     * is the brand's), whether its member still follows, and whether an earlier reply's outcome is
     * unknown. A claim of one message (`limit` 1) whose reply token is still fresh at `now` also marks the
     * reply attempted (committed before LINE is called, as `markReplyAttempted` would: see
     * `replyAttemptedAt`); a claim of several does not, since they are sent one after the other and a
     * crash in between must not leave unsent replies marked (their tokens could expire: never delivered).
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
    }): Promise<ClaimedMessage[]> {
      if (ids && ids.length === 0) return [];
      const nowIso = now.toISOString();
      const markReply = limit === 1 || ids?.length === 1;
      const due = db
        .select({
          id: outboundMessages.id,
          earlierReplyAttemptedAt: sql<string | null>`${outboundMessages.replyAttemptedAt}`.as(
            'earlier_reply_attempted_at',
          ),
          lineChannelId: lineChannels.lineChannelId,
          channelAccessToken: lineChannels.channelAccessToken,
          memberFollowing: members.following,
        })
        .from(outboundMessages)
        .leftJoin(
          lineChannels,
          and(
            eq(lineChannels.id, outboundMessages.channelId),
            eq(lineChannels.brandId, outboundMessages.brandId),
          ),
        )
        .leftJoin(
          members,
          and(eq(members.id, outboundMessages.memberId), eq(members.brandId, outboundMessages.brandId)),
        )
        .where(
          and(
            eq(outboundMessages.state, 'pending'),
            sql`${outboundMessages.nextAttemptAt} <= ${nowIso}::timestamptz`,
            sql`(${outboundMessages.lockedUntil} is null or ${outboundMessages.lockedUntil} < ${nowIso}::timestamptz)`,
            ids ? inArray(outboundMessages.id, ids) : undefined,
          ),
        )
        .orderBy(outboundMessages.createdAt)
        .limit(limit)
        .for('update', { of: outboundMessages, skipLocked: true })
        .as('due');
      const rows = await db
        .update(outboundMessages)
        .set({
          lockedUntil: new Date(now.getTime() + leaseMs),
          attempts: sql`${outboundMessages.attempts} + 1`,
          ...(markReply
            ? {
                replyAttemptedAt: sql`case when ${replyUsableAt(nowIso)} and ${due.lineChannelId} is not null
                  then ${nowIso}::timestamptz else ${outboundMessages.replyAttemptedAt} end`,
              }
            : {}),
        })
        .from(due)
        .where(eq(outboundMessages.id, due.id))
        .returning({
          ...getTableColumns(outboundMessages),
          earlierReplyAttemptedAt: due.earlierReplyAttemptedAt,
          lineChannelId: due.lineChannelId,
          channelAccessToken: due.channelAccessToken,
          memberFollowing: due.memberFollowing,
          // On the new row's values (kind, token, deadline are not changed by the SET).
          replyUsable: sql<boolean>`(${replyUsableAt(nowIso)} and ${due.lineChannelId} is not null)`,
        });
      return rows
        .map(
          ({ earlierReplyAttemptedAt, lineChannelId, channelAccessToken, memberFollowing, ...message }) => ({
            ...message,
            replyMarked: markReply && message.replyUsable,
            earlierReplyUnknown: earlierReplyAttemptedAt !== null,
            credentials:
              lineChannelId !== null && channelAccessToken !== null
                ? { lineChannelId, channelAccessToken }
                : null,
            memberUnfollowed: memberFollowing === false,
          }),
        )
        .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
    },

    /**
     * Marks a claimed message sent. Like every write below that follows a claim, it holds only while the
     * writer still holds its claim (`claimedBy`: the message's `attempts` as its claim returned them, and
     * the message still pending): a sender whose lease lapsed and whose message another sender has claimed
     * since writes nothing (false), so it never records an outcome over the other sender's, nor a `failed`
     * over its `sent`.
     */
    async markSent({
      claimedBy,
      deliveredAs,
      now,
    }: {
      claimedBy: Claim;
      deliveredAs: DeliveredAs;
      now: Date;
    }): Promise<boolean> {
      return (await markSentMany({ sent: [{ claimedBy, deliveredAs }], now })).has(claimedBy.id);
    },

    markSentMany,

    /**
     * Recorded (committed) before a reply goes to LINE (`clearRefusedReply` when LINE refused it). False:
     * the claim was lost (another sender took the message), so this sender must not send it.
     */
    async markReplyAttempted({ claimedBy, now }: { claimedBy: Claim; now: Date }): Promise<boolean> {
      return updateClaimed(claimedBy, { replyAttemptedAt: now });
    },

    /**
     * LINE refused this sender's reply without delivering it: clears the mark so a push may follow, but
     * only while no other sender has claimed the message since this one did (`attempts` counts claims).
     * False when one has: its lease lapsed while the reply was in flight, and the other sender's reply
     * may be what used the token; that sender answers the message, this one must not push it as well.
     */
    async clearRefusedReply({ claimedBy }: { claimedBy: Claim }): Promise<boolean> {
      return updateClaimed(claimedBy, { replyAttemptedAt: null });
    },

    /**
     * Parked without sending: an earlier reply may have been delivered and its token has expired, so a
     * push could deliver the answer twice. False: the claim was lost.
     */
    async markReplyUnknown({ claimedBy, reason }: { claimedBy: Claim; reason: string }): Promise<boolean> {
      return updateClaimed(claimedBy, {
        state: 'failed',
        deliveredAs: 'reply_unknown',
        lastError: reason,
        lockedUntil: null,
      });
    },

    /**
     * A failed attempt: tried again after `retryAt`, or parked as failed (`retryAt` undefined). False: the
     * claim was lost (another sender holds the message, or has already recorded its outcome).
     */
    async markAttemptFailed({
      claimedBy,
      error,
      retryAt,
    }: {
      claimedBy: Claim;
      error: string;
      retryAt: Date | undefined;
    }): Promise<boolean> {
      return updateClaimed(
        claimedBy,
        retryAt
          ? { lastError: error, nextAttemptAt: retryAt, lockedUntil: null }
          : { state: 'failed', lastError: error, lockedUntil: null },
      );
    },

    /** A message that will not be sent (the member unfollowed): parked with the reason. False: claim lost. */
    async markSkipped({ claimedBy, reason }: { claimedBy: Claim; reason: string }): Promise<boolean> {
      return updateClaimed(claimedBy, { state: 'failed', lastError: reason, lockedUntil: null });
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
