import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { runCli, startCli } from '../support/cli.js';

/**
 * A LIFF build for a simulated channel, as `VITE_LIFF_MOCK=true npm run build` leaves it (its page and
 * stamp): outside local mode the server refuses to start without one, and this file is about the
 * banner, not the LIFF app — so it does not depend on what liff-app/dist holds on this checkout.
 */
function mockLiffBuild(): string {
  const dir = mkdtempSync(join(tmpdir(), 'proofline-liff-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>LIFF</title>');
  writeFileSync(join(dir, 'build-stamp.json'), JSON.stringify({ mock: true }));
  return dir;
}

const LINE_CREDENTIALS = {
  LINE_CHANNEL_ID: '1234567890',
  LINE_CHANNEL_SECRET: 'secret',
  LINE_CHANNEL_ACCESS_TOKEN: 'token',
  SESSION_SECRET: 'x'.repeat(32),
};

describe('proofline start outside local mode', () => {
  test('when LINE is real and nothing says what to do about MoF and the rest, then it exits 1 with one line naming them and SIMULATE', async () => {
    const result = await runCli(['start'], { ...LINE_CREDENTIALS, PGLITE_DATA_DIR: 'memory://' });

    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^proofline: configuration error: SIMULATE /);
    expect(lines[0]).toContain('MOF_APP_ID, MOF_API_KEY');
    expect(lines[0]).toContain('MEMBERSHIP_API_BASE_URL');
    expect(lines[0]).toContain('SIMULATE=mof,membership,ocr,s3');
    expect(result.stdout).not.toMatch(/running/);
  });

  test('when config check sees simulated systems, then it lists them and warns on stderr', async () => {
    const result = await runCli(['config', 'check'], { ...LINE_CREDENTIALS, SIMULATE: 'all' });

    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      localMode: false,
      host: '0.0.0.0',
      systems: { line: 'real', mof: 'simulator', membership: 'simulator', ocr: 'simulator', s3: 'simulator' },
      simulated: ['mof', 'membership', 'ocr', 's3'],
    });
    expect(result.stderr).toMatch(
      /WARNING: SIMULATED, NOT REAL: MoF e-invoice platform, brand membership system/,
    );
  });

  test('when started with SIMULATE, then the banner shouts it, it listens on 0.0.0.0 and serves no /dev pages', async () => {
    // Real MoF, everything else simulated on purpose (LINE too: nothing here may call the real LINE).
    const env = {
      MOF_APP_ID: 'EINV0000',
      MOF_API_KEY: 'key',
      SIMULATE: 'all',
      SESSION_SECRET: 'x'.repeat(32),
      PGLITE_DATA_DIR: 'memory://',
      PORT: '0',
      JOBS_ENABLED: 'false',
      LOG_LEVEL: 'warn',
      LIFF_APP_DIR: mockLiffBuild(),
    };
    const app = startCli(['start', '--web-only'], env);
    try {
      const [, url] = await app.waitFor(/health:\s+(http:\/\/\S+)\/healthz/);
      const banner = app.output();

      expect(banner).toMatch(/!!! WARNING: SIMULATED, NOT REAL: LINE Messaging API, brand membership system/);
      expect(banner).toMatch(/MoF e-invoice platform: real/);
      expect(banner).toMatch(/LINE Messaging API: SIMULATED/);
      expect(banner).toMatch(/listening on 0\.0\.0\.0:\d+/);
      expect(banner).not.toMatch(/\/dev\/chat/);
      expect((await fetch(`${url!.replace('localhost', '127.0.0.1')}/dev/chat`)).status).toBe(404);
    } finally {
      app.child.kill('SIGINT');
      await app.exited;
    }
  });
});
