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
import { queryRows, type Executor } from '../../core/db/database.js';
import { analyticsLineItems, submissions } from '../../core/db/schema.js';
import type { SubmissionState } from '../../core/submissions/submissions.table.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { analyticsSeed, BRAND, CAMPAIGN, lineItemRows } from './fixture.js';

/*
 * Two workers deciding proofs of the same member on the same day at once (docs/decisions/009): on
 * PostgreSQL the first decision's transaction stays open until the second is seen waiting on a lock, then
 * commits; both commit. Every rollup must then equal a rebuild from scratch, and the analyses from the
 * rollups the ones from the line items and the submissions. PGlite has one connection: the same decisions
 * run one after the other there.
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
  'analytics_cohort_weeks',
];

let database: TestDatabase;
let sent = 0;

/** Every rollup's rows, as JSON text, in a stable order. */
async function rollupRows(db: Executor) {
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

/** Resolves once a backend of this database waits on a lock (the second decision, behind the first). */
async function someoneWaits() {
  const deadline = Date.now() + HANG_GUARD_MS;
  for (;;) {
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
  const two = db.transaction((tx) => decide(tx, ...second, false));
  try {
    await someoneWaits();
  } finally {
    release();
  }
  await Promise.all([one, two]);
}

const FILTERS: AnalyticsFilter[] = [
  { brandId: BRAND },
  { brandId: BRAND, campaignId: CAMPAIGN },
  { brandId: BRAND, from: '2024-11-11', to: '2024-11-24' },
];

beforeAll(async () => {
  database = await createTestDatabase({ ...analyticsSeed(), analyticsLineItems: lineItemRows() });
}, HANG_GUARD_MS);
afterAll(async () => {
  await database?.close();
});

describe('rollups under concurrent decisions', () => {
  test(
    'when two workers decide proofs of the same member on the same day at once, then every rollup equals a full rebuild',
    async () => {
      const db = database.db;
      // m3's only accepted proof is on 2024-11-05 (the fixture): nothing of theirs in the week of 11-11 yet.
      // 1. Two acceptances of one member on one day (Tuesday 2024-11-12, Taipei), the first of their week:
      // each one alone would add the member to that week's cohort cell.
      const a = await receive('m3', '2024-11-12T05:00:00Z', '2024-11-12', '12:10:00');
      const b = await receive('m3', '2024-11-12T02:00:00Z', '2024-11-12', '09:30:00', 'in_review');
      await atOnce([a, 'accepted'], [b, 'accepted']);
      // 2. Another accepted while the day's first accepted proof is reversed.
      const c = await receive('m3', '2024-11-12T08:00:00Z', '2024-11-12', '16:00:00');
      await atOnce([c, 'accepted'], [b, 'reversed']);
      // 3. A proof reversed while an earlier one of the same day is accepted, then the other way round.
      const g = await receive('m3', '2024-11-12T00:30:00Z', '2024-11-12', '08:30:00', 'in_review');
      await atOnce([a, 'reversed'], [g, 'accepted']);
      const e = await receive('m3', '2024-11-12T01:00:00Z', '2024-11-12', '09:00:00');
      await atOnce([e, 'accepted'], [a, 'accepted']);
      // 4. Every accepted proof of the member's week reversed at once, from two workers.
      await atOnce([c, 'reversed'], [g, 'reversed']);
      await atOnce([e, 'reversed'], [a, 'reversed']);
      // 5. Two members on one day and store (shared day, store and pair rows), one of them new that week.
      const d = await receive('m2', '2024-11-19T03:00:00Z', '2024-11-19', '11:00:00');
      const f = await receive('m1', '2024-11-19T05:00:00Z', '2024-11-19', '13:00:00', 'in_review');
      await atOnce([d, 'accepted'], [f, 'accepted']);
      const h = await receive('m2', '2024-11-19T06:00:00Z', '2024-11-19', '14:00:00', 'in_review');
      await atOnce([d, 'reversed'], [h, 'accepted']);

      const kept = await rollupRows(db);
      expect(kept.analytics_members!.length).toBeGreaterThan(0);
      await rebuildAnalyticsRollups(db, { brandId: BRAND });
      expect(await rollupRows(db)).toEqual(kept);
      for (const filter of FILTERS) {
        expect(await proofFunnel(db, filter)).toEqual(await proofFunnelFromSubmissions(db, filter));
        expect(await memberCohorts(db, filter)).toEqual(await memberCohortsFromSubmissions(db, filter));
        expect(await rankStores(db, filter)).toEqual(await rankStoresFromLineItems(db, filter));
      }
      const [accepted] = await queryRows<{ count: number }>(
        db,
        sql`select count(*)::int as count from submissions where id like 'sub_cc%' and state = 'accepted'`,
      );
      expect(accepted?.count).toBe(2);
    },
    HANG_GUARD_MS,
  );
});
