import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import {
  proofFunnel,
  proofFunnelFromSubmissions,
  rebuildAnalyticsRollups,
} from '../../core/analytics/index.js';
import type { Executor } from '../../core/db/database.js';
import { submissions } from '../../core/db/schema.js';
import { foldPendingFacts } from '../../core/fact-outbox/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { writesWhileHeld } from '../support/lock-waits.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { seedOutboxBrand } from './fixtures/outbox-brand.js';

/*
 * A rebuild of one brand's funnel rollups (its time-zone change, rebuildAnalyticsRollups) settles the fact outbox for that brand only (migration 0055): the
 * writes of other brands go on while it runs, the brand's own writes wait for its commit, and every proof is
 * counted once.
 */

const BRANDS = ['brd_sa', 'brd_sb'] as const;
const PROOFS = 8;
const sub = (brand: string, i: number) => `sub_${brand.slice(4)}${i}`;

async function seed(db: Executor) {
  for (const brand of BRANDS) {
    const tag = brand.slice(4);
    await seedOutboxBrand(db, tag, 1);
    await db.insert(submissions).values(
      Array.from({ length: PROOFS }, (_, i) => ({
        id: sub(brand, i),
        brandId: brand,
        campaignId: `cmp_${tag}`,
        memberId: `mbr_${tag}0`,
        kind: 'einvoice_qr' as const,
        channel: 'chat' as const,
        rawInput: {},
        state: 'parsed' as const,
        // Late in the UTC day: a time-zone change moves each proof to another local day.
        createdAt: new Date(Date.UTC(2026, 1, 1 + i, 20)),
      })),
    );
  }
}

/** A brand's time-zone change: its trigger settles the outbox for the brand and rebuilds its funnel. */
const moveBrand = (db: Executor, brandId: string, timezone: string) =>
  db.execute(sql`update brands set timezone = ${timezone} where id = ${brandId}`);

const accept = (db: Executor, id: string) =>
  db.execute(sql`update submissions set state = 'accepted' where id = ${id}`);

/** The funnel of every brand read from its rollups equals the one counted from its submissions. */
async function expectEveryProofOnce(db: Executor) {
  await foldPendingFacts(db, { maxChunks: 1_000 });
  for (const brandId of BRANDS)
    expect({ brandId, funnel: await proofFunnel(db, { brandId }) }).toEqual({
      brandId,
      funnel: await proofFunnelFromSubmissions(db, { brandId }),
    });
}

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await seed(database.db);
}, HANG_GUARD_MS);
afterAll(async () => {
  await database?.close();
});

describe('a rebuild of one brand settles the fact outbox for that brand only', () => {
  test(
    'when a brand’s time zone changes or its rollups are rebuilt with records of both brands pending, then every proof of each is counted once',
    async () => {
      const db = database.db;
      await accept(db, sub(BRANDS[0], 0));
      await accept(db, sub(BRANDS[1], 0));
      await moveBrand(db, BRANDS[0], 'America/Los_Angeles');
      await expectEveryProofOnce(db);
      await accept(db, sub(BRANDS[0], 2));
      await rebuildAnalyticsRollups(db, { brandId: BRANDS[1] });
      await expectEveryProofOnce(db);
    },
    HANG_GUARD_MS,
  );

  (process.env.TEST_DATABASE_URL ? test : test.skip)(
    'when a brand’s time-zone change holds its transaction open, then a write of another brand commits meanwhile, a write of the brand waits for it, and every proof is counted once',
    async () => {
      const db = database.db;
      await accept(db, sub(BRANDS[0], 3));
      const { waited, statuses } = await writesWhileHeld(
        db,
        (tx) => moveBrand(tx, BRANDS[0], 'Asia/Taipei'),
        { other: (tx) => accept(tx, sub(BRANDS[1], 1)), same: (tx) => accept(tx, sub(BRANDS[0], 1)) },
      );
      expect(waited).toEqual({ other: false, same: true });
      expect(statuses).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      await expectEveryProofOnce(db);
    },
    HANG_GUARD_MS,
  );
});
