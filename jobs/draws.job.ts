import type { Services } from '../core/app/build-services.js';
import { scheduleAndRunDraws } from '../core/draws/index.js';
import { settleDrawsAwaitingPayout } from '../core/payouts/index.js';
import { buildPayoutDeps } from '../core/app/payout-deps.js';
import type { ScheduledJob } from './runner.js';

/**
 * Campaigns' scheduled lottery draws on `DRAWS_CRON` (every 5 minutes by default): opens each period's
 * draw before the period begins (its seed hash is published) and runs each draw once its period has
 * closed (winners stored, seed revealed). Then every drawn draw's wins still to be told are paid only on
 * proofs that still stand: the e-invoices behind them are re-asked on the MoF platform (batch priority,
 * on the deployment's MoF budget), voided ones reversed and their reserves stepped up, and each remaining
 * winner told once. Safe on several workers at once, and on startup to catch up after downtime.
 */
export function createDrawsJob(services: Services): ScheduledJob {
  const { database, generateId, clock, logger } = services;
  const payoutDeps = buildPayoutDeps(services, 'batch');
  return {
    name: 'draws',
    cron: services.config.jobs.drawsCron,
    timezone: 'Asia/Taipei',
    runOnStartup: true,
    run: async () => {
      const drawn = await scheduleAndRunDraws({ db: database.db, generateId, clock, logger });
      const payouts = await settleDrawsAwaitingPayout(payoutDeps);
      return { ...drawn, payouts };
    },
  };
}
