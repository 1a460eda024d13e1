import { createDatabase, type Database, type DatabaseHandle } from '../../core/db/database.js';
import {
  canonicalizeEntries,
  computeDrawWinners,
  computeEntriesDigest,
  type PublishedEntry,
} from '../../core/draws/index.js';
import { adjustPoints, createReward, redeemReward } from '../../core/rewards/index.js';
import { systemClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { compare, medianMs, round, timeIt, type BenchCase, type BenchMeasurement } from '../bench.types.js';
import { seedBenchBrand, seedBenchMembers } from '../support/bench-brand.js';

const REDEMPTIONS = Number(process.env.BENCH_REDEMPTIONS ?? 200);
const CONCURRENCY = 16;
const DRAW_ENTRIES = Number(process.env.BENCH_DRAW_ENTRIES ?? 1_000_000);

/** Runs `tasks` with at most `limit` in flight. */
async function pool(tasks: (() => Promise<unknown>)[], limit: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, tasks.length) }, async () => {
      while (next < tasks.length) {
        const task = tasks[next++] as () => Promise<unknown>;
        await task();
      }
    }),
  );
}

async function seedMembers(db: Database, run: string, count: number) {
  const generateId = createIdGenerator();
  const brandId = `brd_bench${run}`;
  await seedBenchBrand(db, {
    brandId,
    slug: `bench-${run}`,
    campaign: {
      id: `cmp_bench${run}`,
      purchaseFrom: '2026-01-01',
      purchaseTo: '2026-12-31',
      registerFrom: new Date('2026-01-01T00:00:00Z'),
      registerTo: new Date('2027-01-01T00:00:00Z'),
    },
  });
  const memberIds = Array.from({ length: count }, (_, index) => `mbr_bench${run}_${index}`);
  await seedBenchMembers(db, brandId, memberIds);
  for (const memberId of memberIds) {
    await adjustPoints({
      db,
      generateId,
      clock: systemClock,
      brandId,
      memberId,
      points: 1_000,
      reason: 'bench',
      actor: 'bench',
    });
  }
  return { brandId, memberIds, generateId };
}

/**
 * Redemptions per second when every request fights for the same reward row (the stock counter) against
 * the same number of requests spread over one reward each (no shared row). Each member redeems once, so
 * the member lock is never contended: the ratio isolates the stock row.
 */
async function redemptionThroughput(label: string, handle: DatabaseHandle): Promise<BenchMeasurement> {
  const { db } = handle;
  const run = Date.now().toString(36);
  const WARM_UP = 20;
  const { brandId, memberIds, generateId } = await seedMembers(db, run, REDEMPTIONS * 2 + WARM_UP);
  const shared = await createReward({
    db,
    generateId,
    reward: { brandId, kind: 'item', name: { en: 'Shared' }, pointsPrice: 10, stock: REDEMPTIONS },
  });
  const own: Awaited<ReturnType<typeof createReward>>[] = [];
  for (let index = 0; index < REDEMPTIONS; index++) {
    own.push(
      await createReward({
        db,
        generateId,
        reward: { brandId, kind: 'item', name: { en: `Own ${index}` }, pointsPrice: 10, stock: 1 },
      }),
    );
  }
  const redeem = (memberId: string, rewardId: string, key: string) => () =>
    redeemReward({ db, generateId, clock: systemClock, brandId, memberId, rewardId, idempotencyKey: key });

  // Warm up the pool, the JIT and the plans first, so the first measured series is not penalised.
  const warmUp = [];
  for (let index = 0; index < WARM_UP; index++) {
    const reward = await createReward({
      db,
      generateId,
      reward: { brandId, kind: 'item', name: { en: `Warm ${index}` }, pointsPrice: 10, stock: 1 },
    });
    warmUp.push(redeem(memberIds[REDEMPTIONS * 2 + index] as string, reward.id, `warm-${index}`));
  }
  await pool(warmUp, CONCURRENCY);
  const uncontendedMs = await timeIt(() =>
    pool(
      own.map((reward, index) => redeem(memberIds[index] as string, reward.id, `own-${index}`)),
      CONCURRENCY,
    ),
  );
  const contendedMs = await timeIt(() =>
    pool(
      Array.from({ length: REDEMPTIONS }, (_, index) =>
        redeem(memberIds[REDEMPTIONS + index] as string, shared.id, `shared-${index}`),
      ),
      CONCURRENCY,
    ),
  );
  const perSecond = (ms: number) => (REDEMPTIONS / ms) * 1000;
  return compare(
    `${label}: ${REDEMPTIONS} redemptions of ONE reward, ${CONCURRENCY} in flight`,
    'redemptions/s',
    perSecond(contendedMs),
    { name: `${REDEMPTIONS} redemptions of distinct rewards`, value: perSecond(uncontendedMs) },
    'ratio < 1: contention cost on the stock row',
  );
}

function syntheticEntries(count: number): PublishedEntry[] {
  // Deterministic, shuffled-looking ids so the canonical sort has real work to do.
  const entries: PublishedEntry[] = new Array(count);
  let state = 0x9e3779b9;
  for (let index = 0; index < count; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    entries[index] = {
      id: `ent_${state.toString(36).padStart(7, '0')}${index.toString(36)}`,
      member: `p_${(state % Math.max(1, Math.floor(count / 8))).toString(16).padStart(20, '0')}`,
      weight: 1 + (state % 5),
    };
  }
  return entries;
}

const rewardsBench: BenchCase = {
  name: 'rewards: redemption under contention, draw over 1,000,000 entries',
  issue: 6,
  run: async () => {
    const measurements: BenchMeasurement[] = [];

    const entries = syntheticEntries(DRAW_ENTRIES);
    const rules = {
      prizes: [
        { key: 'grand', quantity: 1 },
        { key: 'second', quantity: 10 },
        { key: 'third', quantity: 100 },
      ],
      maxWinsPerMember: 1,
      reserveCount: 20,
    };
    const seed = 'ab'.repeat(32);
    const drawMs = await medianMs(() => computeDrawWinners({ seed, entries, rules }), 1);
    const baselineMs = await medianMs(() => computeEntriesDigest(canonicalizeEntries(entries)), 1);
    measurements.push(
      compare(
        `draw over ${DRAW_ENTRIES.toLocaleString('en')} entries (131 places, cap 1)`,
        'ms',
        drawMs,
        { name: 'sort + SHA-256 digest of the same entries', value: baselineMs },
        `${round(drawMs - baselineMs)} ms beyond sorting and hashing`,
      ),
    );

    const targets: { label: string; open: () => Promise<DatabaseHandle> }[] = [
      { label: 'pglite', open: () => createDatabase({ pgliteDataDir: 'memory://' }) },
    ];
    const serverUrl = process.env.BENCH_DATABASE_URL;
    if (serverUrl)
      targets.push({ label: 'postgresql', open: () => createDatabase({ url: serverUrl, poolMax: 16 }) });
    for (const target of targets) {
      const handle = await target.open();
      try {
        await handle.migrate();
        measurements.push(await redemptionThroughput(target.label, handle));
      } finally {
        await handle.close();
      }
    }
    return measurements;
  },
};

export default rewardsBench;
