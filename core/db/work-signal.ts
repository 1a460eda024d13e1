import type { Logger } from '../shared/logger.js';
import { sql, type DatabaseHandle, type Executor } from './database.js';

/**
 * The notification channel that says "work was committed". The database sends it itself: triggers on
 * the queue tables (migration 0018) call `pg_notify` on it, so a NOTIFY goes out with the commit of every
 * stored webhook event and every queued push, whoever wrote them; `notifyWork` sends one from a use case.
 */
export const WORK_NOTIFY_CHANNEL = 'proofline_work';

/**
 * The queues a worker can be woken for: the webhook inbox, outbound messages, MoF verification, and the
 * derived-facts outbox (migration 0053).
 */
export const WORK_QUEUES = ['events', 'outbound', 'verification', 'facts'] as const;
export type WorkQueue = (typeof WORK_QUEUES)[number];

/**
 * Wakes idle workers when work arrives instead of leaving it to their next poll. Between processes it is
 * PostgreSQL's LISTEN/NOTIFY; with PGlite (one process owns the database) the notification is delivered
 * in-process. Polling stays as the fallback: a lost notification (the listen connection was down, the
 * database failed to listen) only costs the wait until the next poll.
 */
export type WorkSignal = {
  /** Calls `onWork` whenever work of one of `queues` is committed; returns the unsubscribe. */
  subscribe: (queues: readonly WorkQueue[], onWork: () => void) => () => void;
  /** This process committed work of `queue`: wakes its own subscribers now, without a database round trip. */
  announce: (queue: WorkQueue) => void;
  /** Stops listening (before the database closes). */
  close: () => Promise<void>;
};

type Subscriber = { queues: ReadonlySet<string>; onWork: () => void };

/** The process's work signal; it starts listening on the first subscription (web-only processes never do). */
export function createWorkSignal({
  database,
  logger,
}: {
  database: Pick<DatabaseHandle, 'listen'>;
  logger: Logger;
}): WorkSignal {
  const subscribers = new Set<Subscriber>();
  let listening: Promise<(() => Promise<void>) | undefined> | undefined;
  let closed = false;

  const dispatch = (payload: string) => {
    for (const subscriber of subscribers)
      if (payload === '*' || subscriber.queues.has(payload)) subscriber.onWork();
  };

  return {
    subscribe: (queues, onWork) => {
      const subscriber: Subscriber = { queues: new Set(queues), onWork };
      subscribers.add(subscriber);
      if (!closed)
        listening ??= database.listen(WORK_NOTIFY_CHANNEL, dispatch).catch((error: unknown) => {
          logger.warn({ err: error }, 'cannot listen for new work; workers fall back to polling');
          return undefined;
        });
      return () => {
        subscribers.delete(subscriber);
      };
    },
    announce: dispatch,
    close: async () => {
      closed = true;
      subscribers.clear();
      const unlisten = await listening;
      listening = undefined;
      await unlisten?.().catch(() => {});
    },
  };
}

/** Sends the work notification for `queue` from inside a transaction: it goes out when that commits. */
export async function notifyWork(executor: Executor, queue: WorkQueue): Promise<void> {
  await executor.execute(sql`select pg_notify(${WORK_NOTIFY_CHANNEL}, ${queue})`);
}
