import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  analyticsCohortDays,
  analyticsFirstDays,
  analyticsMemberDays,
  analyticsMembers,
  analyticsProofDays,
  analyticsReturnDays,
  memberCohorts,
  memberCohortsFromSubmissions,
  proofFunnel,
  proofFunnelFromSubmissions,
  rebuildAnalyticsRollups,
  type AnalyticsFilter,
} from '../../core/analytics/index.js';
import { randomSource } from '../../core/analytics/synthetic.usecases.js';
import { foldPendingFacts } from '../../core/fact-outbox/index.js';
import { queryRows } from '../../core/db/database.js';
import { brands, redemptions, submissions } from '../../core/db/schema.js';
import { eraseMember } from '../../core/members/members.erasure.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import type { SubmissionState } from '../../core/submissions/submissions.table.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const BRAND = 'brd_proofs';
const OTHER = 'brd_proofs_other';
const CAMPAIGNS = ['cmp_p1', 'cmp_p2'];
const MEMBERS = Array.from({ length: 6 }, (_, i) => `mbr_p${i}`);
/** A member of the hand-computed case only: two accepted proofs on 2024-12-20 and a redemption between. */
const LATE = 'mbr_late';
/** A member of the hand-computed cohort case only: accepted proofs in the weeks of 2024-12-02 and 12-09. */
const MOVES = 'mbr_moves';
/** A member of the long-range case only: one accepted proof in 2023, 90 weeks before the others. */
const OLD = 'mbr_old';
const REASONS = ['rules.item_groups', 'verification.not_uploaded', 'rules.min_amount', null];
const STATES: SubmissionState[] = [
  'received',
  'parsed',
  'in_review',
  'accepted',
  'rejected',
  'rewarded',
  'reversed',
];

let database: TestDatabase;
/** The same history on every run and on both databases. */
const rand = randomSource('proof-rollups');
let sent = 0;

const pick = <T>(values: readonly T[]): T => values[rand.int(values.length)]!;

/** What a decision writes: a state, with its reason, verification and invoice as the real paths set them. */
function decided(state: SubmissionState) {
  return {
    state,
    reasonCode: state === 'rejected' ? pick(REASONS) : null,
    invoiceId: state === 'received' || rand.next() < 0.2 ? null : `inv_p${rand.int(5)}`,
    decision:
      rand.next() < 0.5 ? { verification: { status: 'found' } } : state === 'received' ? null : { rules: [] },
    decidedAt: new Date('2024-12-01T00:00:00Z'),
  };
}

/** Random proofs over 25 days of November 2024, at any hour (days are Asia/Taipei days). */
function randomSubmissions(count: number, brandId = BRAND) {
  return Array.from({ length: count }, () => {
    sent += 1;
    const at = Date.UTC(2024, 10, 1) + rand.int(25 * 24 * 60) * 60_000;
    return {
      id: `sub_p${sent}`,
      brandId,
      campaignId: brandId === BRAND ? pick(CAMPAIGNS) : 'cmp_other',
      memberId: brandId === BRAND ? pick(MEMBERS) : 'mbr_other',
      kind: 'einvoice_qr' as const,
      channel: 'chat' as const,
      sourceRef: `ref_p${sent}`,
      rawInput: {},
      createdAt: new Date(at),
      ...decided(pick(STATES)),
    };
  });
}

const FILTERS: AnalyticsFilter[] = [
  { brandId: BRAND },
  { brandId: BRAND, campaignId: 'cmp_p1' },
  { brandId: BRAND, from: '2024-11-08', to: '2024-11-26' },
  { brandId: BRAND, campaignId: 'cmp_p2', from: '2024-11-20' },
  { brandId: BRAND, to: '2024-11-03' },
  { brandId: BRAND, from: '2024-12-20', to: '2024-12-20' },
  // Once OLD's proof of 2023 is in, a range of 150 weeks.
  { brandId: BRAND, to: '2026-01-31' },
  { brandId: OTHER },
];

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

/**
 * The funnel and the cohorts from the rollups and from the submissions, for every filter: equal. And the
 * member answers agree with one another: a range's new members are its cohorts, members who bought once
 * are new ones, and a range covering the history answers as the undated question.
 */
