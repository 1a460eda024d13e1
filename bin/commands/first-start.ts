import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../../core/config/config.js';
import { acquireDataDirLock, DATA_DIR_LOCK_FILE } from '../../core/db/data-dir-lock.js';
import { resolveFromCwd } from '../../core/shared/paths.js';

/**
 * Written into a new PGlite data dir before its first start prepares it (initdb, migrations, the demo seed)
 * and removed once that finished. Found at a later start, it means the preparation was interrupted (Ctrl-C,
 * a kill, a crash) and the directory holds half a database: it is cleared and prepared again, instead of
 * serving a half-seeded demo. Directories prepared before the marker existed never carry it.
 */
export const PREPARING_MARKER = '.proofline-preparing';

export type DataDirState =
  { kind: 'ready' } | { kind: 'new'; dir: string } | { kind: 'interrupted'; dir: string };

/** What a start finds in its PGlite data dir; `ready` too for PostgreSQL and in-memory PGlite. */
export function pgliteDataDirState(config: Config): DataDirState {
  const dataDir = config.database.pgliteDataDir;
  if (config.database.url || !dataDir || dataDir.startsWith('memory://')) return { kind: 'ready' };
  const dir = resolveFromCwd(dataDir);
  if (existsSync(join(dir, PREPARING_MARKER))) return { kind: 'interrupted', dir };
  return existsSync(join(dir, 'PG_VERSION')) ? { kind: 'ready' } : { kind: 'new', dir };
}

/**
 * Marks the directory as being prepared, first emptying it when an earlier preparation was interrupted
 * (its contents, not the directory itself, which may be a mount point). Holds the directory's lock while
 * it does, so a directory another process is preparing or serving is refused, never cleared.
 */
export function beginPreparing(state: Exclude<DataDirState, { kind: 'ready' }>): void {
  mkdirSync(state.dir, { recursive: true });
  const lock = acquireDataDirLock(state.dir);
  try {
    if (state.kind === 'interrupted')
      for (const entry of readdirSync(state.dir))
        if (entry !== DATA_DIR_LOCK_FILE) rmSync(join(state.dir, entry), { recursive: true, force: true });
    writeFileSync(join(state.dir, PREPARING_MARKER), `${new Date().toISOString()}\n`);
  } finally {
    lock.release();
  }
}

export function finishPreparing(dir: string): void {
  rmSync(join(dir, PREPARING_MARKER), { force: true });
}
