import { and, desc, eq, inArray, isNull, lt, sql, type SQL } from 'drizzle-orm';
import type { LocalizedText } from '../campaigns/index.js';
import type { Database, Executor } from '../db/database.js';
import { members } from '../members/members.table.js';
import type { Reward } from './catalog.usecases.js';
import { instantPrizeScheduleSchema, type InstantPrizeSchedule } from './instant-win.models.js';
import type { InstantPrize } from './instant-win.usecases.js';
import {
  createInstantPrizeNotFoundError,
  createInvalidInstantPrizeError,
  createInvalidRewardError,
  createRewardNotFoundError,
} from './rewards.errors.js';
import { auditRewardsChange, changedFields, type RewardsAudit } from './rewards.audit.js';
import { couponCodes, instantPlays, instantPrizes, redemptions, rewards } from './rewards.table.js';

/** Below this many left (when a reward names no threshold of its own) the console flags the stock as low. */
export const DEFAULT_LOW_STOCK_AT = 10;

export type ConsoleReward = Reward & {
  /** Coupon rewards: codes not yet handed out (equals `stockLeft` unless someone edited rows by hand). */
  couponCodesLeft: number | null;
  /** Redemptions not cancelled. */
  redeemedCount: number;
  /** `stockLeft` at or below the reward's `lowStockAt` (or DEFAULT_LOW_STOCK_AT). */
  lowStock: boolean;
};

/** Every reward of the brand for the console (inactive and out-of-window ones too), newest first. */
export async function listConsoleRewards({
  db,
  brandId,
}: {
  db: Executor;
  brandId: string;
}): Promise<ConsoleReward[]> {
  const rows = await db
    .select()
    .from(rewards)
    .where(eq(rewards.brandId, brandId))
    .orderBy(desc(rewards.createdAt), desc(rewards.id));
  return decorateRewards(db, rows);
}

export async function getConsoleRewardOrThrow({
  db,
  brandId,
  rewardId,
}: {
  db: Executor;
  brandId: string;
  rewardId: string;
}): Promise<ConsoleReward> {
  const rows = await db
    .select()
    .from(rewards)
    .where(and(eq(rewards.brandId, brandId), eq(rewards.id, rewardId)))
    .limit(1);
  if (rows.length === 0)
    throw createRewardNotFoundError({
      message: `No reward "${rewardId}" on this brand`,
      details: { rewardId },
    });
  return (await decorateRewards(db, rows))[0] as ConsoleReward;
}

async function decorateRewards(db: Executor, rows: Reward[]): Promise<ConsoleReward[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((row) => row.id);
  const free = await db
    .select({ rewardId: couponCodes.rewardId, count: sql<number>`count(*)::int` })
    .from(couponCodes)
    .where(and(inArray(couponCodes.rewardId, ids), isNull(couponCodes.redemptionId)))
    .groupBy(couponCodes.rewardId);
  const redeemed = await db
    .select({ rewardId: redemptions.rewardId, count: sql<number>`count(*)::int` })
    .from(redemptions)
    .where(and(inArray(redemptions.rewardId, ids), sql`${redemptions.state} <> 'cancelled'`))
    .groupBy(redemptions.rewardId);
  const freeBy = new Map(free.map((row) => [row.rewardId, Number(row.count)]));
  const redeemedBy = new Map(redeemed.map((row) => [row.rewardId, Number(row.count)]));
  return rows.map((row) => ({
    ...row,
    couponCodesLeft: row.kind === 'coupon' ? (freeBy.get(row.id) ?? 0) : null,
    redeemedCount: redeemedBy.get(row.id) ?? 0,
    lowStock: row.stockLeft <= (row.lowStockAt ?? DEFAULT_LOW_STOCK_AT),
  }));
}

export type RewardPatch = {
  name?: LocalizedText;
  description?: LocalizedText | null;
  imageUrl?: string | null;
  pointsPrice?: number;
  /** Items only: the new total stock; what is left moves by the same difference. */
  stockTotal?: number;
  perMemberLimit?: number | null;
  validFrom?: Date | null;
  validTo?: Date | null;
  active?: boolean;
  lowStockAt?: number | null;
};

