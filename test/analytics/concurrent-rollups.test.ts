import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq, sql } from 'drizzle-orm';
import {
  buildLineItemRows,
  memberCohorts,
  memberCohortsFromSubmissions,
  proofFunnel,
  proofFunnelFromSubmissions,
  rankStores,
  rankStoresFromLineItems,
  rebuildAnalyticsRollups,
  syncSubmissionLineItems,
  type AnalyticsFilter,
} from '../../core/analytics/index.js';
import { foldPendingFacts } from '../../core/fact-outbox/index.js';
import { queryRows, type Executor } from '../../core/db/database.js';
import { analyticsLineItems, submissions } from '../../core/db/schema.js';
import type { SubmissionState } from '../../core/submissions/submissions.table.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { analyticsSeed, BRAND, CAMPAIGN, lineItemRows } from './fixture.js';

/*
 * Two workers deciding proofs of the same member on the same day at once (docs/decisions/009): on
 * PostgreSQL the first decision's transaction stays open until the second is seen waiting on a lock (or has
 * committed: the rollups are folded after the decisions, migrations 0053 and 0057, so they may share no
 * row), then commits; both commit. After each step every rollup must equal a rebuild from scratch, and the analyses
 * from the rollups the ones from the line items and the submissions. PGlite has one connection: the same
 * decisions run one after the other there. The steps change the member's cohort cells (a new active week,
 * an earlier first week), so a second decision that read the member's cells before the first committed
 * would count the first one's change twice: this fails when the member lock of analytics_members_begin()
 * is removed (docs/decisions/009).
 */

const ROLLUPS = [
  'analytics_daily',
  'analytics_product_days',
  'analytics_pair_days',
  'analytics_store_days',
  'analytics_place_members',
  'analytics_place_totals',
  'analytics_proof_days',
  'analytics_member_days',
  'analytics_members',
  'analytics_cohort_days',
  'analytics_return_days',
  'analytics_first_days',
];

let database: TestDatabase;
let sent = 0;

/** Every rollup's rows, as JSON text, in a stable order. */
async function rollupRows(db: Executor) {
  // The rollups as the readers see them: the outbox folded first (migration 0053).
  await foldPendingFacts(db);
  const all: Record<string, string[]> = {};
  for (const table of ROLLUPS)
    all[table] = (
      await queryRows<{ row: string }>(
        db,
        sql`select to_jsonb(t)::text as row from ${sql.identifier(table)} t order by 1`,
      )
    ).map((r) => r.row);
  return all;
}

/**
 * A proof of `member`, sent at `at`, bought on `day` (local) at `time`: received (for the worker) or in
 * review (for a reviewer), so that two first decisions at once do not share their funnel rows either.
 */
async function receive(
  member: string,
  at: string,
  day: string,
  time: string,
  state: 'received' | 'in_review' = 'received',
) {
  sent += 1;
  const id = `sub_cc${sent}`;
  await database.db.insert(submissions).values({
    id,
    brandId: BRAND,
    campaignId: CAMPAIGN,
    memberId: member,
    kind: 'einvoice_qr',
    channel: 'chat',
    sourceRef: `ref_cc${sent}`,
    rawInput: { day, time },
    state,
    createdAt: new Date(at),
  });
  return { id, member, day, time };
}

type Proof = Awaited<ReturnType<typeof receive>>;

/**
 * What a decision writes in its transaction: the state, and the line items of an accepted proof. The
 * first of two decisions at once reads an invoice, the second not, so that their funnel rows differ and
 * only the member's own rows (and the line-item rollups') are shared between them.
 */
