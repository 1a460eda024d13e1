import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { runCli } from '../support/cli.js';
import { copySeededDemoDir } from '../support/seeded-demo-dir.js';
import { HANG_GUARD_MS } from '../support/timing.js';

/** The LINE operator commands, run as the real CLI against a PGlite directory and the LINE simulator. */
describe('proofline channel / line / events', () => {
  let dir: string;
  let sim: LineSimulator;
  let env: Record<string, string>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'proofline-line-cli-'));
    sim = await startLineSimulator();
    // What `proofline seed-demo` leaves (seeded once per test run, copied here).
    env = {
      ...(await copySeededDemoDir(dir)),
      LINE_API_BASE_URL: sim.url,
      LINE_DATA_API_BASE_URL: sim.url,
      DEMO_SEED: 'false',
    };
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await sim?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(
    'when a channel is added to a brand, then it is listed with masked credentials and its webhook URL',
    async () => {
      const added = await runCli(
        [
          'channel',
          'add',
          '--brand',
          'demo-tea',
          '--channel-id',
          '1657000001',
          '--secret',
          'a-very-secret-secret',
          '--token',
          'token-token-token',
          '--liff-id',
          '1657000001-abc',
        ],
        env,
      );
      const listed = await runCli(['channel', 'list', '--brand', 'demo-tea'], env);

      expect(added.code).toBe(0);
      expect(added.stdout).toContain('/webhook/1657000001');
      expect(listed.stdout).toContain('1657000001');
      expect(listed.stdout).toContain('liff 1657000001-abc');
      expect(listed.stdout).not.toContain('a-very-secret-secret');
    },
    HANG_GUARD_MS,
  );

  test(
    'when the brand does not exist, then channel add says which brands do',
    async () => {
      const result = await runCli(
        ['channel', 'add', '--brand', 'nope', '--channel-id', '1657000002', '--secret', 's', '--token', 't'],
        env,
      );

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('demo-tea');
    },
    HANG_GUARD_MS,
  );

  test(
    'when setup-richmenu runs, then LINE has a default rich menu with the image and the LIFF links',
    async () => {
      sim.state.channels.set('1657000001', {
        lineChannelId: '1657000001',
        channelSecret: 'a-very-secret-secret',
        channelAccessToken: 'token-token-token',
        webhookUrl: undefined,
        defaultRichMenuId: undefined,
      });

      const result = await runCli(['line', 'setup-richmenu', '--channel', '1657000001'], env);

      expect(result.code).toBe(0);
      const channel = sim.state.channels.get('1657000001');
      const menu = sim.state.richMenus.get(channel?.defaultRichMenuId ?? '');
      expect(menu?.image?.contentType).toBe('image/png');
      expect(JSON.stringify(menu?.definition)).toContain('https://liff.line.me/1657000001-abc/submit');
      expect(result.stdout).toContain(`default rich menu ${menu?.richMenuId}`);
    },
    HANG_GUARD_MS,
  );

  test(
    'when the channel token is wrong, then setup-richmenu fails with LINE’s 401',
    async () => {
      const result = await runCli(['line', 'setup-richmenu', '--channel', '2000000001'], env);

      expect(result.code).toBe(1);
      expect(result.stderr).toContain('401');
    },
    HANG_GUARD_MS,
  );

  test(
    'when there are no failed events, then list-failed says so and retry needs ids or --all',
    async () => {
      const listed = await runCli(['events', 'list-failed'], env);
      const retry = await runCli(['events', 'retry'], env);

      expect(listed.stdout).toContain('no failed events');
      expect(retry.code).toBe(2);
    },
    HANG_GUARD_MS,
  );
});
