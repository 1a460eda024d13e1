import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { PGlite } from '@electric-sql/pglite';
import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { createDatabase, type Database } from '../../core/db/database.js';
import {
  computeDrawWinners,
  createDraw,
  drawWinners,
  exportDraw,
  listMemberDraws,
  promoteReserveWinners,
  runDraw,
  verifyDrawExport,
  type DrawExport,
} from '../../core/draws/index.js';
import {
  grantRewardsForSubmission,
  reverseRewardsForSubmission,
  type RewardsNotifier,
} from '../../core/rewards/index.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { migrationsFolder, projectRoot } from '../../core/shared/paths.js';
import { CLI_PATH } from '../support/cli.js';
import { createTestDatabase, seedDatabase, type TestDatabase } from '../support/database.js';
import { TEMPLATE_ENV } from '../support/template-env.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed, submissionId } from '../rewards/fixtures.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const MEMBERS = 12;
const PROOFS = 40;

/** The same story on any database: proofs earn entries during the week, then the draw runs. */
async function drawScenario(db: Database, { seedByte = 7 }: { seedByte?: number } = {}) {
  const generateId = createSequentialIdGenerator();
  const clock = createTestClock({ now: '2026-02-02T00:00:00Z' });
  const notified: string[] = [];
  const notifier: RewardsNotifier = async ({ dedupeKey }) => {
    notified.push(dedupeKey);
  };
  const draw = await createDraw({
    db,
    generateId,
    randomSource: (size) => Buffer.alloc(size, seedByte),
    brandId: BRAND_ID,
    campaignId: CAMPAIGN_ID,
    name: { 'zh-TW': '第一週抽獎', en: 'Week 1' },
    periodFrom: new Date('2026-02-02T00:00:00Z'),
    periodTo: new Date('2026-02-09T00:00:00Z'),
    prizes: [
      { key: 'grand', name: { en: 'Scooter' }, quantity: 1 },
      { key: 'tea', name: { en: 'Tea set' }, quantity: 3 },
    ],
    maxWinsPerMember: 1,
    reserveCount: 2,
  });
  for (let proof = 1; proof <= PROOFS; proof++) {
    clock.advanceHours(3);
    await db.transaction((tx) =>
      grantRewardsForSubmission({
        tx,
        generateId,
        clock,
        submission: {
          id: submissionId(proof),
          brandId: BRAND_ID,
          campaignId: CAMPAIGN_ID,
          memberId: memberId(1 + (proof % MEMBERS)),
        },
        quantities: { points: 0, entries: 1 + (proof % 4), instantWin: 0 },
      }),
    );
  }
  return { draw, generateId, clock, notifier, notified };
}

