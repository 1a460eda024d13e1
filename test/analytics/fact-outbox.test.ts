import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { proofFunnelFromSubmissions } from '../../core/analytics/index.js';
import { queryRows, type DatabaseHandle, type Executor } from '../../core/db/database.js';
import { invoices, submissions } from '../../core/db/schema.js';
import { WORK_NOTIFY_CHANNEL } from '../../core/db/work-signal.js';
import { foldDerivedFacts } from '../../core/fact-outbox/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { openChildDatabase, type ChildDatabase } from '../support/child-database.js';
import { exitOf, startChild } from '../support/child-worker.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { seedOutboxBrand } from './fixtures/outbox-brand.js';

/*
 * The derived-facts outbox (issue 17, migration 0053): a decision's transaction only records what must be
 * refolded; the fold applies and deletes the records in one transaction. A process killed after its
 * decisions committed and in the middle of its fold loses nothing, and the next fold counts each proof once.
 */

const BRAND = 'brd_fo';
const CAMPAIGN = 'cmp_fo';
const PROOFS = 40;
const MEMBERS = 6;
const subId = (i: number) => `sub_fo${i}`;
const memberOf = (i: number) => `mbr_fo${i % MEMBERS}`;

async function seed(db: Executor) {
  await seedOutboxBrand(db, 'fo', MEMBERS);
  await db.insert(invoices).values(
    Array.from({ length: PROOFS }, (_, i) => ({
      id: `inv_fo${i}`,
      brandId: BRAND,
      kind: 'einvoice' as const,
      invoiceNumber: `FO${String(10_000_000 + i)}`,
      invoiceDate: `2026-02-${String(1 + (i % 27)).padStart(2, '0')}`,
      sellerTaxId: '28414044',
      sellerName: 'shop',
      totalAmountMinor: 12_000,
      currency: 'TWD' as const,
      status: 'verified' as const,
      source: 'qr' as const,
    })),
  );
  await db.insert(submissions).values(
    Array.from({ length: PROOFS }, (_, i) => ({
      id: subId(i),
      brandId: BRAND,
      campaignId: CAMPAIGN,
      memberId: memberOf(i),
      kind: 'einvoice_qr' as const,
      channel: 'chat' as const,
      rawInput: {},
      state: 'parsed' as const,
      invoiceId: `inv_fo${i}`,
      createdAt: new Date(Date.UTC(2026, 1, 1 + (i % 27), 3)),
    })),
  );
}

const pending = async (db: Executor) => {
  const [row] = await queryRows<{ proofs: number; members: number }>(
    db,
    sql`select (select count(*)::int from fact_outbox_proofs) as proofs,
               (select count(*)::int from fact_outbox_members) as members`,
  );
  return row!;
};

/** The derived facts as stored (no fold before reading): the funnel's rollups, purchases, member facts. */
async function storedFacts(db: Executor) {
  const [row] = await queryRows<Record<string, number>>(
    db,
    sql`select (select coalesce(sum(proofs), 0)::int from analytics_proof_days
                 where brand_id = ${BRAND} and state = 'accepted') as accepted,
               (select coalesce(sum(proofs), 0)::int from analytics_proof_days
                 where brand_id = ${BRAND} and state = 'parsed') as parsed,
               (select coalesce(sum(proofs), 0)::int from analytics_member_days where brand_id = ${BRAND}) as member_days,
               (select count(*)::int from analytics_members where brand_id = ${BRAND} and scope = '*') as members,
               (select count(*)::int from member_purchases where brand_id = ${BRAND}) as purchases,
               (select coalesce(sum(cardinality(accepted_proofs_at)), 0)::int from members where brand_id = ${BRAND}) as proof_times,
               (select coalesce(sum(jsonb_array_length(purchases)), 0)::int from members where brand_id = ${BRAND}) as member_purchases`,
  );
  return row!;
}

async function foldUntilEmpty(db: Executor) {
  let folded = 0;
  for (;;) {
    const n = await foldDerivedFacts(db, { limit: 7 });
    if (n === 0) return folded;
    folded += n;
  }
}

