import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { eraseMember } from '../../core/members/members.erasure.js';
import { grantRewardsForSubmissions } from '../../core/rewards/index.js';
import { previewCondition } from '../../core/segments/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed, submissionId } from './fixtures.js';

/**
 * `members.points_balance` (migration 0039, read by the segments' `points` test) against the ledger's sum
 * for every member, after each kind of ledger write the single-member property test does not make: a batch
 * grant, rows updated and deleted (the triggers' other branches), an erasure.
 */
describe('the points balance kept on the member equals the ledger sum', () => {
  let database: TestDatabase;
  const generateId = createSequentialIdGenerator();
  const clock = createTestClock({ now: '2026-02-01T00:00:00Z' });

  const differences = async () =>
    queryRows<{ id: string; kept: string; ledger: string }>(
      database.db,
      sql`select m.id, m.points_balance as kept, coalesce(sum(l.points), 0) as ledger
          from members m left join points_ledger l on l.member_id = m.id
          where m.brand_id = ${BRAND_ID}
          group by m.id, m.points_balance having m.points_balance <> coalesce(sum(l.points), 0)`,
    );
  const balanceOf = async (member: string) =>
    Number(
      (
        await queryRows<{ points: string | number }>(
          database.db,
          sql`select points_balance as points from members where id = ${member}`,
        )
      )[0]?.points,
    );
  const pointsCount = async (atLeast: number) =>
    (
      await previewCondition(
        { db: database.db, clock, generateId },
        { brandId: BRAND_ID, condition: { type: 'points', atLeast }, sample: false },
      )
    ).count;

  beforeAll(async () => {
    database = await createTestDatabase(
      rewardsSeed({
        memberCount: 4,
        submissions: [
          [1, 1],
          [2, 1],
          [3, 2],
          [4, 3],
        ],
      }),
    );
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await database.close();
  });

  test(
    'batch grant, update, delete and erasure',
    async () => {
      const grant = (index: number, member: number, points: number) => ({
        submission: {
          id: submissionId(index),
          brandId: BRAND_ID,
          campaignId: CAMPAIGN_ID,
          memberId: memberId(member),
        },
        quantities: { points, entries: 0, instantWin: 0 },
      });
      await database.db.transaction((tx) =>
        grantRewardsForSubmissions({
          tx,
          generateId,
          clock,
          grants: [grant(1, 1, 70), grant(2, 1, 50), grant(3, 2, 30), grant(4, 3, 0)],
        }),
      );
      expect(await differences()).toEqual([]);
      expect([
        await balanceOf(memberId(1)),
        await balanceOf(memberId(2)),
        await balanceOf(memberId(3)),
      ]).toEqual([120, 30, 0]);
      expect(await pointsCount(100)).toBe(1);

      // An update moving points between members, and a delete: every touched member follows.
      await database.db.execute(
        sql`update points_ledger set member_id = ${memberId(2)}, points = points + 1
            where submission_id = ${submissionId(2)}`,
      );
      expect(await differences()).toEqual([]);
      expect([await balanceOf(memberId(1)), await balanceOf(memberId(2))]).toEqual([70, 81]);
      expect(await pointsCount(100)).toBe(0);
      await database.db.execute(sql`delete from points_ledger where submission_id = ${submissionId(1)}`);
      expect(await differences()).toEqual([]);
      expect(await balanceOf(memberId(1))).toBe(0);

      // Erasure keeps the ledger, so the balance stays (an erased member is in no segment anyway).
      await eraseMember(
        { db: database.db, generateId },
        { brandId: BRAND_ID, memberId: memberId(2), confirm: true, now: clock.now() },
      );
      expect(await differences()).toEqual([]);
      expect(await balanceOf(memberId(2))).toBe(81);
      expect(await pointsCount(1)).toBe(0);
    },
    HANG_GUARD_MS,
  );
});
