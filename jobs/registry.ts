import type { Services } from '../core/app/build-services.js';
import { createBroadcastsWorker } from './broadcasts.job.js';
import { createCampaignReplaysWorker } from './campaign-replays.job.js';
import { createDerivedFactsWorker } from './derived-facts.job.js';
import { createDrawsJob } from './draws.job.js';
import { createExportsWorker } from './exports.job.js';
import { createExpirePointsJob } from './expire-points.job.js';
import { createOutboundMessagesWorker } from './outbound-messages.job.js';
import { createReceiptBlobDeletionsWorker } from './receipt-blob-deletions.job.js';
import type { QueueWorker, ScheduledJob } from './runner.js';
import { createVerifyInvoicesJob, createVerifyInvoicesRetryWorker } from './verify-invoices.job.js';
import { createWebhookEventsWorker } from './webhook-events.job.js';

/**
 * The worker process's jobs and queue workers. Each capability adds its entries here as a
 * `jobs/<name>.job.ts` that calls one core use case.
 */
export function buildJobs(services: Services): { jobs: ScheduledJob[]; workers: QueueWorker[] } {
  return {
    jobs: [createVerifyInvoicesJob(services), createExpirePointsJob(services), createDrawsJob(services)],
    workers: [
      createWebhookEventsWorker(services),
      createOutboundMessagesWorker(services),
      createVerifyInvoicesRetryWorker(services),
      createReceiptBlobDeletionsWorker(services),
      createBroadcastsWorker(services),
      createCampaignReplaysWorker(services),
      createExportsWorker(services),
      createDerivedFactsWorker(services),
    ],
  };
}