async function expectRollupsEqualSubmissions() {
  for (const filter of FILTERS) {
    expect(await proofFunnel(database.db, filter)).toEqual(
      await proofFunnelFromSubmissions(database.db, filter),
    );
    const cohorts = await memberCohorts(database.db, filter);
    expect(cohorts).toEqual(await memberCohortsFromSubmissions(database.db, filter));
    const newMembers = sum(cohorts.weekly.map((w) => w.new));
    expect(sum(cohorts.cohorts.map((c) => c.size))).toBe(newMembers);
    expect(cohorts.repeat.members - cohorts.repeat.repeaters).toBeLessThanOrEqual(newMembers);
    expect(cohorts.repeat.members).toBeLessThanOrEqual(sum(cohorts.weekly.map((w) => w.new + w.returning)));
    for (const week of cohorts.weekly)
      expect(week.new + week.returning).toBeLessThanOrEqual(cohorts.repeat.members);
    if (!filter.from && !filter.to)
      expect(await memberCohorts(database.db, { ...filter, from: '2000-01-03', to: '2099-12-31' })).toEqual(
        cohorts,
      );
  }
}

async function rollupRows() {
  const db = database.db;
  // The rollups as the readers see them: the outbox folded first (migration 0053).
  await foldPendingFacts(db);
  return {
    days: await db
      .select()
      .from(analyticsProofDays)
      .orderBy(sql`1, 2, 3, 4, 5, 6, 7`),
    members: await db
      .select()
      .from(analyticsMemberDays)
      .orderBy(sql`1, 2, 3, 4`),
    perMember: await db
      .select()
      .from(analyticsMembers)
      .orderBy(sql`1, 2, 3`),
    cohortDays: await db
      .select()
      .from(analyticsCohortDays)
      .orderBy(sql`1, 2, 3, 4, 5`),
    returnDays: await db
      .select()
      .from(analyticsReturnDays)
      .orderBy(sql`1, 2, 3, 4`),
    firstDays: await db
      .select()
      .from(analyticsFirstDays)
      .orderBy(sql`1, 2, 3, 4`),
  };
}

const ids = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `sub_p${from + i}`);

beforeAll(async () => {
  const brand = (id: string) => ({
    id,
    slug: id,
    name: id,
    country: 'TW' as const,
    defaultLocale: 'zh-TW' as const,
    timezone: 'Asia/Taipei',
  });
  const campaign = (id: string, brandId: string) => ({
    id,
    brandId,
    slug: id,
    name: { 'zh-TW': id },
    status: 'active' as const,
    timezone: 'Asia/Taipei',
    currency: 'TWD' as const,
    purchaseFrom: '2024-11-01',
    purchaseTo: '2024-12-31',
    registerFrom: new Date('2024-10-31T16:00:00Z'),
    registerTo: new Date('2024-12-31T16:00:00Z'),
    proofKinds: ['einvoice_qr' as const],
    rules: {},
    rewards: {},
  });
  database = await createTestDatabase({
    brands: [brand(BRAND), brand(OTHER)],
    members: [
      ...[...MEMBERS, LATE, MOVES, OLD].map((id) => ({ id, brandId: BRAND })),
      { id: 'mbr_other', brandId: OTHER },
    ].map((m) => ({ ...m, lineUserId: `U_${m.id}`, locale: 'zh-TW' as const, phone: `09${m.id}` })),
    campaigns: [...CAMPAIGNS.map((id) => campaign(id, BRAND)), campaign('cmp_other', OTHER)],
    invoices: Array.from({ length: 5 }, (_, i) => ({
      id: `inv_p${i}`,
      brandId: BRAND,
      kind: 'einvoice' as const,
      invoiceDate: '2024-11-05',
      currency: 'TWD' as const,
      totalAmountMinor: 100,
      source: 'qr' as const,
    })),
    rewards: [
      {
        id: 'rw_p',
        brandId: BRAND,
        kind: 'item',
        name: { en: 'Cup' },
        pointsPrice: 50,
        stockTotal: 99,
        stockLeft: 99,
      },
    ],
    // Redemptions at times that fall before, between and after the members' accepted proofs.
    redemptions: [...MEMBERS, LATE].map((memberId, i) => ({
      id: `rd_p${i}`,
      brandId: BRAND,
      memberId,
      rewardId: 'rw_p',
      points: 50,
      state: i === 5 ? ('cancelled' as const) : ('fulfilled' as const),
      idempotencyKey: `rd_p${i}`,
      createdAt:
        memberId === LATE ? new Date('2024-12-20T03:00:00Z') : new Date(Date.UTC(2024, 10, 3 + i * 4)),
    })),
  });
}, 60_000);
afterAll(async () => {
  await database?.close();
});

