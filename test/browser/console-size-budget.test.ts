import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { HANG_GUARD_MS } from '../support/timing.js';
import { buildConsoleAppOnce, releaseConsoleApp } from './support/console-build.js';

/** The budget: everything the first screen (sign-in + shell) loads, gzip-compressed. */
const FIRST_SCREEN_BUDGET_BYTES = 200 * 1024;

/** The files index.html loads before any page is opened: the entry, its static imports, the styles. */
function firstScreenFiles(outDir: string): string[] {
  const html = readFileSync(join(outDir, 'index.html'), 'utf8');
  const refs = [
    ...html.matchAll(/<script[^>]+src="\/console\/([^"]+)"/g),
    ...html.matchAll(/<link[^>]+rel="(?:modulepreload|stylesheet)"[^>]+href="\/console\/([^"]+)"/g),
  ].map((m) => m[1]!);
  return [...new Set(refs)];
}

let outDir: string;
beforeAll(async () => {
  outDir = await buildConsoleAppOnce();
}, HANG_GUARD_MS);
afterAll(() => releaseConsoleApp());

describe('console app size budget', () => {
  test('when built, then the first screen (sign-in and shell) is at most 200 KB gzip', () => {
    const files = firstScreenFiles(outDir);
    expect(files.some((file) => file.endsWith('.js'))).toBe(true);
    const gzipBytes = files.reduce(
      (sum, file) => sum + gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length,
      0,
    );
    console.log(`console first screen: ${files.join(', ')} = ${(gzipBytes / 1024).toFixed(1)} KB gzip`);
    expect(gzipBytes).toBeLessThanOrEqual(FIRST_SCREEN_BUDGET_BYTES);
  });

  test('when built, then each page is its own chunk, not part of the first screen', () => {
    const first = firstScreenFiles(outDir);
    const chunks = readdirSync(join(outDir, 'assets')).filter((file) => file.endsWith('.js'));
    // One lazy chunk per page at least (the shell's routes.ts loads each with import()).
    expect(chunks.length).toBeGreaterThan(first.filter((file) => file.endsWith('.js')).length + 5);
    const entry = readFileSync(
      join(
        outDir,
        first.find((file) => file.endsWith('.js'))!,
      ),
      'utf8',
    );
    expect(entry).not.toContain('coming.description');
  });
});
