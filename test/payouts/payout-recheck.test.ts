import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express from 'express';
import request from 'supertest';
import { createErrorMiddleware } from '../../bot/middlewares/errors.js';
import { createRewardsMemberRouter } from '../../bot/rewards/index.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { and, eq, sql } from 'drizzle-orm';
import { analyticsLineItems, buildLineItemRows } from '../../core/analytics/index.js';
import { auditLog } from '../../core/audit/index.js';
import { queryRows, type Database } from '../../core/db/database.js';
import { foldPendingFacts } from '../../core/fact-outbox/index.js';
import {
  createDraw,
  drawWinners,
  exportDraw,
  lotteryEntries,
  runDraw,
  verifyDrawExport,
} from '../../core/draws/index.js';
import {
  recheckRecentPointsOfMember,
  settleDrawWinners,
  type RecheckDeps,
} from '../../core/payouts/index.js';
import {
  createReward,
  getPointsBalance,
  grantRewardsForSubmission,
  pointsLedger,
  type RewardsNotifier,
} from '../../core/rewards/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { submissions } from '../../core/submissions/submissions.table.js';
import {
  createDatabaseRateLimiter,
  createMofEInvoicePlatform,
  platformBudgets,
} from '../../core/verification/index.js';
import { startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed, submissionId } from '../rewards/fixtures.js';

const MEMBERS = 6;
const invoiceNumber = (index: number) => `PX${String(10_000_000 + index)}`;
const invoiceId = (index: number) => `inv_p${index}`;

function seed() {
  const base = rewardsSeed({
    memberCount: MEMBERS,
    submissions: Array.from({ length: MEMBERS }, (_, index) => [index + 1, index + 1] as [number, number]),
  });
  return {
    ...base,
    members: base.members?.map((member, index) => ({
      ...member,
      locale: (['zh-TW', 'th', 'en'] as const)[index % 3]!,
    })),
    invoices: Array.from({ length: MEMBERS }, (_, index) => ({
      id: invoiceId(index + 1),
      brandId: BRAND_ID,
      kind: 'einvoice' as const,
      invoiceNumber: invoiceNumber(index + 1),
      invoiceDate: '2026-02-01',
      randomCode: '1234',
      currency: 'TWD',
      totalAmountMinor: 50_000,
      status: 'verified' as const,
      source: 'qr' as const,
    })),
    submissions: base.submissions?.map((row, index) => ({ ...row, invoiceId: invoiceId(index + 1) })),
  };
}

type Told = { dedupeKey: string; memberId: string; text: string };

