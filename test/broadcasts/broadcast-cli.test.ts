import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { lineChannels } from '../../core/brands/index.js';
import { createDatabase } from '../../core/db/database.js';
import { members } from '../../core/members/index.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { runCli } from '../support/cli.js';
import { copySeededDemoDir } from '../support/seeded-demo-dir.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const lineIdOf = (n: number) => `U${(0xcc000 + n).toString(16).padStart(32, '0')}`;

/** `proofline broadcast send`, run as the real CLI against a PGlite directory and the LINE simulator. */
describe('proofline broadcast send', () => {
  let dir: string;
  let sim: LineSimulator;
  let env: Record<string, string>;
  let brandId: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'proofline-broadcast-cli-'));
    sim = await startLineSimulator();
    // What `proofline seed-demo` leaves (seeded once per test run, copied here).
    env = {
      ...(await copySeededDemoDir(dir)),
      LINE_API_BASE_URL: sim.url,
      LINE_DATA_API_BASE_URL: sim.url,
    };
    // Three members of the demo brand who follow its (simulated) channel.
    const database = await createDatabase({ pgliteDataDir: env.PGLITE_DATA_DIR });
    const [channel] = await database.db.select().from(lineChannels);
    brandId = channel!.brandId;
    await database.db.insert(members).values(
      [1, 2, 3].map((n) => ({
        id: `mbr_cli${n}`,
        brandId: channel!.brandId,
        lineUserId: lineIdOf(n),
        locale: 'zh-TW' as const,
      })),
    );
    await database.close();
    sim.state.channels.set(channel!.lineChannelId, {
      lineChannelId: channel!.lineChannelId,
      channelSecret: channel!.channelSecret,
      channelAccessToken: channel!.channelAccessToken,
      webhookUrl: undefined,
      defaultRichMenuId: undefined,
    });
    for (const n of [1, 2, 3]) sim.state.friends.add(`${channel!.lineChannelId}:${lineIdOf(n)}`);
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(
    'when sent to all with --now --wait, then it prints the finished broadcast and each member got it once',
    async () => {
      const result = await runCli(
        ['broadcast', 'send', '--brand', brandId, '--segment', 'all', '--text', '好茶週', '--now', '--wait'],
        env,
      );

      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      const report = JSON.parse(result.stdout) as { state: string; recipients: number; sent: number };
      // The demo brand's own members are reached too; every recipient is sent to.
      // No --mid-send: the brand's setting (the demo brand's is the default, wait).
      expect(report).toMatchObject({
        state: 'sent',
        sent: report.recipients,
        failed: 0,
        quietHoursMidSend: 'wait',
      });
      expect(report.recipients).toBeGreaterThanOrEqual(3);
      for (const n of [1, 2, 3])
        expect(sim.state.deliveries.get(`${[...sim.state.channels.keys()][0]}:${lineIdOf(n)}`)).toBe(1);
    },
    HANG_GUARD_MS,
  );

  test(
    'when --mid-send skip is given, then the broadcast keeps that choice instead of the brand’s',
    async () => {
      const result = await runCli(
        [
          'broadcast',
          'send',
          '--brand',
          brandId,
          '--segment',
          'all',
          '--text',
          '午後茶',
          '--mid-send',
          'skip',
        ],
        env,
      );

      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(result.stdout)).toMatchObject({ quietHoursMidSend: 'skip' });
    },
    HANG_GUARD_MS,
  );

  test('when --mid-send is neither wait nor skip, then it exits 2 naming the option and sends nothing', async () => {
    const before = [...sim.state.deliveries.values()].reduce((sum, n) => sum + n, 0);
    const result = await runCli(
      ['broadcast', 'send', '--brand', brandId, '--segment', 'all', '--text', 'x', '--mid-send', 'later'],
      env,
    );

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--mid-send must be wait or skip');
    expect([...sim.state.deliveries.values()].reduce((sum, n) => sum + n, 0)).toBe(before);
  });

  test('when the text or segment is missing, then it exits 2 naming the option', async () => {
    const result = await runCli(['broadcast', 'send', '--segment', 'all'], env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--text');
  });
});
