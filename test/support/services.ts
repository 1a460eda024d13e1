import type { Services, ServiceOverrides } from '../../core/app/build-services.js';
import { overrideConfig, type Config } from '../../core/config/config.js';
import { createTestClock, type TestClock } from '../../core/shared/clock.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { createTestDatabase, type TestDatabase, type TestSeed } from './database.js';

export type TestServices = Services & { clock: TestClock; database: TestDatabase };

/**
 * The services a process would build, for one test file: a fresh migrated database (PGlite, or the
 * real server with TEST_DATABASE_URL), a test clock, sequential ids and a silent logger. Close with
 * `services.database.close()` in afterAll.
 */
export async function buildTestServices({
  config,
  seed,
  now,
  overrides = {},
  onStatement,
  pgliteThread,
}: {
  config?: Parameters<typeof overrideConfig>[0];
  seed?: TestSeed;
  now?: string;
  overrides?: ServiceOverrides;
  /** Called with each statement the services' database sends (see `createStatementLog`). */
  onStatement?: (sql: string) => void;
  /** PGlite on this thread or in a worker thread (default: `TEST_PGLITE_THREAD`, else this thread). */
  pgliteThread?: 'main' | 'worker';
} = {}): Promise<TestServices> {
  const database = await createTestDatabase(seed, { onStatement, pgliteThread });
  const resolvedConfig: Config = overrideConfig(config);
  return {
    config: resolvedConfig,
    logger: createSilentLogger(),
    clock: createTestClock({ now }),
    generateId: createSequentialIdGenerator(),
    ...overrides,
    database,
  } as TestServices;
}
