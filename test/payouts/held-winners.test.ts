import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq, inArray } from 'drizzle-orm';
import { analyticsLineItems, buildLineItemRows } from '../../core/analytics/index.js';
import { auditLog } from '../../core/audit/index.js';
import { createDraw, drawWinners, lotteryEntries, runDraw } from '../../core/draws/index.js';
import { members } from '../../core/members/members.table.js';
import { outboundMessages } from '../../core/messaging/index.js';
import {
  listDrawsAwaitingPayout,
  settleDrawsAwaitingPayout,
  settleDrawWinners,
  type RecheckDeps,
} from '../../core/payouts/index.js';
import {
  approveReviewItem,
  getReviewItem,
  listReviewQueue,
  rejectReviewItem,
  type ReviewDeps,
} from '../../core/review/index.js';
import {
  createMessagingRewardsNotifier,
  getPointsBalance,
  grantRewardsForSubmission,
  type RewardsNotifier,
} from '../../core/rewards/index.js';
import type { IdGenerator } from '../../core/shared/ids.js';
import { submissions } from '../../core/submissions/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { createSpringCampaign, queueReceipt, TW_BRAND, twBrandSeed } from '../review/fixtures.js';

const BRAND = TW_BRAND;
const alice = { id: 'usr_alice', name: 'Alice' };
const LOCALES = ['zh-TW', 'th', 'en'] as const;
const MEMBERS = ['mbr_a', 'mbr_b', 'mbr_c', 'mbr_d', 'mbr_e', 'mbr_f', 'mbr_g', 'mbr_h', 'mbr_i'];
const WIN_OPENING = { 'zh-TW': '恭喜', th: 'ยินดีด้วย', en: 'Congratulations' } as const;

let services: TestServices;
let campaignId: string;
/** Every message handed to the outbox, in calls (a call inside a committed decision is one message). */
const calls: { dedupeKey: string; memberId: string; text: string }[] = [];
let notifier: RewardsNotifier;
let deps: ReviewDeps & RecheckDeps;
/** The draw of the last test that left a reserve held for review. */
let heldReserveDrawId: string;

const db = () => services.database.db;

/** A receipt photo accepted without a person (auto-accepted), rewarded with 10 points and one entry. */
async function acceptedPhoto(memberId: string) {
  const { submissionId } = await queueReceipt(services, {
    campaignId,
    memberId,
    fields: { storeName: `Tea ${memberId}`, date: '2026-03-09', totalMinor: 30_000 },
    confidence: 0.97,
    hash: '0f0f0f0f0f0f0f0f',
  });
  await db()
    .update(submissions)
    .set({ state: 'accepted', decidedAt: services.clock.now() })
    .where(eq(submissions.id, submissionId));
  await db().transaction((tx) =>
    grantRewardsForSubmission({
      tx,
      generateId: services.generateId,
      clock: services.clock,
      submission: { id: submissionId, brandId: BRAND, campaignId, memberId },
      quantities: { points: 10, entries: 1, instantWin: 0 },
    }),
  );
  return submissionId;
}

/** The line item an accepted photo's decision would have written (the helper above skips the decision). */
async function purchased(submissionId: string) {
  const [row] = await db().select().from(submissions).where(eq(submissions.id, submissionId));
  const { rows } = buildLineItemRows({
    header: {
      submissionId,
      brandId: BRAND,
      campaignId,
      memberId: row!.memberId,
      invoiceId: row!.invoiceId,
      purchaseDate: '2026-03-09',
      purchaseTime: null,
      sellerId: null,
      sellerName: 'Tea',
      branch: null,
      sellerAddress: null,
      currency: 'TWD',
      totalAmountMinor: 30_000,
    },
    items: [{ name: '綠茶', quantity: 1, unitPriceMinor: 30_000, amountMinor: 30_000 }],
    itemGroups: [],
    productOf: () => null,
  });
  await db().insert(analyticsLineItems).values(rows);
  expect(
    await db().select().from(analyticsLineItems).where(eq(analyticsLineItems.submissionId, submissionId)),
  ).toHaveLength(1);
}