describe('the derived-facts outbox', () => {
  let store: ChildDatabase;
  let reopened: DatabaseHandle | undefined;

  beforeAll(async () => {
    store = await openChildDatabase('fact-outbox');
    await seed(store.database.db);
    await foldUntilEmpty(store.database.db);
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await reopened?.close();
    await store?.close();
  });

  test(
    'when the deciding process is killed after its decisions committed and in the middle of their fold, then the next fold counts every proof once',
    async () => {
      // Arrange
      const decided = Array.from({ length: PROOFS / 2 }, (_, i) => subId(i * 2));
      await store.handOver();
      const child = startChild(join(projectRoot, 'test', 'analytics', 'fixtures', 'fact-outbox-child.ts'), {
        ...process.env,
        ...store.childEnv,
        FACT_OUTBOX_DECIDE: JSON.stringify(decided),
      });
      let out = '';
      child.stdout?.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes('folding\n')) child.kill('SIGKILL');
      });

      // Act
      const exit = await exitOf(child);
      reopened = await store.reopen();
      const db = reopened.db;
      const left = await pending(db);
      const before = await storedFacts(db);
      const folded = await foldUntilEmpty(db);
      const after = await storedFacts(db);
      const again = await foldUntilEmpty(db);

      // Assert: killed in its fold, which left every record; the next fold applied each once.
      expect(out).toContain('decided\n');
      expect(exit.signal).toBe('SIGKILL');
      expect(left.proofs).toBe(2 * decided.length);
      expect(left.members).toBe(decided.length / 2 + 1);
      expect(before).toMatchObject({ accepted: 0, parsed: PROOFS, purchases: 0, proof_times: 0 });
      expect(folded).toBe(left.proofs + left.members);
      expect(after).toEqual({
        accepted: decided.length,
        parsed: PROOFS - decided.length,
        member_days: decided.length,
        members: MEMBERS / 2,
        purchases: decided.length,
        proof_times: decided.length,
        member_purchases: decided.length,
      });
      expect(again).toBe(0);
      expect(await storedFacts(db)).toEqual(after);
      expect(await pending(db)).toEqual({ proofs: 0, members: 0 });
      const funnel = await proofFunnelFromSubmissions(db, { brandId: BRAND });
      expect(funnel.steps.accepted).toBe(decided.length);
    },
    HANG_GUARD_MS,
  );

  test(
    'when two folds run at once, then no record is folded twice',
    async () => {
      // Arrange: the other half of the proofs decided, one statement each.
      const db = reopened!.db;
      const rest = Array.from({ length: PROOFS / 2 }, (_, i) => subId(i * 2 + 1));
      for (const id of rest)
        await db.execute(sql`update submissions set state = 'accepted', decided_at = now() where id = ${id}`);
      const left = await pending(db);

      // Act: two folders at once (on PostgreSQL two connections of the pool).
      const [a, b] = await Promise.all([foldUntilEmpty(db), foldUntilEmpty(db)]);

      // Assert
      expect(a + b).toBe(left.proofs + left.members);
      expect(await storedFacts(db)).toEqual({
        accepted: PROOFS,
        parsed: 0,
        member_days: PROOFS,
        members: MEMBERS,
        purchases: PROOFS,
        proof_times: PROOFS,
        member_purchases: PROOFS,
      });
    },
    HANG_GUARD_MS,
  );

  test(
    'when a submissions statement changes no row, then it wakes no derived-facts worker; when it decides a proof, then it does (migration 0054)',
    async () => {
      // Arrange: every work notification heard in commit order; a sentinel committed after the work marks its end.
      const db = reopened!.db;
      const heard: string[] = [];
      const unlisten = await reopened!.listen(WORK_NOTIFY_CHANNEL, (queue) => heard.push(queue));
      let sentinels = 0;
      const factWakesDuring = async (work: () => Promise<unknown>) => {
        const from = heard.length;
        await work();
        const sentinel = `sentinel-${++sentinels}`;
        await db.execute(sql`select pg_notify(${WORK_NOTIFY_CHANNEL}, ${sentinel})`);
        const deadline = Date.now() + HANG_GUARD_MS / 2;
        while (!heard.includes(sentinel)) {
          if (Date.now() > deadline) throw new Error('the sentinel notification never came');
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        return heard.slice(from, heard.indexOf(sentinel)).filter((queue) => queue === 'facts').length;
      };

      // Act: a claim-like update that matches nothing, then a decision.
      const empty = await factWakesDuring(() =>
        db.execute(sql`update submissions set check_attempts = check_attempts + 1 where id = 'sub_none'`),
      );
      const decided = await factWakesDuring(() =>
        db.execute(sql`update submissions set state = 'rejected' where id = ${subId(0)}`),
      );
      await unlisten();
      await foldUntilEmpty(db);

      // Assert
      expect(empty).toBe(0);
      expect(decided).toBeGreaterThan(0);
    },
    HANG_GUARD_MS,
  );

  (process.env.TEST_DATABASE_URL ? test : test.skip)(
    'when a rebuild settles the outbox while a fold holds the fold lock, then both finish: neither waits for the other in a cycle (migration 0054)',
    async () => {
      // Arrange: a record pending, and a fold that has taken the fold lock but not yet touched the outbox.
      const db = reopened!.db;
      await db.execute(sql`update submissions set state = 'accepted' where id = ${subId(0)}`);
      let releaseFold!: () => void;
      const foldMayGoOn = new Promise<void>((resolve) => (releaseFold = resolve));
      let foldHasLock!: () => void;
      const foldLocked = new Promise<void>((resolve) => (foldHasLock = resolve));
      const fold = db.transaction(async (tx) => {
        await tx.execute(sql`select pg_advisory_xact_lock(7317001)`);
        foldHasLock();
        await foldMayGoOn;
        await tx.execute(sql`delete from fact_outbox_proofs where false`);
      });
      await foldLocked;

      // Act: the settle starts on another connection; once it waits for a lock, the fold goes on.
      const settle = db.transaction(async (tx) => {
        await tx.execute(sql`select derived_facts_settle_proofs()`);
      });
      const deadline = Date.now() + HANG_GUARD_MS / 2;
      for (;;) {
        const [waiting] = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from pg_locks where not granted`,
        );
        if (Number(waiting!.n) > 0) break;
        if (Date.now() > deadline) throw new Error('the settle never waited for a lock');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      releaseFold();
      const outcomes = await Promise.allSettled([fold, settle]);

      // Assert: on the old order (table lock, then fold lock) PostgreSQL aborted one as a deadlock.
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'fulfilled']);
      expect(await pending(db)).toMatchObject({ proofs: 0 });
      await foldUntilEmpty(db);
    },
    HANG_GUARD_MS,
  );
});
