import type { Services } from '../core/app/build-services.js';
import { notifyLaterDecisions } from '../core/conversations/index.js';
import { deliverOutboundMessages, renderAnswer, type LineMessenger } from '../core/messaging/index.js';
import type { QueueWorker } from './runner.js';
import { buildMeasuredLineMessenger } from './line-wiring.js';

/**
 * Sends outbound messages that are due: pushes other capabilities queued (wins), decisions made after
 * the chat answer (queued here, once per submission), retries after LINE errors (back-off), and answers
 * a crashed worker committed but did not send.
 */
export function createOutboundMessagesWorker(
  services: Services,
  {
    messenger = buildMeasuredLineMessenger(services.config, services.metrics),
    leaseMs = services.config.jobs.workerLeaseMs,
  }: { messenger?: LineMessenger; leaseMs?: number } = {},
): QueueWorker {
  const { database, clock, logger, generateId, config } = services;
  return {
    name: 'outbound-messages',
    wakeOn: ['outbound'],
    pollMs: Math.max(config.jobs.workerPollMs, 1_000),
    runOnce: async () => {
      const notices = await notifyLaterDecisions({
        db: database.db,
        clock,
        generateId,
        render: renderAnswer,
      });
      const summary = await deliverOutboundMessages(
        { db: database.db, messenger, clock, logger, generateId },
        { limit: 20, leaseMs },
      );
      return notices.queued + summary.sent + summary.retried + summary.failed + summary.skipped;
    },
  };
}
