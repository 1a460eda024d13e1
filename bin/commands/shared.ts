import { buildServices, type Services } from '../../core/app/build-services.js';
import type { Config } from '../../core/config/config.js';
import { createLogger, type Logger } from '../../core/shared/logger.js';
import { loadConfigOrReport, reportConnectError } from './config-report.js';

export { loadConfigOrReport } from './config-report.js';

/**
 * Builds the services and checks the database answers; a failure is printed as one line naming the
 * key to fix (DATABASE_URL or PGLITE_DATA_DIR) instead of a stack trace.
 */
export async function connectOrReport(config: Config): Promise<Services | undefined> {
  let services: Services | undefined;
  try {
    services = await buildServices(config);
    await services.database.ping();
    return services;
  } catch (error) {
    await services?.database.close().catch(() => {});
    reportConnectError(config, error);
    return undefined;
  }
}

/** The logger used before the services exist (simulators start first). */
export function createBootLogger(config: Config): Logger {
  return createLogger({ level: config.log.level, pretty: config.log.format === 'pretty' });
}

export interface CliServicesOptions {
  /** The environment to read the configuration from; `process.env` by default. */
  env?: Record<string, string | undefined>;
  /** Apply pending migrations first, for commands that may be the first to touch a database. */
  migrate?: boolean;
  /** Services built already (tests): used as given, neither migrated nor closed here. */
  given?: Services;
}

/**
 * Runs a command's work with connected services: a bad configuration or an unreachable database is
 * printed as one line and answers 1, and whatever this opened (database, OCR workers) is closed after,
 * whatever the work answered or threw.
 */
export async function withCliServices(
  options: CliServicesOptions,
  work: (services: Services) => Promise<number>,
): Promise<number> {
  if (options.given) return work(options.given);
  const config = loadConfigOrReport(options.env);
  if (!config) return 1;
  const services = await connectOrReport(config);
  if (!services) return 1;
  try {
    if (options.migrate) await services.database.migrate();
    return await work(services);
  } finally {
    await services.ocrEngine?.close();
    await services.database.close();
  }
}
