import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { buildLiffApp } from '../../bot/liff/liff.build.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { buildMockLiffApp, releaseMockLiffApp } from './support/liff-build.js';

/** The budget: the home page's JavaScript, gzip-compressed. */
const HOME_JS_BUDGET_BYTES = 150 * 1024;

/** The JavaScript the home page loads: its module script and every chunk that script imports statically. */
function homePageScripts(outDir: string): string[] {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/<script[^>]+src="\/liff\/([^"]+\.js)"/g)].map((m) => m[1]!);
  const preloads = [...html.matchAll(/<link[^>]+rel="modulepreload"[^>]+href="\/liff\/([^"]+\.js)"/g)].map(
    (m) => m[1]!,
  );
  return [...new Set([...entry, ...preloads])];
}

describe('LIFF app size budget', () => {
  let production: string;
  let local: string;
  beforeAll(async () => {
    production = mkdtempSync(join(tmpdir(), 'proofline-liff-prod-'));
    await buildLiffApp({ outDir: production, mock: false });
    // The local-mode build the browser tests serve (built once per run).
    local = await buildMockLiffApp();
  }, HANG_GUARD_MS);
  afterAll(() => {
    rmSync(production, { recursive: true, force: true });
    releaseMockLiffApp();
  });

  test('when built for production, then the home page JavaScript is at most 150 KB gzip', () => {
    const scripts = homePageScripts(production);
    expect(scripts.length).toBeGreaterThan(0);
    const gzipBytes = scripts.reduce(
      (sum, file) => sum + gzipSync(readFileSync(join(production, file)), { level: 9 }).length,
      0,
    );
    console.log(`LIFF home page JS: ${scripts.join(', ')} = ${(gzipBytes / 1024).toFixed(1)} KB gzip`);
    expect(gzipBytes).toBeLessThanOrEqual(HOME_JS_BUDGET_BYTES);
  });

  test('when built for production, then @line/liff-mock is not in the output; in local mode it is a separate chunk', () => {
    const chunks = (dir: string) =>
      readdirSync(join(dir, 'assets'))
        .filter((f) => f.endsWith('.js'))
        .map((f) => ({ file: `assets/${f}`, code: readFileSync(join(dir, 'assets', f), 'utf8') }));
    // `mockStore` is the mock's implementation (the entry only names the export it imports lazily).
    const isMock = (code: string) => code.includes('mockStore');
    expect(chunks(production).some((c) => isMock(c.code))).toBe(false);
    const mockChunks = chunks(local).filter((c) => isMock(c.code));
    expect(mockChunks).toHaveLength(1);
    expect(homePageScripts(local)).not.toContain(mockChunks[0]!.file);
  });
});
