import type { Services } from '../core/app/build-services.js';
import { buildBlobStore, type BlobStore } from '../core/blobs/index.js';
import { deleteQueuedReceiptBlobs } from '../core/receipts/index.js';
import type { QueueWorker } from './runner.js';

/**
 * Deletes the photo bytes that members' erasures queued (receipt_blob_deletions), after the erasure
 * committed: claims due rows, deletes each blob no other row uses, retries failures with back-off and
 * parks them as failed after the last attempt; a crashed worker's claims are taken over when they lapse.
 */
export function createReceiptBlobDeletionsWorker(
  services: Services,
  {
    blobStore,
    batchSize = 20,
    leaseMs,
  }: { blobStore?: BlobStore; batchSize?: number; leaseMs?: number } = {},
): QueueWorker {
  let store = blobStore ?? services.blobStore;
  return {
    name: 'receipt-blob-deletions',
    pollMs: Math.max(services.config.jobs.workerPollMs, 5_000),
    runOnce: async () => {
      store ??= buildBlobStore(services.config);
      const summary = await deleteQueuedReceiptBlobs(
        { db: services.database.db, blobStore: store, clock: services.clock, logger: services.logger },
        { limit: batchSize, leaseMs },
      );
      if (summary.claimed > 0)
        services.logger.info({ worker: 'receipt-blob-deletions', ...summary }, 'receipt blobs processed');
      return summary.claimed;
    },
  };
}