async function decide(tx: Executor, proof: Proof, state: SubmissionState, read: boolean) {
  await tx
    .update(submissions)
    .set({
      state,
      invoiceId: read ? 'i_s6' : null,
      decidedAt: new Date('2024-12-01T00:00:00Z'),
      decision: { verification: { status: 'found' } },
    })
    .where(eq(submissions.id, proof.id));
  if (state !== 'accepted') {
    // A reversal (or a rejection) takes the proof's line items out, as the real path does.
    await syncSubmissionLineItems(tx, { submissionId: proof.id });
    return;
  }
  const { rows } = buildLineItemRows({
    header: {
      submissionId: proof.id,
      brandId: BRAND,
      campaignId: CAMPAIGN,
      memberId: proof.member,
      invoiceId: null,
      purchaseDate: proof.day,
      purchaseTime: proof.time,
      sellerId: '24549210',
      sellerName: '全家 松江店',
      branch: '',
      sellerAddress: '臺北市中山區松江路100號',
      currency: 'TWD',
      totalAmountMinor: 9_000,
    },
    items: [
      { name: '綠茶', quantity: 1, unitPriceMinor: 2_500, amountMinor: 2_500 },
      { name: '洋芋片', quantity: 1, unitPriceMinor: 3_500, amountMinor: 3_500 },
      { name: '鮮奶', quantity: 1, unitPriceMinor: 3_000, amountMinor: 3_000 },
    ],
    itemGroups: [],
    productOf: (name) => (name === '綠茶' ? 'tea' : null),
  });
  await tx.insert(analyticsLineItems).values(rows);
}

class RolledBack extends Error {}

/** What a rebuild from scratch would make of the rollups now (in a transaction that is rolled back). */
async function rebuiltRows() {
  let rebuilt: Awaited<ReturnType<typeof rollupRows>> | undefined;
  await database.db
    .transaction(async (tx) => {
      await rebuildAnalyticsRollups(tx, { brandId: BRAND });
      rebuilt = await rollupRows(tx);
      throw new RolledBack();
    })
    .catch((error: unknown) => {
      if (!(error instanceof RolledBack)) throw error;
    });
  return rebuilt!;
}

/**
 * After each step: every rollup as a rebuild would make it, and every analysis from the rollups equal to
 * the same from the line items and the submissions. (Checked only at the end, a miscount of one step could
 * be cancelled by a later one: the scenario ends where it began for m3.)
 */
async function expectExact(step: string) {
  const db = database.db;
  expect({ step, rows: await rollupRows(db) }).toEqual({ step, rows: await rebuiltRows() });
  for (const filter of FILTERS) {
    expect({ step, filter, funnel: await proofFunnel(db, filter) }).toEqual({
      step,
      filter,
      funnel: await proofFunnelFromSubmissions(db, filter),
    });
    expect({ step, filter, cohorts: await memberCohorts(db, filter) }).toEqual({
      step,
      filter,
      cohorts: await memberCohortsFromSubmissions(db, filter),
    });
    expect({ step, filter, stores: await rankStores(db, filter) }).toEqual({
      step,
      filter,
      stores: await rankStoresFromLineItems(db, filter),
    });
  }
}

/**
 * Resolves once a backend of this database waits on a lock (the second decision, behind the first), or
 * once `done` (the second decision committed without waiting: with the rollups folded after the decisions,
 * migrations 0053 and 0057, two decisions may share no row).
 */
