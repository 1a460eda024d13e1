import { afterEach, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { memberCohorts, proofFunnel, proofFunnelFromSubmissions } from '../../core/analytics/index.js';
import { queryRows, type Executor } from '../../core/db/database.js';
import { submissions } from '../../core/db/schema.js';
import { foldPendingFacts } from '../../core/fact-outbox/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { seedOutboxBrand } from './fixtures/outbox-brand.js';

/*
 * Readers of the derived tables and the fact outbox (issue 17, migration 0053): the funnel and cohorts
 * queries are the one place that folds before they read, on the primary when they read a replica; a
 * reader folds in bounded chunks, each its own statement, never the whole backlog at once.
 */

const BRAND = 'brd_fr';
const CAMPAIGN = 'cmp_fr';
const PROOFS = 30;
const MEMBERS = 5;

async function seed(db: Executor) {
  await seedOutboxBrand(db, 'fr', MEMBERS);
  // One statement per proof: one outbox record each, so a fold's limit counts proofs.
  for (let i = 0; i < PROOFS; i++)
    await db.insert(submissions).values({
      id: `sub_fr${i}`,
      brandId: BRAND,
      campaignId: CAMPAIGN,
      memberId: `mbr_fr${i % MEMBERS}`,
      kind: 'einvoice_qr' as const,
      channel: 'chat' as const,
      rawInput: {},
      state: i % 3 === 0 ? ('accepted' as const) : ('parsed' as const),
      createdAt: new Date(Date.UTC(2026, 1, 1 + (i % 27), 3)),
    });
}

const pending = async (db: Executor) => {
  const [row] = await queryRows<{ proofs: number }>(
    db,
    sql`select count(*)::int as proofs from fact_outbox_proofs`,
  );
  return row!.proofs;
};

const opened: TestDatabase[] = [];
async function open(onStatement?: (statement: string) => void) {
  const database = await createTestDatabase({}, onStatement ? { onStatement } : {});
  opened.push(database);
  await seed(database.db);
  return database;
}
afterEach(async () => {
  for (const database of opened.splice(0)) await database.close();
});

describe('the funnel and cohort queries fold once, on the primary', () => {
  test(
    'when the funnel and the cohorts are read from a replica, then what is pending is folded on the primary only, by the query, and never on the replica',
    async () => {
      const folds = { main: 0, replica: 0 };
      const count = (where: keyof typeof folds) => (statement: string) => {
        if (statement.includes('derived_facts_fold')) folds[where] += 1;
      };
      const main = await open(count('main'));
      // A stand-in for a replica: a database of its own, its outbox left as it was copied.
      const replica = await open(count('replica'));
      expect(await pending(main.db)).toBe(PROOFS);

      await proofFunnel(replica.db, { brandId: BRAND }, { primary: main.db });
      await memberCohorts(replica.db, { brandId: BRAND }, { primary: main.db });

      expect(await pending(main.db)).toBe(0);
      expect(await pending(replica.db)).toBe(PROOFS);
      expect(folds.replica).toBe(0);
      expect(folds.main).toBeGreaterThan(0);
      // Read where it is folded, the funnel counts every proof.
      expect(await proofFunnel(main.db, { brandId: BRAND })).toEqual(
        await proofFunnelFromSubmissions(main.db, { brandId: BRAND }),
      );
    },
    HANG_GUARD_MS,
  );
});

describe('a reader folds a backlog in bounded chunks', () => {
  test(
    'when a reader meets a backlog larger than its chunks, then it folds at most its chunks, one statement each, and the rest is folded by the next fold',
    async () => {
      const statements: string[] = [];
      const database = await open((statement) => {
        if (statement.includes('derived_facts_fold')) statements.push(statement);
      });
      expect(await pending(database.db)).toBe(PROOFS);

      const folded = await foldPendingFacts(database.db, { limit: 4, maxChunks: 3 });
      expect(folded).toBeLessThanOrEqual(3 * 4 * 2);
      expect(await pending(database.db)).toBe(PROOFS - 3 * 4);
      expect(statements).toHaveLength(3);

      await foldPendingFacts(database.db, { limit: 4, maxChunks: 100 });
      expect(await pending(database.db)).toBe(0);
      expect(await proofFunnel(database.db, { brandId: BRAND })).toEqual(
        await proofFunnelFromSubmissions(database.db, { brandId: BRAND }),
      );
    },
    HANG_GUARD_MS,
  );
});
