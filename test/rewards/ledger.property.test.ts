import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import fc from 'fast-check';
import { members } from '../../core/members/members.table.js';
import {
  adjustPoints,
  cancelRedemption,
  createReward,
  expireDuePoints,
  getPointsBalance,
  getPointsSummary,
  grantRewardsForSubmission,
  redeemReward,
  replayLedger,
  reverseRewardsForSubmission,
  type Reward,
} from '../../core/rewards/index.js';
import { loadLedgerRows } from '../../core/rewards/points.ledger.js';
import { createTestClock } from '../../core/shared/clock.js';
import { isAppError } from '../../core/shared/errors.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, seedDatabase, type TestDatabase } from '../support/database.js';
import { BRAND_ID, CAMPAIGN_ID, rewardsSeed } from './fixtures.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const RUNS = 25;
const MAX_OPS = 14;

type Op =
  | { kind: 'earn'; points: number }
  | { kind: 'redeem'; cheap: boolean }
  | { kind: 'cancel'; pick: number }
  | { kind: 'expire'; days: number }
  | { kind: 'adjust'; points: number }
  | { kind: 'reverse'; pick: number };

const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('earn' as const), points: fc.integer({ min: 1, max: 60 }) }),
  fc.record({ kind: fc.constant('redeem' as const), cheap: fc.boolean() }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat(20) }),
  fc.record({ kind: fc.constant('expire' as const), days: fc.integer({ min: 1, max: 15 }) }),
  fc.record({
    kind: fc.constant('adjust' as const),
    points: fc.integer({ min: -40, max: 40 }).filter((points) => points !== 0),
  }),
  fc.record({ kind: fc.constant('reverse' as const), pick: fc.nat(20) }),
);

/** Errors a sequence may legitimately meet: the ledger refusing to go negative is the point. */
const EXPECTED_REFUSALS = new Set([
  'points.insufficient',
  'points.adjustment_below_zero',
  'redemption.invalid_state',
]);

describe('points ledger property: balance = ledger sum, never negative, FIFO lots account for every point', () => {
  let database: TestDatabase;
  let cheap: Reward;
  let dear: Reward;
  const generateId = createSequentialIdGenerator();

  beforeAll(async () => {
    database = await createTestDatabase(
      rewardsSeed({ memberCount: 0, campaignRewards: { points: { expiry: { afterDays: 10 } } } }),
    );
    await seedDatabase(database.db, {
      members: Array.from({ length: RUNS + 20 }, (_, run) => ({
        id: `mbr_prop${run}`,
        brandId: BRAND_ID,
        lineUserId: `Uprop${run}`,
        locale: 'en' as const,
      })),
      submissions: Array.from({ length: RUNS + 20 }, (_, run) =>
        Array.from({ length: MAX_OPS }, (_, op) => ({
          id: `sub_prop${run}_${op}`,
          brandId: BRAND_ID,
          campaignId: CAMPAIGN_ID,
          memberId: `mbr_prop${run}`,
          kind: 'einvoice_qr' as const,
          channel: 'chat' as const,
          rawInput: {},
          state: 'accepted' as const,
        })),
      ).flat(),
    });
    cheap = await createReward({
      db: database.db,
      generateId,
      reward: { brandId: BRAND_ID, kind: 'item', name: { en: 'Sticker' }, pointsPrice: 10, stock: 100_000 },
    });
    dear = await createReward({
      db: database.db,
      generateId,
      reward: { brandId: BRAND_ID, kind: 'item', name: { en: 'Cap' }, pointsPrice: 25, stock: 100_000 },
    });
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await database.close();
  });

  test(
    'over random earn/redeem/cancel/expire/adjust/reverse sequences',
    async () => {
      let run = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(opArbitrary, { minLength: 1, maxLength: MAX_OPS }), async (ops) => {
          const member = { brandId: BRAND_ID, memberId: `mbr_prop${run}` };
          const submissionsOf = (op: number) => `sub_prop${run}_${op}`;
          run++;
          const clock = createTestClock({ now: '2026-02-01T00:00:00Z' });
          const earned: string[] = [];
          const redemptions: string[] = [];
          for (const [index, op] of ops.entries()) {
            try {
              if (op.kind === 'earn') {
                await database.db.transaction((tx) =>
                  grantRewardsForSubmission({
                    tx,
                    generateId,
                    clock,
                    submission: { id: submissionsOf(index), campaignId: CAMPAIGN_ID, ...member },
                    quantities: { points: op.points, entries: 0, instantWin: 0 },
                  }),
                );
                earned.push(submissionsOf(index));
              } else if (op.kind === 'redeem') {
                const { redemption } = await redeemReward({
                  db: database.db,
                  generateId,
                  clock,
                  ...member,
                  rewardId: op.cheap ? cheap.id : dear.id,
                  idempotencyKey: `op-${index}`,
                });
                redemptions.push(redemption.id);
              } else if (op.kind === 'cancel' && redemptions.length > 0) {
                await cancelRedemption({
                  db: database.db,
                  generateId,
                  clock,
                  brandId: BRAND_ID,
                  redemptionId: redemptions[op.pick % redemptions.length] as string,
                  actor: 'usr_ops',
                  reason: 'property',
                });
              } else if (op.kind === 'expire') {
                clock.advanceHours(24 * op.days);
                await expireDuePoints({ db: database.db, generateId, clock });
              } else if (op.kind === 'adjust') {
                await adjustPoints({
                  db: database.db,
                  generateId,
                  clock,
                  ...member,
                  points: op.points,
                  reason: 'p',
                  actor: 'a',
                });
              } else if (op.kind === 'reverse' && earned.length > 0) {
                await database.db.transaction((tx) =>
                  reverseRewardsForSubmission({
                    tx,
                    generateId,
                    clock,
                    submissionId: earned[op.pick % earned.length] as string,
                    reason: 'fraud',
                    actor: 'usr_reviewer',
                  }),
                );
              }
            } catch (error) {
              if (!(isAppError(error) && EXPECTED_REFUSALS.has(error.code))) throw error;
            }

            const rows = await loadLedgerRows(database.db, member);
            let running = 0;
            for (const row of rows) {
              running += row.points;
              expect(running).toBeGreaterThanOrEqual(0);
            }
            const balance = await getPointsBalance(database.db, member);
            expect(balance).toBe(running);
            // The balance kept on the member for segments (migration 0039) follows every write.
            const [kept] = await database.db
              .select({ points: members.pointsBalance })
              .from(members)
              .where(eq(members.id, member.memberId));
            expect(kept?.points).toBe(running);
            const replay = replayLedger(rows);
            expect(replay.shortfall).toBe(0);
            expect(replay.lots.reduce((sum, lot) => sum + lot.remaining, 0)).toBe(balance);
            if (op.kind === 'expire') {
              const overdue = replay.lots.filter((lot) => lot.expiresAt && lot.expiresAt <= clock.now());
              expect(overdue.map((lot) => lot.remaining).filter((remaining) => remaining > 0)).toEqual([]);
            }
            const summary = await getPointsSummary({ db: database.db, clock, ...member });
            expect(summary.balance).toBeLessThanOrEqual(balance);
            expect(summary.balance).toBeGreaterThanOrEqual(0);
          }
        }),
        { numRuns: RUNS, seed: 20261123, endOnFailure: true },
      );
    },
    HANG_GUARD_MS,
  );
});
