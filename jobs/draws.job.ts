import type { Services } from '../core/app/build-services.js';
import { scheduleAndRunDraws } from '../core/draws/index.js';
import { createMessagingRewardsNotifier } from '../core/rewards/index.js';
import type { ScheduledJob } from './runner.js';

/**
 * Campaigns' scheduled lottery draws on `DRAWS_CRON` (every 5 minutes by default): opens each period's
 * draw before the period begins (its seed hash is published) and runs each draw once its period has
 * closed (winners stored, seed revealed, each winner told once). Safe on several workers at once, and on
 * startup to catch up after downtime.
 */
export function createDrawsJob(services: Services): ScheduledJob {
  const { database, generateId, clock, logger } = services;
  return {
    name: 'draws',
    cron: services.config.jobs.drawsCron,
    timezone: 'Asia/Taipei',
    runOnStartup: true,
    run: async () =>
      scheduleAndRunDraws({
        db: database.db,
        generateId,
        clock,
        notifier: createMessagingRewardsNotifier({ generateId, clock }),
        logger,
      }),
  };
}
