import type { Services } from '../core/app/build-services.js';
import { expireDuePoints } from '../core/rewards/index.js';
import type { ScheduledJob } from './runner.js';

/**
 * Points expiry on `EXPIRE_POINTS_CRON` (00:15 Taiwan time by default): writes the `expire` rows of every
 * lot past its date, FIFO, one member per transaction under the member's lock. Safe to run on several
 * workers at once (the expire rows' idempotency keys), and on startup to catch up after downtime.
 */
export function createExpirePointsJob(services: Services): ScheduledJob {
  return {
    name: 'expire-points',
    cron: services.config.jobs.expirePointsCron,
    timezone: 'Asia/Taipei',
    runOnStartup: true,
    run: async () =>
      expireDuePoints({ db: services.database.db, generateId: services.generateId, clock: services.clock }),
  };
}
