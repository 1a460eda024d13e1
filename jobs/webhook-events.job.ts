import type { Services } from '../core/app/build-services.js';
import { handleWebhookEvent, type AnswerToSend, type ConversationDeps } from '../core/conversations/index.js';
import { createWebhookLanes } from '../core/events/index.js';
import {
  deliverOutboundMessages,
  sendClaimedMessages,
  SEND_LEASE_MS,
  type ClaimedMessage,
} from '../core/messaging/index.js';
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
  const delivery = { db: database.db, messenger: conversation.messenger, clock, logger, generateId };
  // Each answer goes out as soon as its event is committed: recorded leased to this worker (no claim to
  // send it), or, an answer recorded without (none here today), claimed by id.
  const answering: ConversationDeps = { ...conversation, sendLeaseMs: leaseMs ?? SEND_LEASE_MS };
  const deliver = async (answers: AnswerToSend[]) => {
    const claimed = answers.filter((answer): answer is ClaimedMessage => 'credentials' in answer);
    const ids = answers.filter((answer) => !('credentials' in answer)).map((answer) => answer.id);
    if (claimed.length > 0) await sendClaimedMessages(delivery, claimed);
    if (ids.length > 0) await deliverOutboundMessages(delivery, { ids, limit: ids.length, leaseMs });
  };
  const pool = createWebhookLanes(
    { db: database.db, generateId, clock, logger },
    {
      handle: (event) => handleWebhookEvent(answering, event),
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
