import { and, desc, eq, ne, sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';
import { queryRows } from '../db/database.js';
import { members } from '../members/members.table.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { auditRewardsChange, type RewardsAudit } from './rewards.audit.js';
import { getRewardOrThrow } from './catalog.usecases.js';
import {
  appendLedgerRow,
  findLedgerRowByKey,
  getPointsBalance,
  lockMemberPoints,
  settleExpiredPoints,
} from './points.ledger.js';
import { buildRedemptionMessages, type RewardsNotifier } from './rewards.notifications.js';
import {
  createInsufficientPointsError,
  createRedemptionNotFoundError,
  createRedemptionStateError,
  createRewardLimitReachedError,
  createRewardNotAvailableError,
  createRewardOutOfStockError,
} from './rewards.errors.js';
import { couponCodes, redemptions, rewards } from './rewards.table.js';

export type Redemption = typeof redemptions.$inferSelect;

export type RedeemResult = {
  redemption: Redemption;
  couponCode?: string;
  balance: number;
  /** True when the idempotency key had already been used: the first answer is returned again. */
  replayed: boolean;
};

/**
 * Redeems a reward for points in ONE transaction. Correctness under concurrency comes from, in order:
 * the member's advisory lock (balance check and debit see the same ledger: points never go below zero, the
 * per-member limit holds, a repeated idempotency key finds the first redemption); a conditional
 * `UPDATE … SET stock_left = stock_left - 1 WHERE stock_left > 0` (the row lock serialises buyers of the
 * same reward and the re-checked condition stops at zero: never oversold); a coupon code claimed with
 * `FOR UPDATE SKIP LOCKED` and bound by a unique redemption id (one code, one member). Any refusal throws
 * and rolls everything back.
 */
export async function redeemReward({
  db,
  generateId,
  clock,
  notifier,
  brandId,
  memberId,
  rewardId,
  idempotencyKey,
}: {
  db: Database;
  generateId: IdGenerator;
  clock: Clock;
  notifier?: RewardsNotifier;
  brandId: string;
  memberId: string;
  rewardId: string;
  /** One per redemption request (the client's retry sends the same one). */
  idempotencyKey: string;
}): Promise<RedeemResult> {
  return db.transaction(async (tx) => {
    const now = clock.now();
    await lockMemberPoints(tx, memberId);
    // Scoped by member so one member's key can never collide with (or reveal) another's.
    const scopedKey = `${memberId}:${idempotencyKey}`;
    const [existing] = await tx
      .select()
      .from(redemptions)
      .where(and(eq(redemptions.brandId, brandId), eq(redemptions.idempotencyKey, scopedKey)))
      .limit(1);
    if (existing) {
      const code = existing.couponCodeId ? await getCouponCode(tx, existing.couponCodeId) : undefined;
      return {
        redemption: existing,
        ...(code ? { couponCode: code } : {}),
        balance: await getPointsBalance(tx, { brandId, memberId }),
        replayed: true,
      };
    }

    await settleExpiredPoints(tx, { generateId, clock, brandId, memberId });
    const reward = await getRewardOrThrow(tx, { brandId, rewardId });
    if (
      !reward.active ||
      (reward.validFrom && reward.validFrom > now) ||
      (reward.validTo && reward.validTo <= now)
    )
      throw createRewardNotAvailableError({ details: { rewardId } });

    if (reward.perMemberLimit != null) {
      const [row] = await tx
        .select({ count: sql<number>`count(*)::int` })
        .from(redemptions)
        .where(
          and(
            eq(redemptions.memberId, memberId),
            eq(redemptions.rewardId, rewardId),
            ne(redemptions.state, 'cancelled'),
          ),
        );
      if (Number(row?.count ?? 0) >= reward.perMemberLimit)
        throw createRewardLimitReachedError({ details: { limit: reward.perMemberLimit } });
    }

    const balance = await getPointsBalance(tx, { brandId, memberId });
    if (balance < reward.pointsPrice)
      throw createInsufficientPointsError({ details: { balance, price: reward.pointsPrice } });

    const taken = await tx
      .update(rewards)
      .set({ stockLeft: sql`${rewards.stockLeft} - 1`, updatedAt: now })
      .where(and(eq(rewards.id, rewardId), sql`${rewards.stockLeft} > 0`))
      .returning({ stockLeft: rewards.stockLeft });
    if (taken.length === 0) throw createRewardOutOfStockError({ details: { rewardId } });

    let coupon: { id: string; code: string } | undefined;
    if (reward.kind === 'coupon') {
      const [free] = await queryRows<{ id: string; code: string }>(
        tx,
        sql`select id, code from ${couponCodes}
            where reward_id = ${rewardId} and redemption_id is null
            order by id limit 1 for update skip locked`,
      );
      if (!free) throw createRewardOutOfStockError({ details: { rewardId, reason: 'no_coupon_code' } });
      coupon = free;
    }

    const redemptionId = generateId('redemption');
    const isCoupon = reward.kind === 'coupon';
    const [redemption] = await tx
      .insert(redemptions)
      .values({
        id: redemptionId,
        brandId,
        memberId,
        rewardId,
        points: reward.pointsPrice,
        // A coupon is delivered the moment its code is shown; an item waits for the brand to hand it over.
        state: isCoupon ? 'fulfilled' : 'reserved',
        couponCodeId: coupon?.id ?? null,
        idempotencyKey: scopedKey,
        fulfilledAt: isCoupon ? now : null,
        closedBy: isCoupon ? 'system' : null,
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    if (coupon) {
      await tx
        .update(couponCodes)
        .set({ redemptionId, assignedAt: now })
        .where(and(eq(couponCodes.id, coupon.id), sql`${couponCodes.redemptionId} is null`));
    }
    await appendLedgerRow(tx, {
      generateId,
      clock,
      row: {
        brandId,
        memberId,
        campaignId: reward.campaignId,
        kind: 'redeem',
        points: -reward.pointsPrice,
        redemptionId,
        actor: 'member',
        idempotencyKey: `redeem:${redemptionId}`,
      },
    });

    if (notifier) {
      const [member] = await tx
        .select({ locale: members.locale })
        .from(members)
        .where(and(eq(members.brandId, brandId), eq(members.id, memberId)))
        .limit(1);
      await notifier({
        tx,
        brandId,
        memberId,
        dedupeKey: `redemption:${redemptionId}`,
        messages: buildRedemptionMessages({
          locale: member?.locale,
          rewardName: reward.name,
          points: reward.pointsPrice,
          ...(coupon ? { couponCode: coupon.code } : {}),
        }),
      });
    }

    return {
      redemption: redemption as Redemption,
      ...(coupon ? { couponCode: coupon.code } : {}),
      balance: await getPointsBalance(tx, { brandId, memberId }),
      replayed: false,
    };
  });
}

async function getCouponCode(tx: Parameters<typeof getRewardOrThrow>[0], couponCodeId: string) {
  const [row] = await tx
    .select({ code: couponCodes.code })
    .from(couponCodes)
    .where(eq(couponCodes.id, couponCodeId))
    .limit(1);
  return row?.code;
}

/** The brand handed the item over: reserved → fulfilled. */
export async function fulfillRedemption({
  db,
  clock,
  brandId,
  redemptionId,
  actor,
  audit,
}: {
  db: Database;
  clock: Clock;
  brandId: string;
  redemptionId: string;
  actor: string;
  /** The console user: `redemption.fulfilled` in the fulfilling transaction; none for a repeat. */
  audit?: RewardsAudit;
}): Promise<Redemption> {
  const now = clock.now();
  const updated = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(redemptions)
      .set({ state: 'fulfilled', fulfilledAt: now, closedBy: actor, updatedAt: now })
      .where(
        and(
          eq(redemptions.brandId, brandId),
          eq(redemptions.id, redemptionId),
          eq(redemptions.state, 'reserved'),
        ),
      )
      .returning();
    if (row)
      await auditRewardsChange(tx, audit, {
        action: 'redemption.fulfilled',
        targetType: 'redemption',
        targetId: redemptionId,
        data: { memberId: row.memberId, rewardId: row.rewardId },
      });
    return row;
  });
  if (updated) return updated;
  const [current] = await db
    .select()
    .from(redemptions)
    .where(and(eq(redemptions.brandId, brandId), eq(redemptions.id, redemptionId)));
  if (!current) throw createRedemptionNotFoundError({ details: { redemptionId } });
  if (current.state === 'fulfilled') return current;
  throw createRedemptionStateError({ details: { state: current.state, wanted: 'fulfilled' } });
}

/**
 * reserved → cancelled: the item goes back to stock and the points come back as a new `reverse` row that
 * restores the very lots the redemption consumed (so cancelling never extends the points' life; points
 * whose date passed meanwhile expire at once). Cancelling twice is a no-op.
 */
export async function cancelRedemption({
  db,
  generateId,
  clock,
  brandId,
  redemptionId,
  actor,
  reason,
  audit,
}: {
  db: Database;
  generateId: IdGenerator;
  clock: Clock;
  brandId: string;
  redemptionId: string;
  actor: string;
  reason: string;
  /** The console user: `redemption.cancelled` in the cancelling transaction; none for a repeat. */
  audit?: RewardsAudit;
}): Promise<{ redemption: Redemption; pointsReturned: number; balance: number }> {
  return db.transaction(async (tx) => {
    const now = clock.now();
    const [found] = await tx
      .select({ memberId: redemptions.memberId })
      .from(redemptions)
      .where(and(eq(redemptions.brandId, brandId), eq(redemptions.id, redemptionId)));
    if (!found) throw createRedemptionNotFoundError({ details: { redemptionId } });
    await lockMemberPoints(tx, found.memberId);
    const [current] = await tx
      .select()
      .from(redemptions)
      .where(eq(redemptions.id, redemptionId))
      .for('update');
    if (!current) throw createRedemptionNotFoundError({ details: { redemptionId } });
    const memberKey = { brandId, memberId: current.memberId };
    if (current.state === 'cancelled')
      return { redemption: current, pointsReturned: 0, balance: await getPointsBalance(tx, memberKey) };
    if (current.state !== 'reserved')
      throw createRedemptionStateError({ details: { state: current.state, wanted: 'cancelled' } });

    const [cancelled] = await tx
      .update(redemptions)
      .set({ state: 'cancelled', cancelledAt: now, closedBy: actor, cancelReason: reason, updatedAt: now })
      .where(eq(redemptions.id, redemptionId))
      .returning();
    await tx
      .update(rewards)
      .set({ stockLeft: sql`${rewards.stockLeft} + 1`, updatedAt: now })
      .where(eq(rewards.id, current.rewardId));
    const redeemRow = await findLedgerRowByKey(tx, { brandId, idempotencyKey: `redeem:${redemptionId}` });
    await appendLedgerRow(tx, {
      generateId,
      clock,
      row: {
        ...memberKey,
        campaignId: redeemRow?.campaignId ?? null,
        kind: 'reverse',
        points: current.points,
        redemptionId,
        reversesId: redeemRow?.id ?? null,
        reason,
        actor,
        idempotencyKey: `refund:${redemptionId}`,
      },
    });
    await settleExpiredPoints(tx, { generateId, clock, ...memberKey });
    await auditRewardsChange(tx, audit, {
      action: 'redemption.cancelled',
      targetType: 'redemption',
      targetId: redemptionId,
      data: {
        memberId: current.memberId,
        rewardId: current.rewardId,
        pointsReturned: current.points,
        reason,
      },
    });
    return {
      redemption: cancelled as Redemption,
      pointsReturned: current.points,
      balance: await getPointsBalance(tx, memberKey),
    };
  });
}

export type MemberRedemption = Redemption & {
  rewardName: Record<string, string>;
  rewardKind: 'item' | 'coupon';
  couponCode: string | null;
};

export async function listMemberRedemptions({
  db,
  brandId,
  memberId,
  limit = 50,
}: {
  db: Database;
  brandId: string;
  memberId: string;
  limit?: number;
}): Promise<MemberRedemption[]> {
  const rows = await db
    .select({
      redemption: redemptions,
      rewardName: rewards.name,
      rewardKind: rewards.kind,
      couponCode: couponCodes.code,
    })
    .from(redemptions)
    .innerJoin(rewards, eq(rewards.id, redemptions.rewardId))
    .leftJoin(couponCodes, eq(couponCodes.id, redemptions.couponCodeId))
    .where(and(eq(redemptions.brandId, brandId), eq(redemptions.memberId, memberId)))
    .orderBy(desc(redemptions.createdAt), desc(redemptions.id))
    .limit(limit);
  return rows.map((row) => ({
    ...row.redemption,
    rewardName: row.rewardName as Record<string, string>,
    rewardKind: row.rewardKind,
    couponCode: row.couponCode ?? null,
  }));
}