async function someoneWaits(done: () => boolean) {
  const deadline = Date.now() + HANG_GUARD_MS;
  for (;;) {
    if (done()) return;
    const [row] = await queryRows<{ waiting: number }>(
      database.db,
      sql`select count(*)::int as waiting from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`,
    );
    if ((row?.waiting ?? 0) > 0) return;
    if (Date.now() > deadline) throw new Error('the second decision never waited for the first');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Two decisions at once: on PostgreSQL the first holds its transaction open, after its writes, until the
 * second is blocked behind it; then both commit.
 */
async function atOnce(first: [Proof, SubmissionState], second: [Proof, SubmissionState]) {
  const db = database.db;
  if (database.driver !== 'postgres') {
    await db.transaction((tx) => decide(tx, ...first, true));
    await db.transaction((tx) => decide(tx, ...second, false));
    return;
  }
  let wrote!: () => void;
  const written = new Promise<void>((resolve) => (wrote = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const one = db.transaction(async (tx) => {
    await decide(tx, ...first, true);
    wrote();
    await released;
  });
  await written;
  let twoDone = false;
  const two = db
    .transaction((tx) => decide(tx, ...second, false))
    .finally(() => {
      twoDone = true;
    });
  try {
    await someoneWaits(() => twoDone);
  } finally {
    release();
  }
  await Promise.all([one, two]);
}

const FILTERS: AnalyticsFilter[] = [
  { brandId: BRAND },
  { brandId: BRAND, campaignId: CAMPAIGN },
  { brandId: BRAND, from: '2024-11-11', to: '2024-11-24' },
  { brandId: BRAND, from: '2024-11-01', to: '2024-11-30' },
];

beforeAll(async () => {
  database = await createTestDatabase({ ...analyticsSeed(), analyticsLineItems: lineItemRows() });
}, HANG_GUARD_MS);
afterAll(async () => {
  await database?.close();
});

describe('rollups under concurrent decisions', () => {
  test(
    'when two workers decide proofs of the same member on the same day at once, then after each step every rollup equals a full rebuild',
    async () => {
      const db = database.db;
      // m3's only accepted proof (the fixture's s4) was received on Tuesday 2024-11-12: their cohort is the
      // week of 11-11 and they were active in that week only. (The member rollups go by the day a proof was
      // received, not the purchase date.)
      await expectExact('0. the fixture');
      // 1. Two acceptances of one member on one day of a week they were not active in yet (Tuesday
      // 2024-11-26): each one alone would add the member to the (11-11, 11-25) cohort cell; together, once.
      const a = await receive('m3', '2024-11-26T05:00:00Z', '2024-11-26', '12:10:00');
      const b = await receive('m3', '2024-11-26T02:00:00Z', '2024-11-26', '09:30:00', 'in_review');
      await atOnce([a, 'accepted'], [b, 'accepted']);
      await expectExact('1. a and b accepted at once, in a new week of m3');
      // 2. Another accepted while the day's first accepted proof is reversed.
      const c = await receive('m3', '2024-11-26T08:00:00Z', '2024-11-26', '16:00:00');
      await atOnce([c, 'accepted'], [b, 'reversed']);
      await expectExact('2. c accepted, b reversed');
      // 3. A proof reversed while an earlier one of the same day is accepted, then the other way round.
      const g = await receive('m3', '2024-11-26T00:30:00Z', '2024-11-26', '08:30:00', 'in_review');
      await atOnce([a, 'reversed'], [g, 'accepted']);
      await expectExact('3a. a reversed, g accepted');
      const e = await receive('m3', '2024-11-26T01:00:00Z', '2024-11-26', '09:00:00');
      await atOnce([e, 'accepted'], [a, 'accepted']);
      await expectExact('3b. e accepted, a accepted again');
      // 4. Every accepted proof of the member's week reversed at once, from two workers: m3 leaves it.
      await atOnce([c, 'reversed'], [g, 'reversed']);
      await expectExact('4a. c and g reversed');
      await atOnce([e, 'reversed'], [a, 'reversed']);
      await expectExact('4b. e and a reversed');
      // 5. Two acceptances of m3 on a day before their first week (Tuesday 2024-11-05): each one alone moves
      // every cell of theirs to the cohort of 11-04; then both reversed at once move them back.
      const x = await receive('m3', '2024-11-05T03:00:00Z', '2024-11-05', '11:00:00');
      const y = await receive('m3', '2024-11-05T06:00:00Z', '2024-11-05', '14:00:00', 'in_review');
      await atOnce([x, 'accepted'], [y, 'accepted']);
      await expectExact("5a. x and y accepted at once, before m3's first week");
      await atOnce([x, 'reversed'], [y, 'reversed']);
      await expectExact('5b. x and y reversed at once');
      // 6. Two members on one day and store (shared day, store and pair rows), one of them new that week.
      const d = await receive('m2', '2024-11-19T03:00:00Z', '2024-11-19', '11:00:00');
      const f = await receive('m1', '2024-11-19T05:00:00Z', '2024-11-19', '13:00:00', 'in_review');
      await atOnce([d, 'accepted'], [f, 'accepted']);
      await expectExact('6a. d (m2) and f (m1) accepted');
      const h = await receive('m2', '2024-11-19T06:00:00Z', '2024-11-19', '14:00:00', 'in_review');
      await atOnce([d, 'reversed'], [h, 'accepted']);
      await expectExact('6b. d reversed, h accepted');

      expect((await rollupRows(db)).analytics_members!.length).toBeGreaterThan(0);
      const [accepted] = await queryRows<{ count: number }>(
        db,
        sql`select count(*)::int as count from submissions where id like 'sub_cc%' and state = 'accepted'`,
      );
      expect(accepted?.count).toBe(2);
    },
    HANG_GUARD_MS,
  );
});
