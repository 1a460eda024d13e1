import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import { auditLog, type ConsoleAuditActor } from '../../core/audit/index.js';
import type { Database } from '../../core/db/database.js';
import {
  addCouponCodes,
  adjustPoints,
  cancelRedemption,
  createInstantPrize,
  createReward,
  fulfillRedemption,
  instantPrizes,
  redeemReward,
  redemptions,
  rewards,
  updateInstantPrize,
  updateReward,
  type RewardsAudit,
} from '../../core/rewards/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator, type IdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed } from '../rewards/fixtures.js';

const actor: ConsoleAuditActor = { brandId: BRAND_ID, userId: 'usr_ops', email: 'ops@tea.example' };

describe('reward, coupon, instant-prize and redemption changes are audited in the same transaction', () => {
  let database: TestDatabase;
  let db: Database;
  const clock = createTestClock({ now: '2026-02-02T00:00:00Z' });
  const generateId = createSequentialIdGenerator();
  const audit: RewardsAudit = { actor, clock, generateId };
  /** Hands out the id of an audit row that exists already, so the audit insert fails (and the change must roll back). */
  const failing: RewardsAudit = {
    actor,
    clock,
    generateId: ((kind) => (kind === 'auditEntry' ? 'aud_taken' : generateId(kind))) as IdGenerator,
  };
  const rowsOf = (action: string, targetId: string) =>
    db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), eq(auditLog.targetId, targetId)));

  beforeAll(async () => {
    database = await createTestDatabase(rewardsSeed({ memberCount: 2 }));
    db = database.db;
    await db.insert(auditLog).values({
      id: 'aud_taken',
      brandId: BRAND_ID,
      actorType: 'system',
      actorId: null,
      action: 'seed',
    });
    await adjustPoints({
      db,
      generateId,
      clock,
      brandId: BRAND_ID,
      memberId: memberId(1),
      points: 100,
      reason: 'seed',
      actor: 'test',
      idempotencyKey: 'seed-points',
    });
  }, 60_000);
  afterAll(async () => {
    await database.close();
  });

  test('when a reward is created and updated, then each change is audited once with the actor; an update that changes nothing writes no row', async () => {
    const reward = await createReward({
      db,
      generateId,
      reward: {
        brandId: BRAND_ID,
        kind: 'item',
        name: { en: 'Cup' },
        pointsPrice: 10,
        stock: 5,
        lowStockAt: 2,
      },
      audit,
    });
    await updateReward({ db, brandId: BRAND_ID, rewardId: reward.id, patch: { stockTotal: 8 }, audit });
    await updateReward({ db, brandId: BRAND_ID, rewardId: reward.id, patch: { stockTotal: 8 }, audit });

    expect(reward.lowStockAt).toBe(2);
    const created = await rowsOf('reward.created', reward.id);
    expect(created).toHaveLength(1);
    expect(created[0]).toMatchObject({
      actorType: 'console_user',
      actorId: 'usr_ops',
      data: { by: 'ops@tea.example', pointsPrice: 10 },
    });
    const updated = await rowsOf('reward.updated', reward.id);
    expect(updated).toHaveLength(1);
    expect(updated[0]!.data).toMatchObject({ changed: { stockTotal: { from: 5, to: 8 } } });
  });

  test('when the audit row cannot be written, then the reward is not created and an update is rolled back', async () => {
    await expect(
      createReward({
        db,
        generateId,
        reward: { brandId: BRAND_ID, kind: 'item', name: { en: 'Ghost' }, pointsPrice: 10, stock: 1 },
        audit: failing,
      }),
    ).rejects.toThrow();
    const ghosts = (await db.select().from(rewards)).filter((row) => row.name.en === 'Ghost');
    expect(ghosts).toEqual([]);

    const reward = await createReward({
      db,
      generateId,
      reward: { brandId: BRAND_ID, kind: 'item', name: { en: 'Plate' }, pointsPrice: 10, stock: 3 },
    });
    await expect(
      updateReward({
        db,
        brandId: BRAND_ID,
        rewardId: reward.id,
        patch: { pointsPrice: 99 },
        audit: failing,
      }),
    ).rejects.toThrow();
    const [after] = await db.select().from(rewards).where(eq(rewards.id, reward.id));
    expect(after!.pointsPrice).toBe(10);
  });

  test('when coupon codes are added, then one row counts them (never lists them); adding only known codes writes none; a failed row adds no code', async () => {
    const coupon = await createReward({
      db,
      generateId,
      reward: { brandId: BRAND_ID, kind: 'coupon', name: { en: 'Voucher' }, pointsPrice: 5 },
    });
    const codes = ['TEA-AAAA-0001', 'TEA-AAAA-0002'];
    await addCouponCodes({ db, generateId, brandId: BRAND_ID, rewardId: coupon.id, codes, audit });
    await addCouponCodes({ db, generateId, brandId: BRAND_ID, rewardId: coupon.id, codes, audit });
    await expect(
      addCouponCodes({
        db,
        generateId,
        brandId: BRAND_ID,
        rewardId: coupon.id,
        codes: ['TEA-AAAA-0003'],
        audit: failing,
      }),
    ).rejects.toThrow();

    const rows = await rowsOf('reward.coupon_codes_added', coupon.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.data).toMatchObject({ added: 2, skipped: 0 });
    expect(JSON.stringify(rows[0]!.data)).not.toContain('TEA-AAAA');
    const [after] = await db.select().from(rewards).where(eq(rewards.id, coupon.id));
    expect(after!.stockTotal).toBe(2);
  });

  test('when instant prizes are created and updated, then each change is audited once; a failed row leaves no prize and no change', async () => {
    const prize = await createInstantPrize({
      db,
      generateId,
      brandId: BRAND_ID,
      campaignId: CAMPAIGN_ID,
      name: { en: 'Tea' },
      oddsPpm: 10_000,
      stock: 10,
      audit,
    });
    await updateInstantPrize({ db, brandId: BRAND_ID, prizeId: prize.id, patch: { oddsPpm: 20_000 }, audit });
    await updateInstantPrize({ db, brandId: BRAND_ID, prizeId: prize.id, patch: { oddsPpm: 20_000 }, audit });
    await expect(
      updateInstantPrize({
        db,
        brandId: BRAND_ID,
        prizeId: prize.id,
        patch: { stockTotal: 50 },
        audit: failing,
      }),
    ).rejects.toThrow();
    await expect(
      createInstantPrize({
        db,
        generateId,
        brandId: BRAND_ID,
        campaignId: CAMPAIGN_ID,
        name: { en: 'Ghost prize' },
        oddsPpm: 1_000,
        stock: 1,
        audit: failing,
      }),
    ).rejects.toThrow();

    expect(await rowsOf('instant_prize.created', prize.id)).toHaveLength(1);
    const updates = await rowsOf('instant_prize.updated', prize.id);
    expect(updates).toHaveLength(1);
    expect(updates[0]!.data).toMatchObject({ changed: { oddsPpm: { from: 10_000, to: 20_000 } } });
    const prizes = await db.select().from(instantPrizes).where(eq(instantPrizes.campaignId, CAMPAIGN_ID));
    expect(prizes.map((row) => [row.name.en, row.stockTotal])).toEqual([['Tea', 10]]);
  });

  test('when redemptions are fulfilled and cancelled, then each is audited once, a repeat writes none, and a failed row undoes the fulfilment or the refund', async () => {
    const reward = await createReward({
      db,
      generateId,
      reward: { brandId: BRAND_ID, kind: 'item', name: { en: 'Bag' }, pointsPrice: 10, stock: 5 },
    });
    const redeem = async (key: string) =>
      (
        await redeemReward({
          db,
          generateId,
          clock,
          brandId: BRAND_ID,
          memberId: memberId(1),
          rewardId: reward.id,
          idempotencyKey: key,
        })
      ).redemption.id;
    const [toFulfil, toCancel, failFulfil, failCancel] = [
      await redeem('r1'),
      await redeem('r2'),
      await redeem('r3'),
      await redeem('r4'),
    ];
    const base = { db, generateId, clock, brandId: BRAND_ID, actor: actor.userId };

    await fulfillRedemption({ ...base, redemptionId: toFulfil, audit });
    await fulfillRedemption({ ...base, redemptionId: toFulfil, audit });
    await cancelRedemption({ ...base, redemptionId: toCancel, reason: 'out of stock', audit });
    await cancelRedemption({ ...base, redemptionId: toCancel, reason: 'out of stock', audit });
    await expect(fulfillRedemption({ ...base, redemptionId: failFulfil, audit: failing })).rejects.toThrow();
    await expect(
      cancelRedemption({ ...base, redemptionId: failCancel, reason: 'x', audit: failing }),
    ).rejects.toThrow();

    expect(await rowsOf('redemption.fulfilled', toFulfil)).toHaveLength(1);
    const cancelled = await rowsOf('redemption.cancelled', toCancel);
    expect(cancelled).toHaveLength(1);
    expect(cancelled[0]!.data).toMatchObject({ pointsReturned: 10, reason: 'out of stock' });
    const states = await db.select().from(redemptions).where(eq(redemptions.rewardId, reward.id));
    const stateOf = (id: string) => states.find((row) => row.id === id)!.state;
    expect([stateOf(toFulfil), stateOf(toCancel), stateOf(failFulfil), stateOf(failCancel)]).toEqual([
      'fulfilled',
      'cancelled',
      'reserved',
      'reserved',
    ]);
  });
});