function seedFor(db: Database) {
  return seedDatabase(
    db,
    rewardsSeed({
      memberCount: MEMBERS,
      submissions: Array.from({ length: PROOFS }, (_, index) => [index + 1, 1 + ((index + 1) % MEMBERS)]),
    }),
  );
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH, HOME: process.env.HOME },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('auditable draws on the database', () => {
  let database: TestDatabase;
  let record: DrawExport;
  const dir = mkdtempSync(join(tmpdir(), 'proofline-draw-'));

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedFor(database.db);
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await database.close();
  });

  test(
    'when the period has not closed, then the draw refuses to run and keeps its seed secret',
    async () => {
      const { draw, generateId, clock } = await drawScenario(database.db);
      expect(draw.seed).toBeNull();
      expect(draw.seedHash).toMatch(/^[0-9a-f]{64}$/);

      const early = await runDraw({
        db: database.db,
        generateId,
        clock,
        brandId: BRAND_ID,
        drawId: draw.id,
      }).catch((error: unknown) => error);
      expect(early).toMatchObject({ code: 'draw.period_not_closed' });
      await expect(exportDraw({ db: database.db, brandId: BRAND_ID, drawId: draw.id })).rejects.toMatchObject(
        {
          code: 'draw.not_drawn',
        },
      );

      clock.set('2026-02-09T00:00:00Z');
      const { notifier, notified } = await drawScenarioNotifier();
      const first = await runDraw({
        db: database.db,
        generateId,
        clock,
        notifier,
        brandId: BRAND_ID,
        drawId: draw.id,
      });
      const second = await runDraw({
        db: database.db,
        generateId,
        clock,
        notifier,
        brandId: BRAND_ID,
        drawId: draw.id,
      });

      expect(first.alreadyDrawn).toBe(false);
      expect(second.alreadyDrawn).toBe(true);
      expect(second.winners.map((winner) => winner.id)).toEqual(first.winners.map((winner) => winner.id));
      expect(first.winners.map((winner) => winner.prizeKey)).toEqual([
        'grand',
        'tea',
        'tea',
        'tea',
        'reserve',
        'reserve',
      ]);
      expect(new Set(first.winners.map((winner) => winner.memberId)).size).toBe(6);
      expect(first.draw.seed).toBe('07'.repeat(32));
      // Prize winners are told once; reserves are not told until they step up.
      expect(notified.sort()).toEqual(
        first.winners
          .filter((winner) => !winner.isReserve)
          .map((winner) => `draw-win:${winner.id}`)
          .sort(),
      );
      const stored = await database.db.select().from(drawWinners).where(eq(drawWinners.drawId, draw.id));
      expect(stored.filter((winner) => winner.notifiedAt !== null)).toHaveLength(4);

      record = await exportDraw({ db: database.db, brandId: BRAND_ID, drawId: draw.id });
      expect(record.entries).toHaveLength(PROOFS);
      expect(JSON.stringify(record)).not.toMatch(/mbr_|U0000/);
      expect(verifyDrawExport(record).ok).toBe(true);
    },
    HANG_GUARD_MS,
  );

  test('when a winning proof is reversed after the draw, then the export still verifies and the win is forfeited', async () => {
    const winner = record.winners[0]!;
    const [row] = await database.db.select().from(drawWinners).where(eq(drawWinners.entryId, winner.entryId));
    const { lotteryEntries } = await import('../../core/draws/index.js');
    const [entry] = await database.db
      .select()
      .from(lotteryEntries)
      .where(eq(lotteryEntries.id, winner.entryId));
    const clock = createTestClock({ now: '2026-02-10T00:00:00Z' });

    const reversed = await database.db.transaction((tx) =>
      reverseRewardsForSubmission({
        tx,
        generateId: createSequentialIdGenerator(),
        clock,
        submissionId: entry!.submissionId,
        reason: 'fraud',
        actor: 'usr_reviewer',
      }),
    );

    expect(reversed.winsForfeited).toBe(1);
    const [after] = await database.db.select().from(drawWinners).where(eq(drawWinners.id, row!.id));
    expect(after?.status).toBe('forfeited');
    const { notifier, notified } = await drawScenarioNotifier();
    const promoted = await promoteReserveWinners({
      db: database.db,
      clock,
      notifier,
      brandId: BRAND_ID,
      drawId: record.draw.id,
    });
    const promotedAgain = await promoteReserveWinners({
      db: database.db,
      clock,
      notifier,
      brandId: BRAND_ID,
      drawId: record.draw.id,
    });
    const firstReserve = record.winners.find((pick) => pick.isReserve)!;
    const [reserveRow] = await database.db
      .select()
      .from(drawWinners)
      .where(eq(drawWinners.entryId, firstReserve.entryId));
    expect(promoted).toEqual({
      promoted: [{ reserveId: reserveRow!.id, replacesId: row!.id, prizeKey: 'grand' }],
      unfilled: 0,
    });
    expect(promotedAgain.promoted).toEqual([]);
    expect(reserveRow).toMatchObject({
      awardedPrizeKey: 'grand',
      replacesId: row!.id,
      isReserve: true,
      prizeKey: 'reserve',
    });
    expect(notified).toEqual([`draw-win:${reserveRow!.id}`]);
    const again = await exportDraw({ db: database.db, brandId: BRAND_ID, drawId: record.draw.id });
    // The drawn record is unchanged (it still verifies); what became of the places is in `payouts`.
    const { payouts, ...drawn } = again;
    const { payouts: _before, ...drawnBefore } = record;
    expect(drawn).toEqual(drawnBefore);
    expect(payouts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ rank: row!.rank, status: 'forfeited' }),
        expect.objectContaining({ awardedPrizeKey: 'grand', replacesRank: row!.rank, told: true }),
      ]),
    );
    expect(verifyDrawExport(again).ok).toBe(true);
    const views = await listMemberDraws({ db: database.db, brandId: BRAND_ID, memberId: row!.memberId });
    expect(views[0]?.myPseudonym).toBe(winner.member);
    expect(views[0]?.myWins[0]).toMatchObject({ rank: 1, status: 'forfeited' });
  });

  test(
    'when the same seed and entries are drawn on another database (PGlite), then the winners are identical',
    async () => {
      // The migrated template jest's global setup made (falls back to migrating from scratch).
      const template = process.env[TEMPLATE_ENV.pgliteTemplatePath];
      const pglite = template
        ? await PGlite.create({ loadDataDir: new Blob([readFileSync(template)]) })
        : await PGlite.create();
      if (!template) await migrate(drizzle(pglite), { migrationsFolder });
      const other = await createDatabase({ pglite });
      try {
        await seedFor(other.db);
        const { draw, generateId, clock } = await drawScenario(other.db);
        clock.set('2026-02-09T00:00:00Z');
        await runDraw({ db: other.db, generateId, clock, brandId: BRAND_ID, drawId: draw.id });
        const otherRecord = await exportDraw({ db: other.db, brandId: BRAND_ID, drawId: draw.id });
        expect(otherRecord.entriesDigest).toBe(record.entriesDigest);
        expect(otherRecord.winners).toEqual(record.winners);
        expect(
          computeDrawWinners({ seed: record.seed, entries: record.entries, rules: record.rules }).picks,
        ).toEqual(record.winners);
      } finally {
        await other.close();
      }
    },
    HANG_GUARD_MS,
  );

  test(
    'when `proofline draw verify` reads the real export, then it says MATCH (exit 0); a tampered one fails (exit 1)',
    async () => {
      const real = join(dir, 'draw.json');
      writeFileSync(real, JSON.stringify(record, null, 2));
      const tamperedEntry = structuredClone(record);
      tamperedEntry.entries[5]!.weight += 1;
      const tamperedWinner = structuredClone(record);
      tamperedWinner.winners[1]!.entryId = tamperedWinner.entries.find(
        (entry) => !record.winners.some((winner) => winner.entryId === entry.id),
      )!.id;
      const tamperedSeed = structuredClone(record);
      tamperedSeed.seed = '08'.repeat(32);
      const files = { tamperedEntry, tamperedWinner, tamperedSeed };
      for (const [name, content] of Object.entries(files))
        writeFileSync(join(dir, `${name}.json`), JSON.stringify(content));

      const [ok, ...tampered] = await Promise.all([
        runCli(['draw', 'verify', real]),
        ...Object.keys(files).map((name) => runCli(['draw', 'verify', join(dir, `${name}.json`)])),
      ]);
      expect(ok!.stdout).toContain('MATCH');
      expect(ok!.code).toBe(0);
      for (const [index, name] of Object.keys(files).entries()) {
        const result = tampered[index]!;
        expect({ name, code: result.code, mismatch: result.stdout.includes('MISMATCH') }).toEqual({
          name,
          code: 1,
          mismatch: true,
        });
      }
      expect(readFileSync(real, 'utf8')).toContain(record.entriesDigest);
    },
    HANG_GUARD_MS,
  );
});

async function drawScenarioNotifier() {
  const notified: string[] = [];
  const notifier: RewardsNotifier = async ({ dedupeKey }) => {
    notified.push(dedupeKey);
  };
  return { notifier, notified };
}
