import type { Services } from '../core/app/build-services.js';
import { handleWebhookEvent, type ConversationDeps } from '../core/conversations/index.js';
import { createWebhookLanes } from '../core/events/index.js';
import { deliverOutboundMessages } from '../core/messaging/index.js';
import type { QueueWorker } from './runner.js';
import { buildConversationDeps } from './line-wiring.js';

/**
 * The webhook inbox worker: claims stored LINE events (FOR UPDATE SKIP LOCKED, leased) as its lanes free
 * (`WORKER_CONCURRENCY` lanes for any event, `WORKER_ANSWER_LANES` more for events answered without
 * reading a photo), answers each in its own transaction, and sends each answer as soon as it is
 * committed. Any number may run side by side.
 */
export function createWebhookEventsWorker(
  services: Services,
  {
    conversation = buildConversationDeps(services),
    lanes = services.config.jobs.workerConcurrency,
    answerLanes = services.config.jobs.workerAnswerLanes,
    leaseMs = services.config.jobs.workerLeaseMs,
  }: { conversation?: ConversationDeps; lanes?: number; answerLanes?: number; leaseMs?: number } = {},
): QueueWorker {
  const { database, generateId, clock, logger, config } = services;
  // Each answer goes out as soon as its event is committed.
  const deliver = async (ids: string[]) => {
    await deliverOutboundMessages(
      { db: database.db, messenger: conversation.messenger, clock, logger, generateId },
      { ids, limit: ids.length, leaseMs },
    );
  };
  const pool = createWebhookLanes(
    { db: database.db, generateId, clock, logger },
    {
      handle: (event) => handleWebhookEvent(conversation, event),
      lanes,
      answerLanes,
      leaseMs,
      onCommitted: deliver,
    },
  );
  let wakeLoop: (() => void) | undefined;
  pool.onFree(() => wakeLoop?.());
  return {
    name: 'webhook-events',
    wakeOn: ['events'],
    pollMs: config.jobs.workerPollMs,
    runOnce: async (context) => {
      if (!context) return pool.runUntilIdle();
      // In the runner's loop: start what the free lanes can take; a lane that frees wakes the loop.
      wakeLoop = context.wake;
      return pool.fill();
    },
    drain: pool.idle,
  };
}
