import { buildBlobStore, type BlobStore } from '../blobs/index.js';
import type { Config, OutsideSystemMode, OutsideSystemName } from '../config/config.js';
import { createDatabase, type DatabaseHandle } from '../db/database.js';
import { createWorkSignal, type WorkSignal } from '../db/work-signal.js';
import { systemClock, type Clock } from '../shared/clock.js';
import { generateId, type IdGenerator } from '../shared/ids.js';
import { buildOcrEngine, type OcrEngine } from '../ocr/index.js';
import { createMetrics, instrumentOcrEngine, type Metrics } from '../metrics/index.js';
import { createLogger, type Logger } from '../shared/logger.js';

/**
 * Everything a process needs, built once by its entry point (bot, jobs, CLI) and passed down explicitly.
 * Capabilities add their ports and use cases here as they arrive; tests build the same object with
 * `buildTestServices` (test/support), swapping ports for fakes.
 */
export type Services = {
  config: Config;
  logger: Logger;
  clock: Clock;
  generateId: IdGenerator;
  database: DatabaseHandle;
  /** The analytics queries' database (ANALYTICS_DATABASE_URL, a read replica); unset: `database`. */
  analyticsDatabase?: DatabaseHandle;
  /**
   * Receipt photos (local directory or S3 by BLOB_STORE). Always set by buildServices; optional so
   * hand-built test services need not carry it.
   */
  blobStore?: BlobStore;
  /** OCR_PROVIDER's engine; starts workers on first use. Close it at shutdown (`ocrEngine.close()`). */
  ocrEngine?: OcrEngine;
  /**
   * Wakes the workers when work is committed (LISTEN/NOTIFY; in-process with PGlite). Close it before the
   * database. Optional: without it workers poll.
   */
  workSignal?: WorkSignal;
  /** The process's Prometheus metrics (`GET /metrics`). Optional so hand-built test services need not carry it. */
  metrics?: Metrics;
};

export type ServiceOverrides = Partial<Omit<Services, 'config'>>;

export async function buildServices(config: Config, overrides: ServiceOverrides = {}): Promise<Services> {
  const logger =
    overrides.logger ?? createLogger({ level: config.log.level, pretty: config.log.format === 'pretty' });
  const database =
    overrides.database ??
    (await createDatabase({
      url: config.database.url,
      poolMax: config.database.poolMax,
      pgliteDataDir: config.database.pgliteDataDir,
      pgliteThread: config.database.pgliteThread,
    }));
  const clock = overrides.clock ?? systemClock;
  const metrics = overrides.metrics ?? createMetrics({ database: database.db, clock });
  return {
    config,
    logger,
    clock,
    generateId: overrides.generateId ?? generateId,
    database,
    analyticsDatabase:
      overrides.analyticsDatabase ??
      (config.database.analyticsUrl
        ? await createDatabase({ url: config.database.analyticsUrl, poolMax: config.database.poolMax })
        : undefined),
    blobStore: overrides.blobStore ?? buildBlobStore(config),
    ocrEngine: instrumentOcrEngine(overrides.ocrEngine ?? buildOcrEngine(config), metrics),
    metrics,
    workSignal: overrides.workSignal ?? createWorkSignal({ database, logger }),
  };
}

/** Each outside system's mode, as the config decided it (local mode, credentials, SIMULATE). */
export function outsideSystemModes(config: Config): Record<OutsideSystemName, OutsideSystemMode> {
  return {
    line: config.line.mode,
    mof: config.mof.mode,
    membership: config.membership.mode,
    ocr: config.ocr.mode,
    s3: config.blobStore.mode,
  };
}

/** A summary of which outside systems are real and which are simulated (`proofline config check`). */
export function describeOutsideSystems(config: Config) {
  return {
    localMode: config.localMode,
    host: config.server.host,
    database: config.database.url ? 'postgresql' : 'pglite',
    systems: outsideSystemModes(config),
    simulated: config.simulated,
    ocr: config.ocr.provider,
    blobStore: config.blobStore.driver,
  } as const;
}