describe('proof rollups (funnel and cohorts)', () => {
  test('when proofs arrive one by one and in bulk, then the funnel and the cohorts from the rollups equal the ones from the submissions', async () => {
    for (let i = 0; i < 40; i++) await database.db.insert(submissions).values(randomSubmissions(1));
    await database.db.insert(submissions).values(randomSubmissions(200));
    await database.db.insert(submissions).values(randomSubmissions(20, OTHER));
    await foldPendingFacts(database.db);
    const [row] = await queryRows<{ count: number }>(
      database.db,
      sql`select count(*)::int as count from analytics_member_days where brand_id = ${BRAND}`,
    );
    expect(row?.count).toBeGreaterThan(20);
    const funnel = await proofFunnel(database.db, { brandId: BRAND });
    expect(funnel.steps.received).toBe(240);
    expect(funnel.steps.redeemedMembers).toBeGreaterThan(0);
    expect(funnel.steps.redeemedMembers).toBeLessThan(funnel.steps.acceptedMembers);
    await expectRollupsEqualSubmissions();
  }, 120_000);

  test('when proofs are decided, rewarded, reversed, retried, erased and deleted, then the rollups follow exactly', async () => {
    const db = database.db;
    // Decisions one by one (as the worker and the reviewers make them), to any state.
    for (let i = 1; i <= 60; i++)
      await db
        .update(submissions)
        .set(decided(pick(STATES)))
        .where(eq(submissions.id, `sub_p${1 + rand.int(240)}`));
    // Many at once: accepted proofs rewarded, rewarded ones reversed (a voided invoice).
    await db
      .update(submissions)
      .set({ state: 'rewarded' })
      .where(and(inArray(submissions.id, ids(1, 120)), eq(submissions.state, 'accepted')));
    await db
      .update(submissions)
      .set({ state: 'reversed' })
      .where(and(inArray(submissions.id, ids(100, 200)), eq(submissions.state, 'rewarded')));
    // Updates the rollups do not see (retry times) change nothing.
    const before = await rollupRows();
    await db
      .update(submissions)
      .set({ nextCheckAt: new Date('2024-12-02T00:00:00Z'), checkAttempts: 3 })
      .where(inArray(submissions.id, ids(1, 240)));
    expect(await rollupRows()).toEqual(before);
    await expectRollupsEqualSubmissions();

    // An erasure sweeps the member's rows (its statements touch submissions); a proof deleted outright.
    await eraseMember(
      { db, generateId: createSequentialIdGenerator() },
      { brandId: BRAND, memberId: MEMBERS[3]!, confirm: true, now: new Date('2024-12-03T00:00:00Z') },
    );
    await db.delete(submissions).where(inArray(submissions.id, ['sub_p7', 'sub_p8', 'sub_p9']));
    // Proofs accepted again after a reversal, and new ones.
    await db
      .update(submissions)
      .set({ state: 'accepted' })
      .where(and(inArray(submissions.id, ids(150, 200)), eq(submissions.state, 'reversed')));
    await db.insert(submissions).values(randomSubmissions(30));
    await expectRollupsEqualSubmissions();
    // Redemptions cancelled and made later (the undated funnel joins them at question time).
    await db.update(redemptions).set({ state: 'cancelled' }).where(eq(redemptions.id, 'rd_p1'));
    await db.update(redemptions).set({ state: 'fulfilled' }).where(eq(redemptions.id, 'rd_p5'));
    await db
      .update(redemptions)
      .set({ createdAt: new Date('2024-11-27T00:00:00Z') })
      .where(eq(redemptions.id, 'rd_p2'));
    await expectRollupsEqualSubmissions();

    // Kept incrementally == rebuilt from scratch (no rows left at zero either).
    const kept = await rollupRows();
    await rebuildAnalyticsRollups(db, { brandId: BRAND });
    expect(await rollupRows()).toEqual(kept);
    for (const r of [...kept.days, ...kept.members, ...kept.perMember]) expect(r.proofs).toBeGreaterThan(0);
    for (const r of [...kept.cohortDays, ...kept.returnDays, ...kept.firstDays])
      expect(r.members).toBeGreaterThan(0);
    expect(kept.perMember.filter((r) => r.brandId === BRAND && r.scope === '*').length).toBeGreaterThan(3);
  }, 120_000);

  test("when a member whose name is inside the outbox's words ('accepted') is erased before the fold, then the pending records stay whole and the rollups follow exactly", async () => {
    const db = database.db;
    await foldPendingFacts(db);
    const memberId = MEMBERS[5]!;
    // Names an erasure sweeps out of the member's rows: "cept" and "ccep" are inside the records' 'accepted'.
    await db.execute(sql`update members set display_name = 'cept', name = 'ccep' where id = ${memberId}`);
    const [proof] = await queryRows<{ id: string }>(
      db,
      sql`select id from submissions where member_id = ${memberId} order by id limit 1`,
    );
    await db.update(submissions).set({ state: 'rejected' }).where(eq(submissions.id, proof!.id));
    await db.update(submissions).set({ state: 'accepted' }).where(eq(submissions.id, proof!.id));
    const pending = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from fact_outbox_proofs`,
    );
    expect(Number(pending[0]!.n)).toBeGreaterThan(0);

    const sequential = createSequentialIdGenerator();
    await eraseMember(
      { db, generateId: (kind) => `${sequential(kind)}_outbox` },
      { brandId: BRAND, memberId, confirm: true, now: new Date('2024-12-04T00:00:00Z') },
    );

    await expectRollupsEqualSubmissions();
  }, 120_000);

  test("when a member-day's first accepted proof is reversed, then its first time moves to the next one and a redemption in between no longer follows it", async () => {
    const db = database.db;
    const late = (id: string, at: string) => ({
      id,
      brandId: BRAND,
      campaignId: 'cmp_p1',
      memberId: LATE,
      kind: 'einvoice_qr' as const,
      channel: 'chat' as const,
      sourceRef: `ref_${id}`,
      rawInput: {},
      createdAt: new Date(at),
      state: 'accepted' as const,
    });
    // 10:00 and 12:00 Taipei time on 2024-12-20; the redemption is at 11:00.
    await db.insert(submissions).values(late('sub_late1', '2024-12-20T02:00:00Z'));
    await db.insert(submissions).values(late('sub_late2', '2024-12-20T04:00:00Z'));
    const day = { brandId: BRAND, from: '2024-12-20', to: '2024-12-20' };
    expect((await proofFunnel(db, day)).steps).toMatchObject({
      accepted: 2,
      acceptedMembers: 1,
      redeemedMembers: 1,
    });
    await db.update(submissions).set({ state: 'reversed' }).where(eq(submissions.id, 'sub_late1'));
    expect((await proofFunnel(db, day)).steps).toMatchObject({
      accepted: 1,
      acceptedMembers: 1,
      redeemedMembers: 0,
    });
    const [row] = await db.select().from(analyticsMemberDays).where(eq(analyticsMemberDays.memberId, LATE));
    expect(row).toMatchObject({ day: '2024-12-20', proofs: 1, firstAt: new Date('2024-12-20T04:00:00Z') });
    await expectRollupsEqualSubmissions();
  }, 60_000);

  test("when a member's first accepted proof is reversed, then the member moves to the next week's cohort, for all campaigns and for its campaign", async () => {
    const db = database.db;
    const proof = (id: string, at: string) => ({
      id,
      brandId: BRAND,
      campaignId: 'cmp_p2',
      memberId: MOVES,
      kind: 'einvoice_qr' as const,
      channel: 'chat' as const,
      sourceRef: `ref_${id}`,
      rawInput: {},
      createdAt: new Date(at),
      state: 'accepted' as const,
    });
    const cohort = async (filter: AnalyticsFilter, week: string) =>
      (await memberCohorts(db, filter)).cohorts.find((c) => c.cohort === week);
    // Wednesday 2024-12-04 and Tuesday 2024-12-10, Taipei time: no other member has a proof in those weeks.
    await db.insert(submissions).values([proof('sub_moves1', '2024-12-04T02:00:00Z')]);
    await db.insert(submissions).values([proof('sub_moves2', '2024-12-10T02:00:00Z')]);
    // Dated too: the range's cohorts are its members' first-ever weeks (MOVES alone in it).
    const dated = { brandId: BRAND, from: '2024-12-02', to: '2024-12-15' };
    for (const filter of [{ brandId: BRAND }, { brandId: BRAND, campaignId: 'cmp_p2' }, dated]) {
      expect(await cohort(filter, '2024-12-02')).toEqual({ cohort: '2024-12-02', size: 1, retained: [1, 1] });
      expect(await cohort(filter, '2024-12-09')).toBeUndefined();
    }
    expect((await memberCohorts(db, dated)).weekly).toEqual([
      { week: '2024-12-02', new: 1, returning: 0 },
      { week: '2024-12-09', new: 0, returning: 1 },
    ]);
    expect((await memberCohorts(db, dated)).repeat).toEqual({ members: 1, repeaters: 1, rate: 1 });
    expect(await cohort({ brandId: BRAND, campaignId: 'cmp_p1' }, '2024-12-02')).toBeUndefined();
    await db.update(submissions).set({ state: 'reversed' }).where(eq(submissions.id, 'sub_moves1'));
    for (const filter of [{ brandId: BRAND }, { brandId: BRAND, campaignId: 'cmp_p2' }, dated]) {
      expect(await cohort(filter, '2024-12-02')).toBeUndefined();
      expect(await cohort(filter, '2024-12-09')).toEqual({ cohort: '2024-12-09', size: 1, retained: [1] });
    }
    const [row] = await db
      .select()
      .from(analyticsMembers)
      .where(and(eq(analyticsMembers.memberId, MOVES), eq(analyticsMembers.scope, '*')));
    expect(row).toMatchObject({
      proofs: 1,
      firstAt: new Date('2024-12-10T02:00:00Z'),
      firstWeek: '2024-12-09',
    });
    await expectRollupsEqualSubmissions();
  }, 60_000);

  test("when a range spans years, then the dated cohorts equal the submissions'", async () => {
    const db = database.db;
    await db.insert(submissions).values({
      id: 'sub_old',
      brandId: BRAND,
      campaignId: 'cmp_p1',
      memberId: OLD,
      kind: 'einvoice_qr' as const,
      channel: 'chat' as const,
      sourceRef: 'ref_old',
      rawInput: {},
      createdAt: new Date('2023-03-01T02:00:00Z'),
      state: 'accepted' as const,
    });
    const cohorts = await memberCohorts(db, { brandId: BRAND, to: '2026-01-31' });
    expect(cohorts.cohorts[0]).toEqual({ cohort: '2023-02-27', size: 1, retained: [1] });
    expect(cohorts.weekly[0]).toEqual({ week: '2023-02-27', new: 1, returning: 0 });
    await expectRollupsEqualSubmissions();
  }, 60_000);

  test("when the brand's time zone changes, then its proofs move to the new local days", async () => {
    const db = database.db;
    const before = await proofFunnel(db, { brandId: BRAND });
    await db.update(brands).set({ timezone: 'America/Los_Angeles' }).where(eq(brands.id, BRAND));
    const after = await proofFunnel(db, { brandId: BRAND });
    expect(after.steps).toEqual(before.steps);
    expect(after.byDay).not.toEqual(before.byDay);
    await expectRollupsEqualSubmissions();
  }, 60_000);

  test('when every submission of the brand is gone, then the rollups hold nothing for it and the other brand is untouched', async () => {
    const db = database.db;
    const otherBefore = await proofFunnel(db, { brandId: OTHER });
    await db.delete(submissions).where(eq(submissions.brandId, BRAND));
    await foldPendingFacts(db);
    for (const table of [
      analyticsProofDays,
      analyticsMemberDays,
      analyticsMembers,
      analyticsCohortDays,
      analyticsReturnDays,
      analyticsFirstDays,
    ])
      expect(await db.select().from(table).where(eq(table.brandId, BRAND))).toEqual([]);
    expect(await proofFunnel(db, { brandId: OTHER })).toEqual(otherBefore);
    expect(otherBefore.steps.received).toBe(20);
  }, 60_000);
});
