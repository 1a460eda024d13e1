import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq, sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import {
  addCouponCodes,
  adjustPoints,
  cancelRedemption,
  couponCodes,
  createReward,
  fulfillRedemption,
  generateCouponCodeValues,
  getPointsBalance,
  listMemberRedemptions,
  pointsLedger,
  redeemReward,
  redemptions,
  rewards,
} from '../../core/rewards/index.js';
import { isAppError } from '../../core/shared/errors.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { BRAND_ID, memberId, rewardsSeed } from './fixtures.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const MEMBERS = 100;

describe('redeemReward under concurrency', () => {
  let database: TestDatabase;
  // Real time-ordered ids: concurrent transactions must not share a sequential counter's assumptions.
  const generateId = createIdGenerator();
  const clock = createTestClock({ now: '2026-02-01T02:00:00Z' });

  beforeAll(async () => {
    const seed = rewardsSeed({ memberCount: MEMBERS + 2 });
    seed.lineChannels = [
      {
        id: 'chn_rewards',
        brandId: BRAND_ID,
        lineChannelId: '1650000001',
        name: 'TW',
        channelSecret: 'secret',
        channelAccessToken: 'token',
      },
    ];
    database = await createTestDatabase(seed);
    for (let index = 1; index <= MEMBERS + 2; index++) {
      await adjustPoints({
        db: database.db,
        generateId,
        clock,
        brandId: BRAND_ID,
        memberId: memberId(index),
        points: index === MEMBERS + 1 ? 300 : 500,
        reason: 'welcome bonus',
        actor: 'usr_ops',
        idempotencyKey: 'welcome',
      });
    }
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await database.close();
  });

  test(
    'when 100 members redeem a coupon with stock 10 at once, then exactly 10 succeed, each with its own code',
    async () => {
      const reward = await createReward({
        db: database.db,
        generateId,
        reward: { brandId: BRAND_ID, kind: 'coupon', name: { 'zh-TW': '折價券' }, pointsPrice: 100 },
      });
      await addCouponCodes({
        db: database.db,
        generateId,
        brandId: BRAND_ID,
        rewardId: reward.id,
        codes: generateCouponCodeValues({ count: 10, prefix: 'TEA' }),
      });

      const results = await Promise.allSettled(
        Array.from({ length: MEMBERS }, (_, index) =>
          redeemReward({
            db: database.db,
            generateId,
            clock,
            brandId: BRAND_ID,
            memberId: memberId(index + 1),
            rewardId: reward.id,
            idempotencyKey: `req-${index}`,
          }),
        ),
      );

      const won = results.filter((result) => result.status === 'fulfilled');
      const refused = results.filter((result) => result.status === 'rejected');
      // Every refusal says why (a failure that is not "out of stock" is shown as it is, not as `false`).
      expect(
        refused
          .map((result) => (isAppError(result.reason) ? result.reason.code : String(result.reason)))
          .filter((code) => code !== 'reward.out_of_stock'),
      ).toEqual([]);
      expect(won).toHaveLength(10);
      const codes = won.map((result) => result.value.couponCode);
      expect(new Set(codes).size).toBe(10);
      const [stock] = await database.db.select().from(rewards).where(eq(rewards.id, reward.id));
      expect(stock?.stockLeft).toBe(0);
      const assigned = await database.db
        .select()
        .from(couponCodes)
        .where(eq(couponCodes.rewardId, reward.id));
      expect(assigned.filter((code) => code.redemptionId !== null)).toHaveLength(10);
      const negative = await queryRows<{ member_id: string }>(
        database.db,
        sql`select member_id from points_ledger group by member_id having sum(points) < 0`,
      );
      expect(negative).toEqual([]);
      const debits = await database.db
        .select({ count: sql<number>`count(*)::int` })
        .from(pointsLedger)
        .where(eq(pointsLedger.kind, 'redeem'));
      expect(debits[0]?.count).toBe(10);
    },
    HANG_GUARD_MS,
  );

  test(
    'when one member fires 20 redemptions at once with points for 3, then exactly 3 succeed',
    async () => {
      const member = memberId(MEMBERS + 1);
      const reward = await createReward({
        db: database.db,
        generateId,
        reward: { brandId: BRAND_ID, kind: 'item', name: { en: 'Mug' }, pointsPrice: 100, stock: 50 },
      });

      const results = await Promise.allSettled(
        Array.from({ length: 20 }, (_, index) =>
          redeemReward({
            db: database.db,
            generateId,
            clock,
            brandId: BRAND_ID,
            memberId: member,
            rewardId: reward.id,
            idempotencyKey: `burst-${index}`,
          }),
        ),
      );

      expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(3);
      const reasons = results.flatMap((result) =>
        result.status === 'rejected' && isAppError(result.reason) ? [result.reason.code] : [],
      );
      expect(reasons).toEqual(Array(17).fill('points.insufficient'));
      expect(await getPointsBalance(database.db, { brandId: BRAND_ID, memberId: member })).toBe(0);
      const [stock] = await database.db.select().from(rewards).where(eq(rewards.id, reward.id));
      expect(stock?.stockLeft).toBe(47);
    },
    HANG_GUARD_MS,
  );

  test('when the same request is retried, then it redeems once and answers the first result', async () => {
    const member = memberId(MEMBERS + 2);
    const reward = await createReward({
      db: database.db,
      generateId,
      reward: {
        brandId: BRAND_ID,
        kind: 'item',
        name: { en: 'Bag' },
        pointsPrice: 50,
        stock: 5,
        perMemberLimit: 2,
      },
    });
    const redeem = (key: string) =>
      redeemReward({
        db: database.db,
        generateId,
        clock,
        brandId: BRAND_ID,
        memberId: member,
        rewardId: reward.id,
        idempotencyKey: key,
      });

    const [first, retried] = await Promise.all([redeem('same'), redeem('same')]);
    expect(first.redemption.id).toBe(retried.redemption.id);
    expect([first.replayed, retried.replayed].sort()).toEqual([false, true]);
    expect(await getPointsBalance(database.db, { brandId: BRAND_ID, memberId: member })).toBe(450);

    await redeem('second');
    const third = await redeem('third').catch((error: unknown) => error);
    expect(isAppError(third) && third.code).toBe('reward.member_limit_reached');
  });

  test('when a reserved item is cancelled, then stock and points come back as new rows, and fulfilled cannot be cancelled', async () => {
    const member = memberId(MEMBERS + 2);
    const [reserved] = await listMemberRedemptions({ db: database.db, brandId: BRAND_ID, memberId: member });
    expect(reserved?.state).toBe('reserved');
    const before = await getPointsBalance(database.db, { brandId: BRAND_ID, memberId: member });

    const cancelled = await cancelRedemption({
      db: database.db,
      generateId,
      clock,
      brandId: BRAND_ID,
      redemptionId: reserved!.id,
      actor: 'usr_ops',
      reason: 'out of colour',
    });
    const again = await cancelRedemption({
      db: database.db,
      generateId,
      clock,
      brandId: BRAND_ID,
      redemptionId: reserved!.id,
      actor: 'usr_ops',
      reason: 'out of colour',
    });

    expect(cancelled).toMatchObject({ pointsReturned: 50, balance: before + 50 });
    expect(again.pointsReturned).toBe(0);
    const refunds = await database.db
      .select()
      .from(pointsLedger)
      .where(and(eq(pointsLedger.redemptionId, reserved!.id), eq(pointsLedger.kind, 'reverse')));
    expect(refunds.map((row) => [row.points, row.actor, row.reason])).toEqual([
      [50, 'usr_ops', 'out of colour'],
    ]);
    const [reward] = await database.db.select().from(rewards).where(eq(rewards.id, reserved!.rewardId));
    expect(reward?.stockLeft).toBe(4);

    const [other] = (
      await listMemberRedemptions({ db: database.db, brandId: BRAND_ID, memberId: member })
    ).filter((redemption) => redemption.state === 'reserved');
    await fulfillRedemption({
      db: database.db,
      clock,
      brandId: BRAND_ID,
      redemptionId: other!.id,
      actor: 'usr_ops',
    });
    const refused = await cancelRedemption({
      db: database.db,
      generateId,
      clock,
      brandId: BRAND_ID,
      redemptionId: other!.id,
      actor: 'usr_ops',
      reason: 'late',
    }).catch((error: unknown) => error);
    expect(isAppError(refused) && refused.code).toBe('redemption.invalid_state');
    const [row] = await database.db.select().from(redemptions).where(eq(redemptions.id, other!.id));
    expect(row?.state).toBe('fulfilled');
  });
  test('when a reward is outside its validity window, then it is refused and nothing is taken', async () => {
    const member = memberId(1);
    const before = await getPointsBalance(database.db, { brandId: BRAND_ID, memberId: member });
    const expired = await createReward({
      db: database.db,
      generateId,
      reward: {
        brandId: BRAND_ID,
        kind: 'item',
        name: { en: 'Old' },
        pointsPrice: 10,
        stock: 5,
        validFrom: new Date('2026-01-01T00:00:00Z'),
        validTo: new Date('2026-02-01T00:00:00Z'),
      },
    });
    const future = await createReward({
      db: database.db,
      generateId,
      reward: {
        brandId: BRAND_ID,
        kind: 'item',
        name: { en: 'Soon' },
        pointsPrice: 10,
        stock: 5,
        validFrom: new Date('2026-03-01T00:00:00Z'),
      },
    });

    for (const reward of [expired, future]) {
      const refused = await redeemReward({
        db: database.db,
        generateId,
        clock,
        brandId: BRAND_ID,
        memberId: member,
        rewardId: reward.id,
        idempotencyKey: `window-${reward.id}`,
      }).catch((error: unknown) => error);
      expect(isAppError(refused) && refused.code).toBe('reward.not_available');
    }
    expect(await getPointsBalance(database.db, { brandId: BRAND_ID, memberId: member })).toBe(before);
    const left = await database.db.select().from(rewards).where(eq(rewards.id, expired.id));
    expect(left[0]?.stockLeft).toBe(5);
  });
});