describe('pay only for proofs that still stand (MoF re-check before payout)', () => {
  let database: TestDatabase;
  let db: Database;
  let sim: RunningMofSimulator;
  const clock = createTestClock({ now: '2026-02-02T00:00:00Z' });
  const generateId = createSequentialIdGenerator();
  const told: Told[] = [];
  const notifier: RewardsNotifier = async ({ dedupeKey, memberId: member, messages }) => {
    told.push({ dedupeKey, memberId: member, text: String(messages[0]?.text) });
  };
  let deps: RecheckDeps;

  beforeAll(async () => {
    database = await createTestDatabase(seed());
    db = database.db;
    sim = await startMofSimulator({
      dataset: {
        carriers: [],
        invoices: Array.from({ length: MEMBERS }, (_, index) => ({
          invoiceNumber: invoiceNumber(index + 1),
          invoiceDate: '2026-02-01',
          invoiceTime: '12:00:00',
          randomCode: '1234',
          sellerBan: '24789457',
          sellerName: '好茶',
          sellerAddress: '',
          buyerBan: null,
          status: 'valid' as const,
          currency: '',
          totalAmount: 500,
          uploadedAfterHours: 0,
          items: [],
        })),
      },
    });
    const platform = createMofEInvoicePlatform({
      baseUrl: sim.url,
      appId: 'EINV-TEST',
      versions: { header: '0.5', detail: '0.6', carrier: '0.6' },
      timeoutMs: 5_000,
      maxRetries: 0,
      rateLimitPerSecond: 1_000,
      rateLimiter: createDatabaseRateLimiter({
        db,
        key: 'mof|payout-test',
        ratePerSecond: 1_000,
        burst: 10,
        priority: 'batch',
      }),
    });
    deps = { db, platform: () => platform, generateId, clock, notifier };
    for (let index = 1; index <= MEMBERS; index++) {
      clock.advanceHours(1);
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
          quantities: { points: 10, entries: 1, instantWin: 0 },
        }),
      );
    }
  }, 60_000);
  afterAll(async () => {
    await sim.close();
    await database.close();
  });

  async function drawnDraw() {
    const draw = await createDraw({
      db,
      generateId,
      randomSource: (size) => Buffer.alloc(size, 3),
      brandId: BRAND_ID,
      campaignId: CAMPAIGN_ID,
      name: { 'zh-TW': '週抽', en: 'Weekly' },
      periodFrom: new Date('2026-02-02T00:00:00Z'),
      periodTo: new Date('2026-02-03T00:00:00Z'),
      prizes: [{ key: 'grand', name: { en: 'Scooter' }, quantity: 1 }],
      reserveCount: 3,
    });
    if (clock.now() < new Date('2026-02-03T00:00:00Z')) clock.set('2026-02-03T01:00:00Z');
    const { winners } = await runDraw({ db, generateId, clock, brandId: BRAND_ID, drawId: draw.id });
    clock.advanceHours(1);
    return { draw, winners };
  }

  /** Line items for these accepted proofs, as their decision wrote them (the seed skipped the decision). */
  async function purchased(...ids: string[]) {
    for (const id of ids) {
      const [row] = await db.select().from(submissions).where(eq(submissions.id, id));
      const { rows } = buildLineItemRows({
        header: {
          submissionId: id,
          brandId: BRAND_ID,
          campaignId: CAMPAIGN_ID,
          memberId: row!.memberId,
          invoiceId: row!.invoiceId,
          purchaseDate: '2026-02-01',
          purchaseTime: '12:00:00',
          sellerId: '24789457',
          sellerName: '好茶',
          branch: null,
          sellerAddress: null,
          currency: 'TWD',
          totalAmountMinor: 50_000,
        },
        items: [{ name: '綠茶', quantity: 1, unitPriceMinor: 50_000, amountMinor: 50_000 }],
        itemGroups: [],
        productOf: () => null,
      });
      await db.insert(analyticsLineItems).values(rows);
    }
  }

  const lineItemsOf = async (id: string) =>
    (
      await db
        .select({ lineNo: analyticsLineItems.lineNo })
        .from(analyticsLineItems)
        .where(eq(analyticsLineItems.submissionId, id))
    ).map((row) => row.lineNo);

  async function submissionOfEntry(entryId: string) {
    const [entry] = await db.select().from(lotteryEntries).where(eq(lotteryEntries.id, entryId));
    return entry!.submissionId;
  }

  test('when the winning invoice was voided since, then its proof is reversed once, the reserve steps up and only the reserve is told, even with two workers at once', async () => {
    const { draw, winners } = await drawnDraw();
    const winner = winners.find((row) => !row.isReserve)!;
    const voidedSubmission = await submissionOfEntry(winner.entryId);
    const index = Number(voidedSubmission.slice(-5));
    const standing = submissionId(index === 1 ? 2 : 1);
    await purchased(voidedSubmission, standing);
    expect(sim.admin.voidInvoice(invoiceNumber(index))).toBe(true);

    const results = await Promise.all([
      settleDrawWinners(deps, { brandId: BRAND_ID, drawId: draw.id }),
      settleDrawWinners(deps, { brandId: BRAND_ID, drawId: draw.id }),
    ]);
    const again = await settleDrawWinners(deps, { brandId: BRAND_ID, drawId: draw.id });

    const rows = await db.select().from(drawWinners).where(eq(drawWinners.drawId, draw.id));
    const voidedWin = rows.find((row) => row.id === winner.id)!;
    const reserve = rows.find((row) => row.replacesId === winner.id)!;
    expect(results.reduce((sum, result) => sum + result.reversed, 0)).toBe(1);
    expect(results.reduce((sum, result) => sum + result.told, 0)).toBe(1);
    expect(again).toMatchObject({ told: 0, reversed: 0 });
    expect(voidedWin).toMatchObject({
      status: 'forfeited',
      forfeitReason: 'invoice_voided',
      notifiedAt: null,
    });
    expect(reserve).toMatchObject({ awardedPrizeKey: 'grand', status: 'pending' });
    expect(reserve.notifiedAt).not.toBeNull();
    expect(
      told.filter((message) => message.dedupeKey.startsWith('draw-win:')).map((m) => m.dedupeKey),
    ).toEqual([`draw-win:${reserve.id}`]);
    const reversedNotices = told.filter(
      (message) => message.dedupeKey === `proof-reversed:${voidedSubmission}`,
    );
    expect(reversedNotices).toHaveLength(1);
    expect(reversedNotices[0]!.text).toContain(invoiceNumber(index));

    const [proof] = await db.select().from(submissions).where(eq(submissions.id, voidedSubmission));
    expect(proof).toMatchObject({ state: 'reversed', reasonCode: 'invoice.voided' });
    // The purchase left the analytics with it (its line items and the rollups they keep); the others stay.
    expect(await lineItemsOf(voidedSubmission)).toEqual([]);
    expect(await lineItemsOf(standing)).toEqual([1]);
    await foldPendingFacts(db);
    const [daily] = await queryRows<{ proofs: unknown }>(
      db,
      sql`select coalesce(sum(proofs), 0) as proofs from analytics_daily where brand_id = ${BRAND_ID}`,
    );
    expect(Number(daily!.proofs)).toBe(1);
    const reverses = await db
      .select()
      .from(pointsLedger)
      .where(and(eq(pointsLedger.submissionId, voidedSubmission), eq(pointsLedger.kind, 'reverse')));
    expect(reverses.map((row) => row.points)).toEqual([-10]);
    const audits = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'proof.reversed'), eq(auditLog.targetId, voidedSubmission)));
    expect(audits).toHaveLength(1);
    expect(audits[0]!.data).toMatchObject({ reason: 'invoice_voided', pointsReversed: 10, entriesVoided: 1 });

    // The export still verifies (entries as they stood at the draw) and shows what became of the win.
    const record = await exportDraw({ db, brandId: BRAND_ID, drawId: draw.id });
    expect(verifyDrawExport(record).ok).toBe(true);
    expect(record.payouts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rank: winner.rank, status: 'forfeited', forfeitReason: 'invoice_voided' }),
        expect.objectContaining({ rank: reserve.rank, awardedPrizeKey: 'grand', replacesRank: winner.rank }),
      ]),
    );
    // Every platform question went through the deployment's MoF budget.
    const budget = await db.select().from(platformBudgets).where(eq(platformBudgets.key, 'mof|payout-test'));
    expect(budget).toHaveLength(1);
  });

  test('when the platform cannot be asked, then nobody is told yet, and the next run tells them', async () => {
    const { draw } = await drawnDraw();
    sim.admin.setKnobs({ failNextRequests: 1_000 });
    const down = await settleDrawWinners(deps, { brandId: BRAND_ID, drawId: draw.id });
    sim.admin.setKnobs({ failNextRequests: 0 });
    const up = await settleDrawWinners(deps, { brandId: BRAND_ID, drawId: draw.id });

    expect(down).toMatchObject({ told: 0, waiting: 1 });
    expect(up).toMatchObject({ told: 1, waiting: 0 });
  });

  test('when points from a voided e-invoice of the last 60 days are about to be spent, then they are reversed first, once', async () => {
    clock.advanceHours(2); // past the freshness of the draw's own re-checks
    const [standing] = await db.select().from(submissions).where(eq(submissions.state, 'accepted')).limit(1);
    const member = standing!.memberId;
    const index = Number(standing!.id.slice(-5));
    const before = await getPointsBalance(db, { brandId: BRAND_ID, memberId: member });
    sim.admin.voidInvoice(invoiceNumber(index));

    const first = await recheckRecentPointsOfMember(deps, { brandId: BRAND_ID, memberId: member });
    const second = await recheckRecentPointsOfMember(deps, { brandId: BRAND_ID, memberId: member });

    expect(before).toBe(10);
    expect(first).toEqual({ checked: 1, reversed: 1 });
    expect(second).toEqual({ checked: 0, reversed: 0 });
    expect(await getPointsBalance(db, { brandId: BRAND_ID, memberId: member })).toBe(0);
    const [count] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'proof.reversed'), eq(auditLog.targetId, standing!.id)));
    expect(Number(count!.n)).toBe(1);
  });

  test('when a member redeems in LIFF with points from an invoice voided since, then the points are gone first and the redemption is refused; with the platform down, 503', async () => {
    clock.advanceHours(2);
    const proofs = await db.select().from(submissions).where(eq(submissions.state, 'accepted')).limit(2);
    const [voided, other] = proofs;
    const reward = await createReward({
      db,
      generateId,
      reward: { brandId: BRAND_ID, kind: 'item', name: { en: 'Cup' }, pointsPrice: 10, stock: 5 },
    });
    const app = express()
      .use(express.json())
      .use(
        createRewardsMemberRouter({
          ...deps,
          resolveMember: (req) => ({ brandId: BRAND_ID, memberId: String(req.header('x-test-member')) }),
        }),
      )
      .use(createErrorMiddleware({ logger: createSilentLogger() }));
    sim.admin.voidInvoice(invoiceNumber(Number(voided!.id.slice(-5))));

    const refused = await request(app)
      .post('/redemptions')
      .set('x-test-member', voided!.memberId)
      .set('idempotency-key', 'redeem-voided-1')
      .send({ rewardId: reward.id });
    sim.admin.setKnobs({ failNextRequests: 1_000 });
    const down = await request(app)
      .post('/redemptions')
      .set('x-test-member', other!.memberId)
      .set('idempotency-key', 'redeem-down-1')
      .send({ rewardId: reward.id });
    sim.admin.setKnobs({ failNextRequests: 0 });

    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('points.insufficient');
    const [after] = await db.select().from(submissions).where(eq(submissions.id, voided!.id));
    expect(after!.state).toBe('reversed');
    expect(down.status).toBe(503);
    expect(down.body.error.code).toBe('payouts.recheck_unavailable');
    expect(await getPointsBalance(db, { brandId: BRAND_ID, memberId: other!.memberId })).toBe(10);
  });

  test('when the platform is down before a redemption, then it is refused with 503 and nothing is reversed', async () => {
    const [standing] = await db.select().from(submissions).where(eq(submissions.state, 'accepted')).limit(1);
    const member = standing!.memberId;
    clock.advanceHours(2);
    sim.admin.setKnobs({ failNextRequests: 1_000 });
    const refused = recheckRecentPointsOfMember(deps, { brandId: BRAND_ID, memberId: member });
    await expect(refused).rejects.toMatchObject({ code: 'payouts.recheck_unavailable', statusCode: 503 });
    sim.admin.setKnobs({ failNextRequests: 0 });
  });
});
