import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../core/shared/paths.js';
import type { Logger } from '../../core/shared/logger.js';
import { buildViteApp } from '../vite-build.js';

export const LIFF_APP_DIR = join(projectRoot, 'liff-app');
const SOURCE_ENTRIES = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json'];

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Whether `outDir` holds a build of the current sources in the wanted mode (the mock for local mode,
 * the real LIFF SDK otherwise): `missing`, `stale`, `wrong_mode`, or `fresh`. Without sources (a
 * deployment that ships only the build), whatever is there counts as fresh.
 */
export function liffBuildState({
  outDir,
  mock,
}: {
  outDir: string;
  mock: boolean;
}): 'missing' | 'stale' | 'wrong_mode' | 'fresh' {
  const stampPath = join(outDir, 'build-stamp.json');
  if (!existsSync(join(outDir, 'index.html')) || !existsSync(stampPath)) {
    return existsSync(join(LIFF_APP_DIR, 'src')) ? 'missing' : 'fresh';
  }
  if (!existsSync(join(LIFF_APP_DIR, 'src'))) return 'fresh';
  const stamp = JSON.parse(readFileSync(stampPath, 'utf8')) as { mock?: boolean };
  if (Boolean(stamp.mock) !== mock) return 'wrong_mode';
  const sources = Math.max(
    ...SOURCE_ENTRIES.map((e) => join(LIFF_APP_DIR, e))
      .filter(existsSync)
      .map(newestMtime),
  );
  return sources > statSync(stampPath).mtimeMs ? 'stale' : 'fresh';
}

/** Builds the LIFF app with Vite into `outDir` (a child process: Vite stays out of the server's memory). */
export async function buildLiffApp({ outDir, mock }: { outDir: string; mock: boolean }): Promise<void> {
  await buildViteApp({ appDir: LIFF_APP_DIR, outDir, env: { VITE_LIFF_MOCK: mock ? 'true' : 'false' } });
}

/**
 * `npm start`: builds the LIFF app when its build is missing, older than its sources, or made for the
 * other mode — so a fresh checkout serves /liff/ without a separate build step.
 */
export async function ensureLiffAppBuilt({
  outDir,
  mock,
  logger,
}: {
  outDir: string;
  mock: boolean;
  logger: Logger;
}) {
  const state = liffBuildState({ outDir, mock });
  if (state === 'fresh') return { built: false, state };
  const started = Date.now();
  logger.info({ state, mock }, 'building the LIFF app');
  await buildLiffApp({ outDir, mock });
  logger.info({ ms: Date.now() - started }, 'LIFF app built');
  return { built: true, state };
}
