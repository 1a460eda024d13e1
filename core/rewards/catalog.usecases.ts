import { randomInt } from 'node:crypto';
import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { LocalizedText } from '../campaigns/index.js';
import type { Database, Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { auditRewardsChange, type RewardsAudit } from './rewards.audit.js';
import { createInvalidRewardError, createRewardNotFoundError } from './rewards.errors.js';
import { couponCodes, rewards } from './rewards.table.js';

export type Reward = typeof rewards.$inferSelect;

export type NewReward = {
  brandId: string;
  campaignId?: string | null;
  kind: 'item' | 'coupon';
  name: LocalizedText;
  description?: LocalizedText | null;
  imageUrl?: string | null;
  pointsPrice: number;
  /** Items: the stock. Coupons: ignored; the stock is the number of codes uploaded or generated. */
  stock?: number;
  perMemberLimit?: number | null;
  validFrom?: Date | null;
  validTo?: Date | null;
  /** Stock at or below which the console flags the reward as low. */
  lowStockAt?: number | null;
};

/** Creates a reward; with `audit`, its audit row (`reward.created`) commits in the same transaction. */
export async function createReward({
  db,
  generateId,
  reward,
  audit,
}: {
  db: Executor;
  generateId: IdGenerator;
  reward: NewReward;
  audit?: RewardsAudit;
}): Promise<Reward> {
  const stock = reward.kind === 'coupon' ? 0 : (reward.stock ?? 0);
  if (!Number.isInteger(reward.pointsPrice) || reward.pointsPrice <= 0)
    throw createInvalidRewardError({ message: 'The points price must be a positive whole number' });
  if (!Number.isInteger(stock) || stock < 0) throw createInvalidRewardError({ message: 'Invalid stock' });
  if (
    reward.perMemberLimit != null &&
    (!Number.isInteger(reward.perMemberLimit) || reward.perMemberLimit < 1)
  )
    throw createInvalidRewardError({ message: 'The per-member limit must be at least 1' });
  if (reward.validFrom && reward.validTo && reward.validFrom >= reward.validTo)
    throw createInvalidRewardError({ message: 'The validity window ends before it starts' });
  return db.transaction(async (tx) => {
    const [created] = await tx
      .insert(rewards)
      .values({
        id: generateId('reward'),
        brandId: reward.brandId,
        campaignId: reward.campaignId ?? null,
        kind: reward.kind,
        name: reward.name,
        description: reward.description ?? null,
        imageUrl: reward.imageUrl ?? null,
        pointsPrice: reward.pointsPrice,
        stockTotal: stock,
        stockLeft: stock,
        perMemberLimit: reward.perMemberLimit ?? null,
        validFrom: reward.validFrom ?? null,
        validTo: reward.validTo ?? null,
        ...(reward.lowStockAt !== undefined ? { lowStockAt: reward.lowStockAt } : {}),
      })
      .returning();
    await auditRewardsChange(tx, audit, {
      action: 'reward.created',
      targetType: 'reward',
      targetId: created!.id,
      data: { kind: created!.kind, name: created!.name, pointsPrice: created!.pointsPrice, stock },
    });
    return created as Reward;
  });
}

/** What a member can see: active rewards of the brand inside their validity window. */
export async function listCatalog({
  db,
  clock,
  brandId,
}: {
  db: Executor;
  clock: Clock;
  brandId: string;
}): Promise<Reward[]> {
  const now = clock.now();
  return db
    .select()
    .from(rewards)
    .where(
      and(
        eq(rewards.brandId, brandId),
        eq(rewards.active, true),
        sql`(${rewards.validFrom} is null or ${rewards.validFrom} <= ${now})`,
        sql`(${rewards.validTo} is null or ${rewards.validTo} > ${now})`,
      ),
    )
    .orderBy(asc(rewards.pointsPrice), asc(rewards.id));
}

export async function getRewardOrThrow(
  db: Executor,
  { brandId, rewardId }: { brandId: string; rewardId: string },
): Promise<Reward> {
  const [reward] = await db
    .select()
    .from(rewards)
    .where(and(eq(rewards.brandId, brandId), eq(rewards.id, rewardId)))
    .limit(1);
  if (!reward) throw createRewardNotFoundError({ details: { rewardId } });
  return reward;
}

/** Normalises an uploaded list: one code per line (or CSV first column), trimmed, blanks and duplicates dropped. */
export function parseCouponCodeList(text: string): { codes: string[]; invalid: string[] } {
  const codes = new Set<string>();
  const invalid: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    const code = (line.split(',')[0] ?? '').trim().replace(/^"|"$/g, '');
    if (!code) continue;
    if (!/^[\w-]{4,64}$/.test(code)) invalid.push(code);
    else codes.add(code);
  }
  return { codes: [...codes], invalid };
}

