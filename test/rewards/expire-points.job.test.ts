import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import {
  cancelRedemption,
  createReward,
  getPointsBalance,
  getPointsSummary,
  grantRewardsForSubmission,
  pointsLedger,
  redeemReward,
} from '../../core/rewards/index.js';
import { createExpirePointsJob } from '../../jobs/expire-points.job.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed, submissionId } from './fixtures.js';

describe('expire-points job (FIFO expiry)', () => {
  let services: TestServices;
  const member = { brandId: BRAND_ID, memberId: memberId(1) };

  beforeAll(async () => {
    services = await buildTestServices({
      now: '2026-02-01T00:00:00Z',
      seed: rewardsSeed({
        memberCount: 1,
        submissions: [
          [1, 1],
          [2, 1],
        ],
        campaignRewards: { points: { expiry: { afterDays: 10 } } },
      }),
    });
  });
  afterAll(async () => {
    await services.database.close();
  });

  const earn = (index: number, points: number) =>
    services.database.db.transaction((tx) =>
      grantRewardsForSubmission({
        tx,
        generateId: services.generateId,
        clock: services.clock,
        submission: { id: submissionId(index), campaignId: CAMPAIGN_ID, ...member },
        quantities: { points, entries: 0, instantWin: 0 },
      }),
    );

  test('when lots pass their date, then what is left of each expires oldest first, once, and refunds cannot revive them', async () => {
    const { db } = services.database;
    const job = createExpirePointsJob(services);
    await earn(1, 30); // expires Feb 11
    services.clock.advanceHours(24 * 5);
    await earn(2, 20); // expires Feb 16
    services.clock.advanceHours(24);
    const reward = await createReward({
      db,
      generateId: services.generateId,
      reward: { brandId: BRAND_ID, kind: 'item', name: { en: 'Mug' }, pointsPrice: 40, stock: 5 },
    });
    const { redemption } = await redeemReward({
      db,
      generateId: services.generateId,
      clock: services.clock,
      ...member,
      rewardId: reward.id,
      idempotencyKey: 'mug',
    }); // takes 30 from the first lot, 10 from the second
    expect(await getPointsBalance(db, member)).toBe(10);

    services.clock.set('2026-02-12T00:00:00Z');
    const summary = await getPointsSummary({ db, clock: services.clock, ...member });
    expect(summary.nextExpiry).toEqual({ at: new Date('2026-02-16T00:00:00Z'), points: 10 });
    const first = await job.run();
    expect(first).toMatchObject({ expiredPoints: 0, lotsSettled: 1 });
    expect(await getPointsBalance(db, member)).toBe(10);

    // Cancelling gives back 30 to the first lot (already past its date: expires at once) and 10 to the second.
    const cancelled = await cancelRedemption({
      db,
      generateId: services.generateId,
      clock: services.clock,
      brandId: BRAND_ID,
      redemptionId: redemption.id,
      actor: 'usr_ops',
      reason: 'out of stock',
    });
    expect(cancelled.balance).toBe(20);

    services.clock.set('2026-02-16T00:00:00Z');
    const second = await job.run();
    const third = await job.run();
    expect(second).toMatchObject({ expiredPoints: 20 });
    expect(third).toMatchObject({ membersSettled: 0, expiredPoints: 0 });
    expect(await getPointsBalance(db, member)).toBe(0);
    const expired = await db
      .select()
      .from(pointsLedger)
      .where(and(eq(pointsLedger.memberId, member.memberId), eq(pointsLedger.kind, 'expire')));
    expect(expired.map((row) => row.points).sort((a, b) => a - b)).toEqual([-30, -20, 0]);
  });
});
