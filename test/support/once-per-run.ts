import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from './child-worker.js';
import { TEMPLATE_ENV } from './template-env.js';
import { HANG_GUARD_MS } from './timing.js';

/**
 * A folder made once per test run and shared by every test file that asks (jest gives each file its
 * own module registry, so a module-level cache lasts one file only): the first worker to ask fills
 * `<run tmp>/<name>` through `fill` (a lock folder says which), the others wait for it to appear.
 * The global teardown removes the run's folder. Returns undefined outside jest's global setup (no
 * run folder): the caller then makes its own.
 */
export async function oncePerRun(
  name: string,
  fill: (dir: string) => Promise<void>,
): Promise<string | undefined> {
  const runTmp = process.env[TEMPLATE_ENV.tempDir];
  if (!runTmp) return undefined;
  const target = join(runTmp, name);
  const lock = `${target}.lock`;
  for (;;) {
    if (existsSync(target)) return target;
    try {
      mkdirSync(lock);
    } catch {
      await waitUntil(
        async () => (existsSync(target) || !existsSync(lock) ? true : undefined),
        HANG_GUARD_MS,
      );
      continue;
    }
    try {
      const staging = `${target}.${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      await fill(staging);
      renameSync(staging, target);
      return target;
    } finally {
      rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * A read-only folder `fill` makes once per test run (oncePerRun), or once per process into a temporary
 * folder outside jest's global setup; `acquire` gives its path, `release` when done (the process's own
 * copy goes when its last user releases it; the run's copy stays for the other files).
 */
export function sharedFolder(
  name: string,
  fill: (dir: string) => Promise<void>,
): { acquire: () => Promise<string>; release: () => void } {
  let held: { dir: Promise<{ path: string; own: boolean }>; users: number } | undefined;
  return {
    acquire: async () => {
      if (!held) {
        const dir = oncePerRun(name, fill).then(async (shared) => {
          if (shared) return { path: shared, own: false };
          const path = mkdtempSync(join(tmpdir(), `proofline-${name}-`));
          await fill(path);
          return { path, own: true };
        });
        held = { dir, users: 0 };
      }
      held.users += 1;
      return (await held.dir).path;
    },
    release: () => {
      if (!held) return;
      held.users -= 1;
      if (held.users > 0) return;
      const { dir } = held;
      held = undefined;
      void dir.then(({ path, own }) => {
        if (own) rmSync(path, { recursive: true, force: true });
      });
    },
  };
}
