import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDatabase, type DatabaseHandle } from '../../core/db/database.js';
import { createPgliteDataDir, createTestDatabase, type TestDatabase } from './database.js';

/** A database that worker child processes open too (crash tests), and how to hand it over to them. */
export type ChildDatabase = {
  /** This process's handle: seed and arrange through it, before `handOver`. */
  database: TestDatabase | DatabaseHandle;
  /** What a child needs in its environment to open the same database (DATABASE_URL or PGLITE_DATA_DIR). */
  childEnv: Record<string, string>;
  /**
   * Lets the children in: PGlite serves one process at a time, so this process lets the data directory
   * go; the server database stays open (closing a test database on the server drops it).
   */
  handOver(): Promise<void>;
  /** A new handle on the same database, to check what the children left (close it after use). */
  reopen(): Promise<DatabaseHandle>;
  /** Closes this process's handle (if still open) and removes a PGlite data directory. */
  close(): Promise<void>;
};

/**
 * A database of its own on the server (TEST_DATABASE_URL), or a migrated PGlite data directory under
 * the temp directory the processes take turns on.
 */
export async function openChildDatabase(prefix: string): Promise<ChildDatabase> {
  let database: TestDatabase | DatabaseHandle;
  let childEnv: Record<string, string>;
  let pgliteDir: string | undefined;
  if (process.env.TEST_DATABASE_URL) {
    database = await createTestDatabase();
    childEnv = { DATABASE_URL: (database as TestDatabase).url as string };
  } else {
    pgliteDir = mkdtempSync(join(tmpdir(), `proofline-${prefix}-`));
    await createPgliteDataDir(pgliteDir);
    database = await createDatabase({ pgliteDataDir: pgliteDir });
    childEnv = { PGLITE_DATA_DIR: pgliteDir };
  }
  let open = true;
  return {
    database,
    childEnv,
    async handOver() {
      if (pgliteDir && open) {
        await database.close();
        open = false;
      }
    },
    reopen: () =>
      pgliteDir
        ? createDatabase({ pgliteDataDir: pgliteDir })
        : createDatabase({ url: childEnv.DATABASE_URL }),
    async close() {
      if (open) await database.close();
      open = false;
      if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
    },
  };
}
