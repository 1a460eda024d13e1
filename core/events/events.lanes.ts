import type { Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { runInCompany } from '../shared/turn-batch.js';
import { readsMedia } from './events.models.js';
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
  /**
   * Whether the last `fill` took as many events as there were free lanes (more may be due now). After
   * one that took fewer, everything due and claimable was taken: the next claim can wait for news — an
   * event stored, a lane freed, or the poll.
   */
  moreMayBeDue: () => boolean;
  /** Claims as lanes free until nothing is due and every lane is idle; resolves with how many it handled. */
  runUntilIdle: () => Promise<number>;
  /** Resolves when every started event has been handled. */
  idle: () => Promise<void>;
  /** `listener` is called whenever a lane frees. */
  onFree: (listener: () => void) => void;
  /**
   * `listener` is called when a freed lane may find work no claim is about to look for (the worker's loop
   * claims again): at once when the last claim was short of lanes (due events may be waiting for one);
   * otherwise `freeClaimDelayMs` after the lane freed — for a member's next event, held back while
   * their previous one ran —, and not at all if a claim started in between (it looked for that lane).
   */
  onClaimable: (listener: () => void) => void;
};

type Lane = 'any' | 'answer';

/**
 * How long a freed lane waits for a claim (one a new event starts) before it asks for one itself, when
 * the last claim took everything due. Under a burst new events' claims come sooner and look for it; at
 * a quiet time only a member's next event, held back behind their previous one, waits this long.
 */
export const FREE_CLAIM_DELAY_MS = 25;

/** The longest a claim waits for the answers claimed before it to commit (`createWebhookLanes`). */
export const BURST_CLAIM_WAIT_MS = 50;

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
    freeClaimDelayMs = FREE_CLAIM_DELAY_MS,
    burstClaimWaitMs = BURST_CLAIM_WAIT_MS,
    ...options
  }: EventProcessingOptions<Out, Staged> & {
    lanes?: number;
    answerLanes?: number;
    freeClaimDelayMs?: number;
    burstClaimWaitMs?: number;
  },
): WebhookLanes {
  const repository = createEventsRepository({ db: deps.db, generateId: deps.generateId });
  const processOne = createEventProcessor(deps, options);
  const capacity: Record<Lane, number> = { any: Math.max(1, lanes), answer: Math.max(0, answerLanes) };
  const busy: Record<Lane, number> = { any: 0, answer: 0 };
  const inFlight = new Set<Promise<void>>();
  const handling = () => inFlight.size;
  const lastOfUser = new Map<string, Promise<void>>();
  const listeners: (() => void)[] = [];
  const claimableListeners: (() => void)[] = [];
  let freed = 0;
  /** Whether the last claim filled every lane that was free (so more may be due). */
  let lastClaimFilled = false;
  /** A lane freed since the last claim started, and no claim has looked for it yet. */
  let freedUnclaimed = false;
  let freeTimer: NodeJS.Timeout | undefined;
  const claimable = () => {
    for (const listener of claimableListeners) listener();
  };
  const laneFreed = () => {
    if (lastClaimFilled) return claimable();
    freedUnclaimed = true;
    freeTimer ??= setTimeout(() => {
      freeTimer = undefined;
      if (freedUnclaimed) claimable();
    }, freeClaimDelayMs).unref();
  };

  // Answers not yet committed, and the claims waiting for them (`fill`).
  let uncommitted = 0;
  let commitWaiters: (() => void)[] = [];
  const answerCommitted = () => {
    if (--uncommitted > 0) return;
    const waiters = commitWaiters;
    commitWaiters = [];
    for (const waiter of waiters) waiter();
  };

  const start = (event: WebhookEvent, lane: Lane) => {
    busy[lane]++;
    const key = event.lineUserId ?? event.id;
    const before = lastOfUser.get(key) ?? Promise.resolve();
    // An answer (no media to read first) counts until its group has committed.
    let committed: (() => void) | undefined;
    if (!readsMedia(event)) {
      uncommitted++;
      committed = () => {
        committed = undefined;
        answerCommitted();
      };
    }
    const run: Promise<void> = before
      // The events in flight are all that may join this one's batched reads and writes: alone, it waits for none.
      .then(() => runInCompany(handling, () => processOne(event, emptySummary(), () => committed?.())))
      .catch((error: unknown) => {
        // The processor records failures itself; this is a failure to record one (the lease lapses).
        deps.logger.error({ err: error, webhookEventId: event.webhookEventId }, 'webhook event lane failed');
      })
      .finally(() => {
        committed?.();
        busy[lane]--;
        freed++;
        inFlight.delete(run);
        if (lastOfUser.get(key) === run) lastOfUser.delete(key);
        for (const listener of listeners) listener();
        laneFreed();
      });
    lastOfUser.set(key, run);
    inFlight.add(run);
  };

  // One statement for both kinds of lane: media events only for the free lanes that take any event, the
  // rest up to every free lane; an event answered without media takes a free answer lane first.
  const claim = async (): Promise<number> => {
    const freeAny = capacity.any - busy.any;
    const free = freeAny + capacity.answer - busy.answer;
    // No free lane: whatever is due waits for one, so the next lane that frees asks at once.
    lastClaimFilled = free <= 0;
    if (free <= 0) return 0;
    // This claim looks for the lanes freed so far.
    freedUnclaimed = false;
    clearTimeout(freeTimer);
    freeTimer = undefined;
    const events = await repository.claimDue({
      now: deps.clock.now(),
      leaseMs,
      limit: free,
      mediaLimit: freeAny,
      onePerMember: true,
    });
    for (const event of events)
      start(event, !readsMedia(event) && busy.answer < capacity.answer ? 'answer' : 'any');
    lastClaimFilled = events.length >= free;
    return events.length;
  };

  /**
   * While answers claimed earlier are still before their commit, a claim waits for those commits (at most
   * `burstClaimWaitMs`): what arrives meanwhile is claimed together, handled together and committed as
   * one group, instead of each event paying a claim, a transaction and a send of its own. Alone (nothing
   * uncommitted), a claim starts at once.
   */
  const afterCommits = (): Promise<void> | undefined => {
    if (uncommitted === 0 || burstClaimWaitMs <= 0) return undefined;
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, burstClaimWaitMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      commitWaiters.push(done);
    });
  };

  // One claim at a time: two callers must not both count the same free lane.
  let claiming: Promise<unknown> = Promise.resolve();
  const fill = () => {
    const claimed = claiming.then(async () => {
      await afterCommits();
      // The claim looks on the event loop's next turn, after the I/O already waiting has been read: a wake-up
      // comes while the webhook's insert resolves (PGlite's NOTIFY, the announce), and PGlite answers without
      // giving the loop a turn, so claiming at once took a burst's events one by one, each paying a claim,
      // a context read, a transaction and a send of its own.
      await new Promise((resolve) => setImmediate(resolve));
      return claim();
    });
    claiming = claimed.catch(() => undefined);
    return claimed;
  };

  return {
    fill,
    moreMayBeDue: () => lastClaimFilled,
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
    onClaimable: (listener) => {
      claimableListeners.push(listener);
    },
  };
}