/** A draw requiring reviewed proofs over a day of three accepted photos: one prize, two reserves. */
async function drawnDay(day: string, memberIds: string[]) {
  services.clock.set(`${day}T01:00:00Z`);
  for (const memberId of memberIds) await acceptedPhoto(memberId);
  const draw = await createDraw({
    db: db(),
    generateId: services.generateId,
    randomSource: (size) => Buffer.alloc(size, 7),
    brandId: BRAND,
    campaignId,
    name: { 'zh-TW': '每日抽', th: 'จับรางวัลรายวัน', en: 'Daily' },
    periodFrom: new Date(`${day}T00:00:00Z`),
    periodTo: new Date(`${day}T12:00:00Z`),
    prizes: [{ key: 'grand', name: { 'zh-TW': '機車', th: 'สกู๊ตเตอร์', en: 'Scooter' }, quantity: 1 }],
    reserveCount: 2,
    requireReviewedProofs: true,
  });
  services.clock.set(`${day}T13:00:00Z`);
  await runDraw({
    db: db(),
    generateId: services.generateId,
    clock: services.clock,
    brandId: BRAND,
    drawId: draw.id,
  });
  return draw.id;
}

async function winnersOf(drawId: string) {
  return db().select().from(drawWinners).where(eq(drawWinners.drawId, drawId)).orderBy(drawWinners.rank);
}

async function proofOf(entryId: string) {
  const [entry] = await db().select().from(lotteryEntries).where(eq(lotteryEntries.id, entryId));
  return entry!.submissionId;
}

async function localeOf(memberId: string) {
  const [member] = await db()
    .select({ locale: members.locale })
    .from(members)
    .where(eq(members.id, memberId));
  return member!.locale as (typeof LOCALES)[number];
}

const auditRows = (action: string, submissionId: string) =>
  db()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.action, action), eq(auditLog.targetId, submissionId)));

const outbox = (dedupeKey: string) =>
  db().select().from(outboundMessages).where(eq(outboundMessages.dedupeKey, dedupeKey));