/**
 * Edits a reward under its row lock. A stock change moves `stockTotal` and `stockLeft` by the same amount,
 * so redemptions running at the same time keep their count; it is refused when it would take away stock
 * already handed out. Coupon stock follows the codes (upload more instead).
 */
export async function updateReward({
  db,
  brandId,
  rewardId,
  patch,
  audit,
}: {
  db: Database;
  brandId: string;
  rewardId: string;
  patch: RewardPatch;
  /** The console user: `reward.updated` with the fields that changed, in this transaction; none when nothing did. */
  audit?: RewardsAudit;
}): Promise<Reward> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(rewards)
      .where(and(eq(rewards.brandId, brandId), eq(rewards.id, rewardId)))
      .for('update');
    if (!current)
      throw createRewardNotFoundError({
        message: `No reward "${rewardId}" on this brand`,
        details: { rewardId },
      });
    const { stockTotal, ...rest } = patch;
    const set: Partial<typeof rewards.$inferInsert> = { ...rest, updatedAt: new Date() };
    if (stockTotal !== undefined && stockTotal !== current.stockTotal) {
      if (current.kind === 'coupon')
        throw createInvalidRewardError({
          message: 'A coupon reward’s stock is its codes: upload or generate more codes',
          details: { issues: [{ path: 'stockTotal', message: 'Upload codes instead' }] },
        });
      const handedOut = current.stockTotal - current.stockLeft;
      if (stockTotal < handedOut)
        throw createInvalidRewardError({
          message: `${handedOut} already redeemed: the stock cannot go below that`,
          details: { issues: [{ path: 'stockTotal', message: `At least ${handedOut}` }] },
        });
      set.stockTotal = stockTotal;
      set.stockLeft = stockTotal - handedOut;
    }
    const validFrom = patch.validFrom === undefined ? current.validFrom : patch.validFrom;
    const validTo = patch.validTo === undefined ? current.validTo : patch.validTo;
    if (validFrom && validTo && validFrom >= validTo)
      throw createInvalidRewardError({
        message: 'The validity window ends before it starts',
        details: { issues: [{ path: 'validTo', message: 'Must be after the start' }] },
      });
    const [updated] = await tx.update(rewards).set(set).where(eq(rewards.id, rewardId)).returning();
    const changed = changedFields(current, updated!, Object.keys(set));
    if (Object.keys(changed).length > 0)
      await auditRewardsChange(tx, audit, {
        action: 'reward.updated',
        targetType: 'reward',
        targetId: rewardId,
        data: { changed },
      });
    return updated as Reward;
  });
}

export type ConsoleRedemption = {
  id: string;
  rewardId: string;
  rewardName: LocalizedText;
  rewardKind: 'item' | 'coupon';
  memberId: string;
  memberName: string | null;
  points: number;
  state: 'reserved' | 'fulfilled' | 'cancelled';
  couponCode: string | null;
  closedBy: string | null;
  cancelReason: string | null;
  createdAt: Date;
  fulfilledAt: Date | null;
  cancelledAt: Date | null;
};

/** The brand's redemptions, newest first, `before` (an id) for the next page. */
export async function listConsoleRedemptions({
  db,
  brandId,
  state,
  rewardId,
  before,
  limit = 50,
}: {
  db: Executor;
  brandId: string;
  state?: 'reserved' | 'fulfilled' | 'cancelled';
  rewardId?: string;
  before?: string;
  limit?: number;
}): Promise<ConsoleRedemption[]> {
  const conditions: (SQL | undefined)[] = [
    eq(redemptions.brandId, brandId),
    state ? eq(redemptions.state, state) : undefined,
    rewardId ? eq(redemptions.rewardId, rewardId) : undefined,
    before ? lt(redemptions.id, before) : undefined,
  ];
  const rows = await db
    .select({
      id: redemptions.id,
      rewardId: redemptions.rewardId,
      rewardName: rewards.name,
      rewardKind: rewards.kind,
      memberId: redemptions.memberId,
      memberName: sql<string | null>`coalesce(${members.name}, ${members.displayName})`,
      points: redemptions.points,
      state: redemptions.state,
      couponCode: couponCodes.code,
      closedBy: redemptions.closedBy,
      cancelReason: redemptions.cancelReason,
      createdAt: redemptions.createdAt,
      fulfilledAt: redemptions.fulfilledAt,
      cancelledAt: redemptions.cancelledAt,
    })
    .from(redemptions)
    .innerJoin(rewards, eq(rewards.id, redemptions.rewardId))
    .innerJoin(members, eq(members.id, redemptions.memberId))
    .leftJoin(couponCodes, eq(couponCodes.redemptionId, redemptions.id))
    .where(and(...conditions))
    .orderBy(desc(redemptions.id))
    .limit(limit);
  return rows;
}

