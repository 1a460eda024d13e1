import type { Services } from '../core/app/build-services.js';
import {
  createEventContextReader,
  createMemberUpserter,
  createOpenQuestionReader,
  createSeenProofReader,
  handleWebhookEvent,
  recordAnswers,
  type AnswerToSend,
  type ConversationDeps,
  type StagedAnswer,
} from '../core/conversations/index.js';
import { createWebhookLanes, type EventProcessingOptions } from '../core/events/index.js';
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
 * reading a photo), handles each on its own and commits them in groups (the events handled while the
 * previous group was committing: one transaction, multi-row writes), and sends each group's answers as
 * soon as it is committed, side by side. Any number may run side by side.
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
  const pool = createWebhookLanes(
    { db: database.db, generateId, clock, logger },
    { ...webhookAnswering(services, { conversation, leaseMs }), lanes, answerLanes, leaseMs },
  );
  let wakeLoop: (() => void) | undefined;
  pool.onClaimable(() => wakeLoop?.());
  return {
    name: 'webhook-events',
    wakeOn: ['events'],
    pollMs: config.jobs.workerPollMs,
    runOnce: async (context) => {
      if (!context) return pool.runUntilIdle();
      // In the runner's loop: start what the free lanes can take; a freed lane that may find work wakes it.
      wakeLoop = context.wake;
      const claimed = await pool.fill();
      // A claim that took fewer than its free lanes took everything due: the loop then waits for news (an
      // event stored, a lane freed, the poll) instead of claiming again at once to find nothing.
      return pool.moreMayBeDue() ? claimed : 0;
    },
    drain: pool.idle,
  };
}

/**
 * How the webhook worker answers events: each handled by the conversations capability, its answer
 * staged and written with its group's (`recordAnswers`), recorded leased to this worker, and each
 * group's answers sent as soon as it is committed (an answer recorded without a lease: claimed by id).
 */
export function webhookAnswering(
  services: Services,
  { conversation, leaseMs }: { conversation: ConversationDeps; leaseMs: number | undefined },
): Required<
  Pick<EventProcessingOptions<AnswerToSend, StagedAnswer>, 'handle' | 'writeGroup' | 'onCommitted'>
> {
  const { database, generateId, clock, logger } = services;
  const delivery = { db: database.db, messenger: conversation.messenger, clock, logger, generateId };
  const answering: ConversationDeps = {
    ...conversation,
    sendLeaseMs: leaseMs ?? SEND_LEASE_MS,
    // The events a claim starts together read their channels and members in one statement.
    readContext: conversation.readContext ?? createEventContextReader(database.db),
    // … and their open proof questions: so their proofs reach the submitter together.
    readOpenQuestion: conversation.readOpenQuestion ?? createOpenQuestionReader(database.db),
    // … and store their new members in one statement.
    upsertMember: conversation.upsertMember ?? createMemberUpserter(database.db, generateId),
    // … and whether their proofs were stored before (a redelivery).
    readSeenProof: conversation.readSeenProof ?? createSeenProofReader(database.db),
  };
  return {
    handle: (event) => handleWebhookEvent(answering, event),
    writeGroup: (tx, staged) => recordAnswers(answering, tx, staged),
    onCommitted: async (answers) => {
      const claimed = answers.filter((answer): answer is ClaimedMessage => 'credentials' in answer);
      const ids = answers.filter((answer) => !('credentials' in answer)).map((answer) => answer.id);
      await Promise.all([
        claimed.length > 0 ? sendClaimedMessages(delivery, claimed) : undefined,
        ids.length > 0 ? deliverOutboundMessages(delivery, { ids, limit: ids.length, leaseMs }) : undefined,
      ]);
    },
  };
}