beforeAll(async () => {
  services = await buildTestServices({
    now: '2026-03-10T00:00:00Z',
    seed: twBrandSeed(MEMBERS.map((id, index) => ({ id, locale: LOCALES[index % 3]!, displayName: id }))),
  });
  campaignId = await createSpringCampaign(services);
  const outboxNotifier = createMessagingRewardsNotifier({
    generateId: services.generateId,
    clock: services.clock,
  });
  notifier = async (input) => {
    calls.push({
      dedupeKey: input.dedupeKey,
      memberId: input.memberId,
      text: String(input.messages[0]?.text),
    });
    await outboxNotifier(input);
  };
  deps = {
    db: db(),
    clock: services.clock,
    generateId: services.generateId,
    notifier,
    // Every proof here is a photo: nothing is asked of the MoF platform, so asking for it is a defect.
    platform: () => {
      throw new Error('no platform question expected for photo proofs');
    },
  };
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('a draw winner held until a reviewer confirms the photo proof', () => {
  test('when two settle workers meet an unreviewed photo winner, then the win is held untold and its proof leads the review queue, marked', async () => {
    // An older photo waiting for a person in the ordinary way: the held winner's proof still comes first.
    await queueReceipt(services, {
      campaignId,
      memberId: 'mbr_i',
      fields: { storeName: 'Old', date: '2026-03-09', totalMinor: 9_000 },
      confidence: 0.5,
      hash: 'ffffffffffffffff',
    });
    const drawId = await drawnDay('2026-03-10', ['mbr_a', 'mbr_b', 'mbr_c']);

    const results = await Promise.all([
      settleDrawWinners(deps, { brandId: BRAND, drawId }),
      settleDrawWinners(deps, { brandId: BRAND, drawId }),
    ]);

    const [winner] = (await winnersOf(drawId)).filter((row) => !row.isReserve);
    expect(results.reduce((sum, result) => sum + result.heldForReview, 0)).toBe(1);
    expect(results.reduce((sum, result) => sum + result.told, 0)).toBe(0);
    expect(winner).toMatchObject({ notifiedAt: null, status: 'pending' });
    expect(winner!.heldForReviewAt).not.toBeNull();
    const proof = await proofOf(winner!.entryId);
    const page = await listReviewQueue(deps, { brandId: BRAND, reviewerId: alice.id });
    expect(page.items.map((item) => item.submissionId)[0]).toBe(proof);
    expect(page.items[0]!.drawWinnerWaiting).toEqual({
      wins: [
        expect.objectContaining({ winnerId: winner!.id, drawId, rank: winner!.rank, prizeKey: 'grand' }),
      ],
    });
    expect(page.items.slice(1).every((item) => item.drawWinnerWaiting === null)).toBe(true);
    expect(page.count).toBe(2);
    const item = await getReviewItem(deps, {
      brandId: BRAND,
      submissionId: proof,
      reviewer: alice,
      imageUrl: (id) => `/img/${id}`,
    });
    expect(item.drawWinnerWaiting?.wins).toHaveLength(1);
    expect(item.lease?.mine).toBe(true);
  });

  test('when the reviewer approves it (twice at once, beside a settle worker), then the winner is told once in their language, audited once, and nothing more on any retry', async () => {
    const drawId = (await db().select({ drawId: drawWinners.drawId }).from(drawWinners).limit(1))[0]!.drawId;
    const [winner] = (await winnersOf(drawId)).filter((row) => !row.isReserve);
    const proof = await proofOf(winner!.entryId);
    const before = calls.length;

    const decisions = await Promise.allSettled([
      approveReviewItem(deps, { brandId: BRAND, submissionId: proof, reviewer: alice }),
      approveReviewItem(deps, { brandId: BRAND, submissionId: proof, reviewer: alice }),
      settleDrawWinners(deps, { brandId: BRAND, drawId }),
    ]);
    const retry = approveReviewItem(deps, { brandId: BRAND, submissionId: proof, reviewer: alice });
    await expect(retry).rejects.toMatchObject({ code: 'submission.not_reviewable', statusCode: 409 });
    const settledAgain = await settleDrawsAwaitingPayout(deps);

    const winCalls = calls.slice(before).filter((call) => call.dedupeKey === `draw-win:${winner!.id}`);
    expect(winCalls).toHaveLength(1);
    expect(winCalls[0]!.text.startsWith(WIN_OPENING[await localeOf(winner!.memberId)])).toBe(true);
    expect(await outbox(`draw-win:${winner!.id}`)).toHaveLength(1);
    expect(calls.slice(before).filter((call) => call.dedupeKey.startsWith('draw-win:'))).toHaveLength(1);
    // One approval decided; the other either found it decided (nothing written) or was refused as decided.
    const approvals = decisions.slice(0, 2);
    expect(approvals.filter((result) => result.status === 'fulfilled')).toContainEqual({
      status: 'fulfilled',
      value: expect.objectContaining({
        outcome: 'accepted',
        drawWins: expect.objectContaining({ changed: true, told: 1 }),
      }),
    });
    for (const result of approvals)
      if (result.status === 'rejected')
        expect(result.reason).toMatchObject({ code: 'submission.not_reviewable' });
    expect(decisions[2]!.status).toBe('fulfilled');
    expect(settledAgain).toMatchObject({ told: 0, heldForReview: 0 });
    const [after] = await db().select().from(drawWinners).where(eq(drawWinners.id, winner!.id));
    expect(after).toMatchObject({ heldForReviewAt: null, status: 'pending' });
    expect(after!.notifiedAt).not.toBeNull();
    const [stored] = await db().select().from(submissions).where(eq(submissions.id, proof));
    expect(stored).toMatchObject({ state: 'accepted', reviewedBy: alice.id });
    expect(await auditRows('review.winner_proof_confirmed', proof)).toHaveLength(1);
    const page = await listReviewQueue(deps, { brandId: BRAND, reviewerId: alice.id });
    expect(page.items.some((item) => item.submissionId === proof)).toBe(false);
  });

  test('when the reviewer rejects it (twice at once), then the win is forfeited with the reason, the member is told why once, and the next reserve steps up and is checked in turn (held for review too)', async () => {
    const drawId = await drawnDay('2026-03-11', ['mbr_d', 'mbr_e', 'mbr_f']);
    await settleDrawWinners(deps, { brandId: BRAND, drawId });
    const [winner, firstReserve] = await winnersOf(drawId);
    expect(winner!.isReserve).toBe(false);
    const proof = await proofOf(winner!.entryId);
    expect(await getPointsBalance(db(), { brandId: BRAND, memberId: winner!.memberId })).toBe(10);
    await purchased(proof);
    const before = calls.length;

    const rejections = await Promise.allSettled([
      rejectReviewItem(deps, {
        brandId: BRAND,
        submissionId: proof,
        reviewer: alice,
        reasonCode: 'suspected_fraud',
      }),
      rejectReviewItem(deps, {
        brandId: BRAND,
        submissionId: proof,
        reviewer: alice,
        reasonCode: 'suspected_fraud',
      }),
    ]);
    const retry = rejectReviewItem(deps, {
      brandId: BRAND,
      submissionId: proof,
      reviewer: alice,
      reasonCode: 'suspected_fraud',
    });
    await expect(retry).rejects.toMatchObject({ code: 'submission.not_reviewable' });
    expect(rejections.filter((result) => result.status === 'fulfilled')).toContainEqual({
      status: 'fulfilled',
      value: expect.objectContaining({
        outcome: 'rejected',
        drawWins: expect.objectContaining({ changed: true, forfeited: 1 }),
      }),
    });
    for (const result of rejections)
      if (result.status === 'rejected')
        expect(result.reason).toMatchObject({ code: 'submission.not_reviewable' });

    const rows = await winnersOf(drawId);
    const forfeited = rows.find((row) => row.id === winner!.id)!;
    const reserve = rows.find((row) => row.id === firstReserve!.id)!;
    expect(forfeited).toMatchObject({
      status: 'forfeited',
      forfeitReason: 'proof_rejected',
      notifiedAt: null,
    });
    expect(reserve).toMatchObject({ awardedPrizeKey: 'grand', replacesId: winner!.id, notifiedAt: null });
    expect(reserve.heldForReviewAt).not.toBeNull();
    expect(rows.filter((row) => row.awardedPrizeKey !== null)).toHaveLength(1);
    const [stored] = await db().select().from(submissions).where(eq(submissions.id, proof));
    expect(stored).toMatchObject({
      state: 'reversed',
      reasonCode: 'review.suspected_fraud',
      reviewedBy: alice.id,
    });
    expect(await getPointsBalance(db(), { brandId: BRAND, memberId: winner!.memberId })).toBe(0);
    // The purchase left the analytics in the same transaction.
    expect(
      await db().select().from(analyticsLineItems).where(eq(analyticsLineItems.submissionId, proof)),
    ).toEqual([]);
    const rejectedCalls = calls.slice(before).filter((call) => call.dedupeKey === `proof-rejected:${proof}`);
    expect(rejectedCalls).toHaveLength(1);
    const reasonWords = {
      'zh-TW': '照片疑似經過修改',
      th: 'รูปดูเหมือนถูกแก้ไข',
      en: 'the photo looks altered',
    } as const;
    const locale = await localeOf(winner!.memberId);
    expect(rejectedCalls[0]!.text).toContain(reasonWords[locale]);
    expect(calls.slice(before).filter((call) => call.dedupeKey.startsWith('draw-win:'))).toHaveLength(0);
    const audits = await auditRows('review.winner_proof_rejected', proof);
    expect(audits).toHaveLength(1);
    expect(audits[0]!.data).toMatchObject({
      reasonCode: 'review.suspected_fraud',
      winsForfeited: 1,
      entriesVoided: 1,
    });

    // The reserve's photo now leads the queue; approving it tells the reserve, once.
    const reserveProof = await proofOf(reserve.entryId);
    const page = await listReviewQueue(deps, { brandId: BRAND, reviewerId: alice.id });
    expect(page.items[0]!.submissionId).toBe(reserveProof);
    await approveReviewItem(deps, { brandId: BRAND, submissionId: reserveProof, reviewer: alice });
    await settleDrawsAwaitingPayout(deps);
    expect(calls.slice(before).filter((call) => call.dedupeKey.startsWith('draw-win:'))).toEqual([
      expect.objectContaining({ dedupeKey: `draw-win:${reserve.id}`, memberId: reserve.memberId }),
    ]);
  });

  test('when a rejection is decided without the platform at hand, then the draws job promotes and checks the next reserve', async () => {
    const drawId = await drawnDay('2026-03-12', ['mbr_g', 'mbr_h', 'mbr_a']);
    await settleDrawWinners(deps, { brandId: BRAND, drawId });
    const [winner, firstReserve] = await winnersOf(drawId);
    const proof = await proofOf(winner!.entryId);
    const { platform: _platform, ...withoutPlatform } = deps;

    await rejectReviewItem(withoutPlatform, {
      brandId: BRAND,
      submissionId: proof,
      reviewer: alice,
      reasonCode: 'duplicate',
    });
    const waiting = await listDrawsAwaitingPayout(db());
    const settled = await settleDrawsAwaitingPayout(deps);

    expect(waiting.map((row) => row.id)).toContain(drawId);
    expect(settled).toMatchObject({ promoted: 1, heldForReview: 1, told: 0 });
    const [reserve] = await db().select().from(drawWinners).where(eq(drawWinners.id, firstReserve!.id));
    expect(reserve).toMatchObject({ awardedPrizeKey: 'grand', notifiedAt: null });
    expect(reserve!.heldForReviewAt).not.toBeNull();
    expect((await listDrawsAwaitingPayout(db())).map((row) => row.id)).not.toContain(drawId);
    heldReserveDrawId = drawId;
  });

  test('when the audit row of a confirmation cannot be written, then nothing changes and nobody is told; the retry tells once', async () => {
    const drawId = heldReserveDrawId;
    const held = (await winnersOf(drawId)).find(
      (row) => row.heldForReviewAt !== null && row.notifiedAt === null,
    )!;
    const proof = await proofOf(held.entryId);
    await db()
      .insert(auditLog)
      .values({ id: 'aud_taken', brandId: BRAND, actorType: 'system', actorId: null, action: 'seed' });
    const failing: IdGenerator = (kind) => (kind === 'auditEntry' ? 'aud_taken' : services.generateId(kind));

    await expect(
      approveReviewItem(
        { ...deps, generateId: failing },
        { brandId: BRAND, submissionId: proof, reviewer: alice },
      ),
    ).rejects.toThrow();
    const [unchanged] = await db().select().from(drawWinners).where(eq(drawWinners.id, held.id));
    const [proofRow] = await db().select().from(submissions).where(eq(submissions.id, proof));
    expect(unchanged).toMatchObject({ notifiedAt: null });
    expect(unchanged!.heldForReviewAt).not.toBeNull();
    expect(proofRow!.reviewedBy).toBeNull();
    expect(await outbox(`draw-win:${held.id}`)).toHaveLength(0);

    await approveReviewItem(deps, { brandId: BRAND, submissionId: proof, reviewer: alice });
    expect(await outbox(`draw-win:${held.id}`)).toHaveLength(1);
    expect(await auditRows('review.winner_proof_confirmed', proof)).toHaveLength(1);
    const tells = await db()
      .select()
      .from(outboundMessages)
      .where(inArray(outboundMessages.dedupeKey, [`draw-win:${held.id}`]));
    expect(tells).toHaveLength(1);
  });
});
