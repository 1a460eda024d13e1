import type { Services } from '../core/app/build-services.js';
import { runNextCampaignReplay } from '../core/replays/index.js';
import type { QueueWorker } from './runner.js';

/** Runs what-if replays the console queued (`POST /api/console/campaigns/:ref/what-if`), one at a time. */
export function createCampaignReplaysWorker(
  services: Services,
  options: { pageSize?: number; leaseMs?: number } = {},
): QueueWorker {
  const { database, clock, generateId, config, logger } = services;
  return {
    name: 'campaign-replays',
    pollMs: Math.max(config.jobs.workerPollMs, 1_000),
    runOnce: async () => {
      const { replayId, processed } = await runNextCampaignReplay(
        { db: database.db, clock, generateId },
        options,
      );
      if (replayId) logger.info({ replayId, processed }, 'what-if replay done');
      return replayId ? 1 : 0;
    },
  };
}