/**
 * Adds coupon codes to a coupon reward and raises its stock by the number actually added (a code already
 * present is skipped), in one transaction so stock and codes never disagree.
 */
export async function addCouponCodes({
  db,
  generateId,
  brandId,
  rewardId,
  codes,
  audit,
}: {
  db: Database;
  generateId: IdGenerator;
  brandId: string;
  rewardId: string;
  codes: string[];
  /** The console user: audited (`reward.coupon_codes_added`, the counts, never the codes) when codes were added. */
  audit?: RewardsAudit;
}): Promise<{ added: number; skipped: number }> {
  return db.transaction(async (tx) => {
    const reward = await getRewardOrThrow(tx, { brandId, rewardId });
    if (reward.kind !== 'coupon')
      throw createInvalidRewardError({ message: 'Only coupon rewards take codes' });
    let added = 0;
    for (let start = 0; start < codes.length; start += 500) {
      const chunk = codes.slice(start, start + 500);
      const inserted = await tx
        .insert(couponCodes)
        .values(chunk.map((code) => ({ id: generateId('couponCode'), brandId, rewardId, code })))
        .onConflictDoNothing()
        .returning({ id: couponCodes.id });
      added += inserted.length;
    }
    if (added > 0) {
      await tx
        .update(rewards)
        .set({
          stockTotal: sql`${rewards.stockTotal} + ${added}`,
          stockLeft: sql`${rewards.stockLeft} + ${added}`,
        })
        .where(eq(rewards.id, rewardId));
      await auditRewardsChange(tx, audit, {
        action: 'reward.coupon_codes_added',
        targetType: 'reward',
        targetId: rewardId,
        data: { added, skipped: codes.length - added },
      });
    }
    return { added, skipped: codes.length - added };
  });
}

// No 0/O, 1/I/L: codes are read off a phone screen and typed at a till.
const COUPON_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';

/** Random codes like `TEA-7KQ4-M2XP` from the operating system's CSPRNG. */
export function generateCouponCodeValues({
  count,
  prefix = '',
  groups = 2,
  groupLength = 4,
  random = randomInt,
}: {
  count: number;
  prefix?: string;
  groups?: number;
  groupLength?: number;
  random?: (max: number) => number;
}): string[] {
  const codes = new Set<string>();
  while (codes.size < count) {
    const parts: string[] = prefix ? [prefix] : [];
    for (let group = 0; group < groups; group++) {
      let part = '';
      for (let i = 0; i < groupLength; i++) part += COUPON_ALPHABET[random(COUPON_ALPHABET.length)];
      parts.push(part);
    }
    codes.add(parts.join('-'));
  }
  return [...codes];
}

export async function countFreeCouponCodes(db: Executor, rewardId: string): Promise<number> {
  const [row] = await db
    .select({ count: sql<number>`count(*)::int` })
    .from(couponCodes)
    .where(and(eq(couponCodes.rewardId, rewardId), isNull(couponCodes.redemptionId)));
  return Number(row?.count ?? 0);
}
