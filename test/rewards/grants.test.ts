import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { lotteryEntries } from '../../core/draws/draws.table.js';
import {
  getPointsBalance,
  grantRewardsForSubmission,
  instantPlays,
  pointsLedger,
  reverseRewardsForSubmission,
} from '../../core/rewards/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed, submissionId } from './fixtures.js';

describe('grantRewardsForSubmission / reverseRewardsForSubmission', () => {
  let database: TestDatabase;
  const generateId = createSequentialIdGenerator();
  const clock = createTestClock({ now: '2026-02-01T02:00:00Z' });

  beforeAll(async () => {
    database = await createTestDatabase(
      rewardsSeed({
        submissions: [
          [1, 1],
          [2, 1],
          [3, 1],
          [4, 2],
          [5, 2],
        ],
        campaignRewards: {
          points: { expiry: { afterDays: 90 }, caps: { perDay: 50, perCampaign: 70 } },
        },
      }),
    );
  });
  afterAll(async () => {
    await database.close();
  });

  const submission = (index: number, member: number) => ({
    id: submissionId(index),
    brandId: BRAND_ID,
    campaignId: CAMPAIGN_ID,
    memberId: memberId(member),
  });

  test('when a proof is granted twice, then it has one effect and both calls answer the same', async () => {
    const grant = () =>
      database.db.transaction((tx) =>
        grantRewardsForSubmission({
          tx,
          generateId,
          clock,
          submission: submission(1, 1),
          quantities: { points: 30, entries: 3, instantWin: 1 },
        }),
      );

    const first = await grant();
    const second = await grant();

    expect(first).toEqual({
      pointsEarned: 30,
      balance: 30,
      entriesAdded: 3,
      instantPlayId: expect.any(String),
    });
    expect(second).toEqual(first);
    const ledger = await database.db
      .select()
      .from(pointsLedger)
      .where(eq(pointsLedger.submissionId, submissionId(1)));
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({ kind: 'earn', points: 30, idempotencyKey: `earn:${submissionId(1)}` });
    expect(ledger[0]?.expiresAt).toEqual(new Date('2026-05-02T02:00:00Z'));
    const entries = await database.db
      .select()
      .from(lotteryEntries)
      .where(eq(lotteryEntries.submissionId, submissionId(1)));
    expect(entries).toHaveLength(1);
    expect(entries[0]?.weight).toBe(3);
    const plays = await database.db
      .select()
      .from(instantPlays)
      .where(eq(instantPlays.submissionId, submissionId(1)));
    expect(plays.map((play) => play.id)).toEqual([first.instantPlayId]);
  });

  test('when the daily cap is reached, then the rest of the points are cut and the next day counts again', async () => {
    const second = await database.db.transaction((tx) =>
      grantRewardsForSubmission({
        tx,
        generateId,
        clock,
        submission: submission(2, 1),
        quantities: { points: 30, entries: 0, instantWin: 0 },
      }),
    );
    expect(second).toEqual({ pointsEarned: 20, balance: 50, entriesAdded: 0, cappedBy: 'perDay' });

    clock.advanceHours(24);
    const third = await database.db.transaction((tx) =>
      grantRewardsForSubmission({
        tx,
        generateId,
        clock,
        submission: submission(3, 1),
        quantities: { points: 30, entries: 0, instantWin: 0 },
      }),
    );
    expect(third).toMatchObject({ pointsEarned: 20, balance: 70, cappedBy: 'perCampaign' });
  });

  test('when a reviewer reverses a proof, then its points, entries and scratch card are undone once', async () => {
    await database.db.transaction((tx) =>
      grantRewardsForSubmission({
        tx,
        generateId,
        clock,
        submission: submission(4, 2),
        quantities: { points: 10, entries: 2, instantWin: 1 },
      }),
    );
    const reverse = () =>
      database.db.transaction((tx) =>
        reverseRewardsForSubmission({
          tx,
          generateId,
          clock,
          submissionId: submissionId(4),
          reason: 'forged invoice',
          actor: 'usr_reviewer',
        }),
      );

    const first = await reverse();
    const second = await reverse();

    expect(first).toMatchObject({
      pointsReversed: 10,
      pointsShortfall: 0,
      entriesVoided: 1,
      instantPlayVoided: true,
    });
    expect(second).toMatchObject({ pointsReversed: 0, entriesVoided: 0, instantPlayVoided: false });
    expect(await getPointsBalance(database.db, { brandId: BRAND_ID, memberId: memberId(2) })).toBe(0);
    const rows = await database.db
      .select()
      .from(pointsLedger)
      .where(eq(pointsLedger.submissionId, submissionId(4)));
    expect(rows.map((row) => [row.kind, row.points, row.actor])).toEqual([
      ['earn', 10, 'system'],
      ['reverse', -10, 'usr_reviewer'],
    ]);
  });
});
