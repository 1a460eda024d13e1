import { setTimeout as delay } from 'node:timers/promises';
import type { Services } from '../core/app/build-services.js';
import { FOLD_BATCH, foldDerivedFacts } from '../core/fact-outbox/index.js';
import type { QueueWorker } from './runner.js';

/**
 * Folds the derived-facts outbox (the funnel's rollups, member facts and purchases of the proofs decided)
 * after the decisions committed: woken by their NOTIFY, it waits `gatherMs` so a burst of decisions folds
 * in one transaction instead of one each, then folds batches until none is left. Safe on several workers
 * at once; a crash before a fold's commit leaves its records for the next one.
 */
export function createDerivedFactsWorker(
  services: Services,
  { batchSize = FOLD_BATCH, gatherMs = 100 }: { batchSize?: number; gatherMs?: number } = {},
): QueueWorker {
  return {
    name: 'derived-facts',
    pollMs: Math.max(services.config.jobs.workerPollMs, 5_000),
    wakeOn: ['facts'],
    runOnce: async () => {
      if (gatherMs > 0) await delay(gatherMs);
      const folded = await foldDerivedFacts(services.database.db, { limit: batchSize });
      if (folded > 0) services.logger.debug({ worker: 'derived-facts', folded }, 'derived facts folded');
      return folded;
    },
  };
}
