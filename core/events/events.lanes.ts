import type { Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { createEventsRepository, type WebhookEvent } from './events.repository.js';
import {
  createEventProcessor,
  emptySummary,
  WEBHOOK_EVENT_LEASE_MS,
  type CommittedOutbound,
  type EventProcessingOptions,
} from './events.usecases.js';

export type WebhookLanes = {
  /**
   * Claims due events for the lanes that are free now and starts them; resolves with how many it
   * claimed (0: no lane free, or nothing due for the free ones), without waiting for them.
   */
  fill: () => Promise<number>;
  /** Claims as lanes free until nothing is due and every lane is idle; resolves with how many it handled. */
  runUntilIdle: () => Promise<number>;
  /** Resolves when every started event has been handled. */
  idle: () => Promise<void>;
  /** `listener` is called whenever a lane frees (the worker's loop claims again). */
  onFree: (listener: () => void) => void;
};

type Lane = 'any' | 'answer';

/**
 * The webhook worker's lanes: each event is claimed (leased) only when a lane is free to start it, so
 * one slow event never holds back the claims of the others (no batch to finish first), and no lease
 * ticks while its event waits behind others. `lanes` take any event; `answerLanes` more take only events
 * answered without reading media (text, postbacks, follows — not a photo, video, audio or file message),
 * so members' messages are answered while photos are being read. A member's next event is claimed only
 * once their previous one is done (here or in another worker), so it never waits behind it with its lease
 * ticking (a slow photo would let the lease of the text after it lapse, and the text be taken again);
 * events of one user also run in the order they were claimed. Exactly-once is the processor's: each
 * event commits in its own transaction, only while its lease holds.
 */
export function createWebhookLanes<Out extends CommittedOutbound, Staged = unknown>(
  deps: { db: Database; generateId: IdGenerator; clock: Clock; logger: Logger },
  {
    lanes = 2,
    answerLanes = 1,
    leaseMs = WEBHOOK_EVENT_LEASE_MS,
    ...options
  }: EventProcessingOptions<Out, Staged> & { lanes?: number; answerLanes?: number },
): WebhookLanes {
  const repository = createEventsRepository({ db: deps.db, generateId: deps.generateId });
  const processOne = createEventProcessor(deps, options);
  const capacity: Record<Lane, number> = { any: Math.max(1, lanes), answer: Math.max(0, answerLanes) };
  const busy: Record<Lane, number> = { any: 0, answer: 0 };
  const inFlight = new Set<Promise<void>>();
  const lastOfUser = new Map<string, Promise<void>>();
  const listeners: (() => void)[] = [];
  let freed = 0;

  const start = (event: WebhookEvent, lane: Lane) => {
    busy[lane]++;
    const key = event.lineUserId ?? event.id;
    const before = lastOfUser.get(key) ?? Promise.resolve();
    const run: Promise<void> = before
      .then(() => processOne(event, emptySummary()))
      .catch((error: unknown) => {
        // The processor records failures itself; this is a failure to record one (the lease lapses).
        deps.logger.error({ err: error, webhookEventId: event.webhookEventId }, 'webhook event lane failed');
      })
      .finally(() => {
        busy[lane]--;
        freed++;
        inFlight.delete(run);
        if (lastOfUser.get(key) === run) lastOfUser.delete(key);
        for (const listener of listeners) listener();
      });
    lastOfUser.set(key, run);
    inFlight.add(run);
  };

  const claimFor = async (lane: Lane): Promise<number> => {
    const free = capacity[lane] - busy[lane];
    if (free <= 0) return 0;
    const events = await repository.claimDue({
      now: deps.clock.now(),
      leaseMs,
      limit: free,
      quickOnly: lane === 'answer',
      onePerMember: true,
    });
    for (const event of events) start(event, lane);
    return events.length;
  };

  // One claim at a time: two callers must not both count the same free lane.
  let claiming: Promise<unknown> = Promise.resolve();
  const fill = () => {
    const claimed = claiming.then(async () => (await claimFor('any')) + (await claimFor('answer')));
    claiming = claimed.catch(() => undefined);
    return claimed;
  };

  return {
    fill,
    runUntilIdle: async () => {
      let total = 0;
      for (;;) {
        const freedBefore = freed;
        const claimed = await fill();
        total += claimed;
        // A lane that freed while the claim was looking may have work now.
        if (claimed > 0 || freed !== freedBefore) continue;
        if (inFlight.size === 0) return total;
        await Promise.race(inFlight);
      }
    },
    idle: async () => {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },
    onFree: (listener) => {
      listeners.push(listener);
    },
  };
}
