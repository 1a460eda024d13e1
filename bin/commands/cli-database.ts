import type { Config } from '../../core/config/config.js';
import { createDatabase, type DatabaseHandle } from '../../core/db/database.js';
import { loadConfigOrReport, reportConnectError } from './config-report.js';

/**
 * Runs a command's work with the database alone: no OCR engine, blob store, metrics nor work signal, and
 * none of their modules loaded (what `withCliServices` builds costs a process ~30 MB it does not use). For
 * commands whose memory is their point (`export`: 1 M rows under 200 MB). A bad configuration or an
 * unreachable database is printed as one line and answers 1; the database is closed after.
 */
export async function withCliDatabase(
  options: { env?: Record<string, string | undefined> },
  work: (database: DatabaseHandle, config: Config) => Promise<number>,
): Promise<number> {
  const config = loadConfigOrReport(options.env);
  if (!config) return 1;
  let database: DatabaseHandle | undefined;
  try {
    database = await createDatabase({
      url: config.database.url,
      poolMax: Math.min(config.database.poolMax, 2),
      pgliteDataDir: config.database.pgliteDataDir,
      pgliteThread: config.database.pgliteThread,
    });
    await database.ping();
  } catch (error) {
    await database?.close().catch(() => {});
    reportConnectError(config, error);
    return 1;
  }
  try {
    return await work(database, config);
  } finally {
    await database.close();
  }
}
