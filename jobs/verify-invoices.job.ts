import type { Services } from '../core/app/build-services.js';
import { verifyDueSubmissions, type SubmissionsDeps } from '../core/submissions/index.js';
import {
  buildEInvoicePlatform,
  type BudgetPriority,
  type EInvoicePlatform,
} from '../core/verification/index.js';
import type { QueueWorker, ScheduledJob } from './runner.js';

/** The submissions capability's dependencies, with the MoF platform built on first use. */
function lazySubmissionsDeps(
  services: Services,
  platform: EInvoicePlatform | undefined,
  priority: BudgetPriority,
): () => SubmissionsDeps {
  let built = platform;
  return () => {
    built ??= buildEInvoicePlatform(services.config, {
      logger: services.logger,
      db: services.database.db,
      priority,
    });
    return {
      db: services.database.db,
      platform: built,
      clock: services.clock,
      generateId: services.generateId,
      logger: services.logger,
      leaseMs: services.config.jobs.verifyLeaseMs,
    };
  };
}

/**
 * Batch verification of pending e-invoices on `VERIFY_INVOICES_CRON` (every 4 hours by default, read in
 * Taiwan time): claims due submissions batch after batch until none is left. Any number of worker
 * processes may run it at once; the claims never overlap.
 */
export function createVerifyInvoicesJob(
  services: Services,
  {
    platform,
    batchSize = 100,
    maxBatches = 1_000,
  }: { platform?: EInvoicePlatform; batchSize?: number; maxBatches?: number } = {},
): ScheduledJob {
  // Batch work yields the MoF budget to members waiting on instant checks.
  const deps = lazySubmissionsDeps(services, platform, 'batch');
  return {
    name: 'verify-invoices',
    cron: services.config.jobs.verifyInvoicesCron,
    timezone: 'Asia/Taipei',
    run: async () => {
      // Claim after claim until one comes back short (claimed rows are leased, so nothing due is left);
      // the next claim's checks start while the previous one's last answers are decided.
      const result = await verifyDueSubmissions(deps(), {
        limit: batchSize,
        concurrency: services.config.jobs.workerConcurrency,
        maxClaims: maxBatches,
      });
      const totals: Record<string, number> = { claimed: result.claimed };
      for (const [outcome, count] of Object.entries(result.outcomes)) totals[outcome] = count ?? 0;
      return totals;
    },
  };
}

/**
 * The retry worker of instant-mode campaigns: picks up their "not uploaded yet" submissions when their
 * back-off has passed (and any whose instant check crashed, once its lease lapsed).
 */
export function createVerifyInvoicesRetryWorker(
  services: Services,
  { platform, batchSize = 20 }: { platform?: EInvoicePlatform; batchSize?: number } = {},
): QueueWorker {
  const deps = lazySubmissionsDeps(services, platform, 'instant');
  return {
    name: 'verify-invoices-retry',
    wakeOn: ['verification'],
    pollMs: Math.max(services.config.jobs.workerPollMs, 5_000),
    runOnce: async () => {
      const result = await verifyDueSubmissions(deps(), {
        limit: batchSize,
        verificationMode: 'instant',
        concurrency: services.config.jobs.workerConcurrency,
      });
      return result.claimed;
    },
  };
}
