import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { like } from 'drizzle-orm';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brands } from '../../core/brands/index.js';
import { campaigns } from '../../core/campaigns/index.js';
import { createDatabase } from '../../core/db/database.js';
import { outboundMessages } from '../../core/db/schema.js';
import { lotteryEntries } from '../../core/draws/index.js';
import { members } from '../../core/members/index.js';
import { submissions } from '../../core/submissions/index.js';
import { runCli } from '../support/cli.js';
import { copySeededDemoDir } from '../support/seeded-demo-dir.js';
import { HANG_GUARD_MS } from '../support/timing.js';

/**
 * The CLI names brands, campaigns and members by slug or id, answers a clear not_found for one that does
 * not exist, and a draw run from the CLI tells its winner in the chat once however often it is run.
 */
describe('proofline draw and points with slugs (CLI, on a PGlite folder)', () => {
  let dir: string;
  let env: Record<string, string>;
  const withDatabase = async <T>(
    work: (db: Awaited<ReturnType<typeof createDatabase>>['db']) => Promise<T>,
  ) => {
    const handle = await createDatabase({ pgliteDataDir: env.PGLITE_DATA_DIR as string });
    try {
      return await work(handle.db);
    } finally {
      await handle.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'proofline-draw-cli-'));
    // What `proofline seed-demo` leaves (seeded once per test run, copied here).
    env = { ...(await copySeededDemoDir(dir)), DEMO_SEED: 'false' };
    // One member with one entry earned on 2 January 2026 in the demo campaign.
    await withDatabase(async (db) => {
      const [brand] = await db.select().from(brands).limit(1);
      const [campaign] = await db.select().from(campaigns).limit(1);
      const brandId = brand?.id as string;
      const campaignId = campaign?.id as string;
      await db.insert(members).values({
        id: 'mbr_cli_1',
        brandId,
        lineUserId: 'U0000000000000000000000000000c1i',
        locale: 'en',
        externalMemberNo: 'M-0001',
      });
      await db.insert(submissions).values({
        id: 'sub_cli_1',
        brandId,
        campaignId,
        memberId: 'mbr_cli_1',
        kind: 'einvoice_qr',
        channel: 'chat',
        rawInput: {},
        state: 'accepted',
      });
      await db.insert(lotteryEntries).values({
        id: 'ent_cli_1',
        brandId,
        campaignId,
        memberId: 'mbr_cli_1',
        submissionId: 'sub_cli_1',
        weight: 1,
        earnedAt: new Date('2026-01-02T00:00:00Z'),
      });
    });
  }, HANG_GUARD_MS);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('when a brand, campaign or member names nothing, then the CLI says which, exit 1, no stack trace', async () => {
    const balance = await runCli(['points', 'balance', '--brand', 'demo-tea', '--member', 'nobody'], env);
    expect(balance.code).toBe(1);
    expect(balance.stderr).toContain('member.not_found');
    expect(balance.stderr).toContain('"nobody"');
    const draw = await runCli(
      [
        'draw',
        'create',
        '--brand',
        'demo-tea',
        '--campaign',
        'no-such',
        '--from',
        '2026-01-01T00:00:00Z',
      ].concat(['--to', '2026-01-08T00:00:00Z', '--prize', 'grand:1:Bike']),
      env,
    );
    expect(draw.code).toBe(1);
    expect(draw.stderr).toContain('No campaign "no-such"');
    expect(draw.stderr).not.toMatch(/DrizzleQueryError|at .*\.js/);
    const brand = await runCli(['draw', 'list', '--brand', 'no-brand'], env);
    expect(brand.code).toBe(1);
    expect(brand.stderr).toContain('No brand "no-brand"');
  });

  test('when points are adjusted by member number on the brand slug, then the balance is read back', async () => {
    const adjusted = await runCli(
      ['points', 'adjust', '--brand', 'demo-tea', '--member', 'M-0001', '--points', '15'].concat([
        '--reason',
        'goodwill',
        '--actor',
        'ops',
        '--key',
        'cli-adjust-1',
      ]),
      env,
    );
    expect(adjusted.code).toBe(0);
    const balance = await runCli(['points', 'balance', '--brand', 'demo-tea', '--member', 'mbr_cli_1'], env);
    expect(JSON.parse(balance.stdout)).toMatchObject({ balance: 15, brand: { slug: 'demo-tea' } });
  });

  test('when a draw is created on slugs and run twice from the CLI, then the winner is told once', async () => {
    const created = await runCli(
      ['draw', 'create', '--brand', 'demo-tea', '--campaign', 'spring-tea', '--name', 'New year'].concat([
        '--from',
        '2026-01-01T00:00:00Z',
        '--to',
        '2026-01-08T00:00:00Z',
        '--prize',
        'grand:1:Bike',
      ]),
      env,
    );
    expect(created.code).toBe(0);
    const drawId = JSON.parse(created.stdout).id as string;
    const first = await runCli(['draw', 'run', '--brand', 'demo-tea', '--draw', drawId], env);
    const second = await runCli(['draw', 'run', '--brand', 'demo-tea', '--draw', drawId], env);
    expect(JSON.parse(first.stdout)).toMatchObject({
      alreadyDrawn: false,
      winners: [{ memberId: 'mbr_cli_1', told: true }],
    });
    expect(JSON.parse(second.stdout).alreadyDrawn).toBe(true);
    const listed = await runCli(['draw', 'list', '--brand', 'demo-tea'], env);
    expect(listed.stdout).toContain(`${drawId}  campaign spring-tea`);
    expect(listed.stdout).toContain('winners 1, told 1');

    const told = await withDatabase((db) =>
      db.select().from(outboundMessages).where(like(outboundMessages.dedupeKey, 'draw-win:%')),
    );
    expect(told.map((message) => [message.memberId, message.kind])).toEqual([['mbr_cli_1', 'push']]);
  });
});