export type ConsoleInstantPrize = InstantPrize & { wonCount: number };

/** The brand's instant-win prizes (of one campaign or all), with how many were won. */
export async function listConsoleInstantPrizes({
  db,
  brandId,
  campaignId,
}: {
  db: Executor;
  brandId: string;
  campaignId?: string;
}): Promise<ConsoleInstantPrize[]> {
  const prizes = await db
    .select()
    .from(instantPrizes)
    .where(
      and(
        eq(instantPrizes.brandId, brandId),
        campaignId ? eq(instantPrizes.campaignId, campaignId) : undefined,
      ),
    )
    .orderBy(desc(instantPrizes.createdAt), desc(instantPrizes.id));
  if (prizes.length === 0) return [];
  const won = await db
    .select({ prizeId: instantPlays.prizeId, count: sql<number>`count(*)::int` })
    .from(instantPlays)
    .where(
      and(
        inArray(
          instantPlays.prizeId,
          prizes.map((prize) => prize.id),
        ),
        isNull(instantPlays.voidedAt),
      ),
    )
    .groupBy(instantPlays.prizeId);
  const wonBy = new Map(won.map((row) => [row.prizeId, Number(row.count)]));
  return prizes.map((prize) => ({ ...prize, wonCount: wonBy.get(prize.id) ?? 0 }));
}

/**
 * Edits an instant-win prize under its row lock: name, odds, schedule, or total stock (what is left moves
 * by the same difference; never below what was already won).
 */
export async function updateInstantPrize({
  db,
  brandId,
  prizeId,
  patch,
  audit,
}: {
  db: Database;
  brandId: string;
  prizeId: string;
  /** The console user: `instant_prize.updated` with what changed, in this transaction; none when nothing did. */
  audit?: RewardsAudit;
  patch: {
    name?: LocalizedText;
    oddsPpm?: number;
    stockTotal?: number;
    schedule?: InstantPrizeSchedule | null;
  };
}): Promise<InstantPrize> {
  return db.transaction(async (tx) => {
    const [current] = await tx
      .select()
      .from(instantPrizes)
      .where(and(eq(instantPrizes.brandId, brandId), eq(instantPrizes.id, prizeId)))
      .for('update');
    if (!current)
      throw createInstantPrizeNotFoundError({
        message: `No instant-win prize "${prizeId}" on this brand`,
        details: { prizeId },
      });
    const set: Partial<typeof instantPrizes.$inferInsert> = {};
    if (patch.name) set.name = patch.name;
    if (patch.oddsPpm !== undefined) set.oddsPpm = patch.oddsPpm;
    if (patch.schedule !== undefined)
      set.schedule =
        patch.schedule === null
          ? null
          : (instantPrizeScheduleSchema.parse(patch.schedule) as unknown as Record<string, unknown>);
    if (patch.stockTotal !== undefined && patch.stockTotal !== current.stockTotal) {
      const won = current.stockTotal - current.stockLeft;
      if (patch.stockTotal < won)
        throw createInvalidInstantPrizeError({
          message: `${won} already won: the stock cannot go below that`,
          details: { issues: [{ path: 'stockTotal', message: `At least ${won}` }] },
        });
      set.stockTotal = patch.stockTotal;
      set.stockLeft = patch.stockTotal - won;
    }
    if (Object.keys(set).length === 0) return current;
    const [updated] = await tx
      .update(instantPrizes)
      .set(set)
      .where(eq(instantPrizes.id, prizeId))
      .returning();
    const changed = changedFields(current, updated!, Object.keys(set));
    if (Object.keys(changed).length > 0)
      await auditRewardsChange(tx, audit, {
        action: 'instant_prize.updated',
        targetType: 'instant_prize',
        targetId: prizeId,
        data: { changed },
      });
    return updated as InstantPrize;
  });
}
