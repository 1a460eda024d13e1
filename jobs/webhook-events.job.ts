import type { Services } from '../core/app/build-services.js';
import { handleWebhookEvent, type ConversationDeps } from '../core/conversations/index.js';
import { processDueWebhookEvents } from '../core/events/index.js';
import { deliverOutboundMessages } from '../core/messaging/index.js';
import type { QueueWorker } from './runner.js';
import { buildConversationDeps } from './line-wiring.js';

/**
 * The webhook inbox worker: claims stored LINE events (FOR UPDATE SKIP LOCKED, leased), answers each in
 * its own transaction, and sends each answer as soon as it is committed. Any number may run side by side.
 */
export function createWebhookEventsWorker(
  services: Services,
  {
    conversation = buildConversationDeps(services),
    batchSize = 10,
    leaseMs = services.config.jobs.workerLeaseMs,
  }: { conversation?: ConversationDeps; batchSize?: number; leaseMs?: number } = {},
): QueueWorker {
  const { database, generateId, clock, logger, config } = services;
  return {
    name: 'webhook-events',
    wakeOn: ['events'],
    pollMs: config.jobs.workerPollMs,
    runOnce: async () => {
      // Each answer goes out as soon as its event is committed, not after the whole batch.
      const deliver = async (ids: string[]) => {
        await deliverOutboundMessages(
          { db: database.db, messenger: conversation.messenger, clock, logger, generateId },
          { ids, limit: ids.length, leaseMs },
        );
      };
      const summary = await processDueWebhookEvents(
        { db: database.db, generateId, clock, logger },
        {
          handle: (event) => handleWebhookEvent(conversation, event),
          limit: batchSize,
          leaseMs,
          concurrency: config.jobs.workerConcurrency,
          onCommitted: deliver,
        },
      );
      return summary.claimed;
    },
  };
}
