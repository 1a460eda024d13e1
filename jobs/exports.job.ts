import type { Services } from '../core/app/build-services.js';
import { runExportJobs } from '../core/analytics/index.js';
import { buildBlobStore } from '../core/blobs/index.js';
import type { QueueWorker } from './runner.js';

/**
 * Runs queued exports (line items as CSV/XLSX, streamed page by page) and deletes the files of expired
 * download links. Any number of workers may run this: a job is claimed with SKIP LOCKED and leased.
 */
export function createExportsWorker(services: Services): QueueWorker {
  const { database, analyticsDatabase, clock, config } = services;
  const blobStore = services.blobStore ?? buildBlobStore(config);
  return {
    name: 'exports',
    pollMs: Math.max(config.jobs.workerPollMs, 1_000),
    runOnce: async () => {
      const summary = await runExportJobs({
        db: database.db,
        readDb: analyticsDatabase?.db ?? database.db,
        blobStore,
        clock,
      });
      return summary.ran + summary.failed + summary.expired;
    },
  };
}
