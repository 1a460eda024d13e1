import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import { auditLog, type ConsoleAuditActor } from '../../core/audit/index.js';
import type { Database } from '../../core/db/database.js';
import {
  createDraw,
  drawWinners,
  forfeitWinner,
  promoteReserveWinners,
  runDraw,
} from '../../core/draws/index.js';
import { adjustPoints, grantRewardsForSubmission, pointsLedger } from '../../core/rewards/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator, type IdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed, submissionId } from '../rewards/fixtures.js';

const actor: ConsoleAuditActor = { brandId: BRAND_ID, userId: 'usr_ops', email: 'ops@tea.example' };

describe('admin actions that move value are audited in the same transaction as the change', () => {
  let database: TestDatabase;
  let db: Database;
  const clock = createTestClock({ now: '2026-02-02T00:00:00Z' });
  const generateId = createSequentialIdGenerator();
  const rowsOf = (action: string, targetId?: string) =>
    db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, action), targetId ? eq(auditLog.targetId, targetId) : undefined));

  beforeAll(async () => {
    database = await createTestDatabase(
      rewardsSeed({
        memberCount: 4,
        submissions: [
          [1, 1],
          [2, 2],
          [3, 3],
        ],
      }),
    );
    db = database.db;
    // A row whose id the failing test's generator hands out again, so the audit insert fails.
    await db.insert(auditLog).values({
      id: 'aud_taken',
      brandId: BRAND_ID,
      actorType: 'system',
      actorId: null,
      action: 'seed',
    });
  }, 60_000);
  afterAll(async () => {
    await database.close();
  });

  test('when points are adjusted, then one audit row names the actor; a replay of the same key adds none', async () => {
    const input = {
      db,
      generateId,
      clock,
      brandId: BRAND_ID,
      memberId: memberId(1),
      points: 25,
      reason: 'goodwill',
      actor: actor.userId,
      idempotencyKey: 'adjust-key-1',
      auditActor: actor,
    };
    const first = await adjustPoints(input);
    const replay = await adjustPoints(input);

    expect([first.created, replay.created]).toEqual([true, false]);
    const rows = await rowsOf('points.adjusted', memberId(1));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      brandId: BRAND_ID,
      actorType: 'console_user',
      actorId: 'usr_ops',
      data: { by: 'ops@tea.example', points: 25, reason: 'goodwill', entryId: first.entry.id },
    });
  });

  test('when the audit row cannot be written after the change, then the change is rolled back too', async () => {
    const failing: IdGenerator = (kind) => (kind === 'auditEntry' ? 'aud_taken' : generateId(kind));

    await expect(
      adjustPoints({
        db,
        generateId: failing,
        clock,
        brandId: BRAND_ID,
        memberId: memberId(2),
        points: 40,
        reason: 'goodwill',
        actor: actor.userId,
        idempotencyKey: 'adjust-key-2',
        auditActor: actor,
      }),
    ).rejects.toThrow();

    const ledger = await db
      .select()
      .from(pointsLedger)
      .where(eq(pointsLedger.memberId, memberId(2)));
    expect(ledger).toEqual([]);
    expect(await rowsOf('points.adjusted', memberId(2))).toEqual([]);
  });

  test('when a draw is opened, run, a win forfeited and a reserve promoted, then each is audited once, and a repeat that changes nothing is not', async () => {
    for (const index of [1, 2, 3])
      await db.transaction((tx) =>
        grantRewardsForSubmission({
          tx,
          generateId,
          clock,
          submission: {
            id: submissionId(index),
            brandId: BRAND_ID,
            campaignId: CAMPAIGN_ID,
            memberId: memberId(index),
          },
          quantities: { points: 0, entries: 1, instantWin: 0 },
        }),
      );
    const draw = await createDraw({
      db,
      generateId,
      randomSource: (size) => Buffer.alloc(size, 9),
      brandId: BRAND_ID,
      campaignId: CAMPAIGN_ID,
      name: { en: 'Week' },
      periodFrom: new Date('2026-02-01T00:00:00Z'),
      periodTo: new Date('2026-02-03T00:00:00Z'),
      prizes: [{ key: 'grand', name: { en: 'Bike' }, quantity: 1 }],
      reserveCount: 1,
      audit: { actor, clock },
    });
    clock.set('2026-02-04T00:00:00Z');
    const run = { db, generateId, clock, brandId: BRAND_ID, drawId: draw.id, auditActor: actor };
    await runDraw(run);
    await runDraw(run);
    const [winner] = await db
      .select()
      .from(drawWinners)
      .where(and(eq(drawWinners.drawId, draw.id), eq(drawWinners.isReserve, false)));
    const forfeit = {
      db,
      brandId: BRAND_ID,
      winnerId: winner!.id,
      audit: { actor, clock, generateId },
    };
    await forfeitWinner(forfeit);
    await forfeitWinner(forfeit);
    const promote = { db, clock, brandId: BRAND_ID, drawId: draw.id, audit: { actor, generateId } };
    const promoted = await promoteReserveWinners(promote);
    const again = await promoteReserveWinners(promote);

    expect(promoted.promoted).toHaveLength(1);
    expect(again.promoted).toEqual([]);
    expect(await rowsOf('draw.opened', draw.id)).toHaveLength(1);
    expect(await rowsOf('draw.run', draw.id)).toHaveLength(1);
    expect(await rowsOf('draw.winner_forfeited', winner!.id)).toHaveLength(1);
    expect(await rowsOf('draw.reserves_promoted', draw.id)).toHaveLength(1);
    const [forfeited] = await db.select().from(drawWinners).where(eq(drawWinners.id, winner!.id));
    expect(forfeited).toMatchObject({ status: 'forfeited', forfeitReason: 'brand' });
  });
});
