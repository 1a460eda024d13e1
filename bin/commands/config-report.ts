import { ConfigError, parseConfig, type Config } from '../../core/config/config.js';
import { isAppError } from '../../core/shared/errors.js';

/** Parses the environment, or prints one line per bad key and returns undefined. */
export function loadConfigOrReport(
  env: Record<string, string | undefined> = process.env,
): Config | undefined {
  try {
    return parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const issue of error.issues)
        console.error(`proofline: configuration error: ${issue.key} ${issue.message}`);
      return undefined;
    }
    throw error;
  }
}

/** Prints a failure to connect as one line naming the key to fix (DATABASE_URL or PGLITE_DATA_DIR). */
export function reportConnectError(config: Config, error: unknown): void {
  const key = config.database.url ? 'DATABASE_URL' : 'PGLITE_DATA_DIR';
  const message = isAppError(error) || error instanceof Error ? error.message : String(error);
  console.error(`proofline: ${key}: ${message}`);
}
