import type { LineChannel } from '../brands/index.js';
import type { Database, DatabaseHandle, Transaction } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { runWithRequestId } from '../shared/request-context.js';
import { noMoreCompany } from '../shared/turn-batch.js';
import { parseWebhookBody, webhookEventKey } from './events.models.js';
import { createEventsRepository, type NewWebhookEvent, type WebhookEvent } from './events.repository.js';

export type WebhookInbox = {
  /**
   * The webhook's whole job after the signature check: parse the raw body and store every event once
   * (by webhookEventId; a redelivered event adds nothing). Resolves once the events are committed.
   */
  receive: (delivery: {
    channel: LineChannel;
    rawBody: Buffer | string;
    /** The HTTP request's id, kept with each event for the worker's log lines. */
    requestId?: string;
  }) => Promise<{ received: number; stored: number }>;
};

/**
 * The webhook's inbox writer, with group commit. Deliveries that
 * arrive while a write is in flight wait for it and are then written together in one multi-row
 * INSERT … ON CONFLICT DO NOTHING (one statement, one commit), so under load the database does one
 * write per batch instead of one per request; alone, a delivery is written at once (no timer, no added
 * wait). Each delivery still resolves only after the statement holding its events has committed, and
 * learns which of its events were new. If a batch fails, its deliveries are written one by one, so a
 * bad delivery fails alone. `maxConcurrentWrites` batches may be in flight (PGlite runs one statement
 * at a time; PostgreSQL can use a few pool connections).
 */
export function createWebhookInbox(
  {
    db,
    generateId,
    clock,
    simpleQuery,
    namedQuery,
  }: {
    db: Database;
    generateId: IdGenerator;
    clock: Clock;
    /** `DatabaseHandle.simpleQuery`, for the insert (the webhook passes it; tests may leave it out). */
    simpleQuery?: DatabaseHandle['simpleQuery'];
    /** `DatabaseHandle.namedQuery` (PostgreSQL): the insert as a statement prepared once per connection. */
    namedQuery?: DatabaseHandle['namedQuery'];
  },
  {
    maxBatchEvents = 500,
    maxConcurrentWrites = 1,
    preparedInserts = false,
  }: {
    maxBatchEvents?: number;
    maxConcurrentWrites?: number;
    /** One connection (PGlite): the insert is prepared once, for every batch size (`createEventsRepository`). */
    preparedInserts?: boolean;
  } = {},
): WebhookInbox {
  type Pending = {
    events: NewWebhookEvent[];
    resolve: (result: { received: number; stored: number }) => void;
    reject: (error: unknown) => void;
  };
  const repository = createEventsRepository({ db, generateId, simpleQuery, namedQuery, preparedInserts });
  const queue: Pending[] = [];
  let writing = 0;

  const write = async (batch: Pending[]): Promise<void> => {
    let stored: { channelId: string; webhookEventId: string }[];
    try {
      stored = await repository.storeOnce(batch.flatMap((pending) => pending.events));
    } catch (error) {
      if (batch.length === 1) batch[0]?.reject(error);
      // The statement is atomic: nothing of the batch was stored, so each delivery is tried alone.
      else await Promise.all(batch.map((pending) => write([pending])));
      return;
    }
    // An event in two deliveries of the batch (a redelivery racing the original) counts for the first.
    const fresh = new Set(stored.map(webhookEventKey));
    for (const pending of batch) {
      const storedHere = pending.events.filter((event) => fresh.delete(webhookEventKey(event))).length;
      pending.resolve({ received: pending.events.length, stored: storedHere });
    }
  };

  let scheduled = false;
  const pump = () => {
    scheduled = false;
    while (writing < maxConcurrentWrites && queue.length > 0) {
      let count = 0;
      let rows = 0;
      while (
        count < queue.length &&
        (count === 0 || rows + (queue[count]?.events.length ?? 0) <= maxBatchEvents)
      ) {
        rows += queue[count]?.events.length ?? 0;
        count++;
      }
      const batch = queue.splice(0, count);
      writing++;
      void write(batch).finally(() => {
        writing--;
        schedule();
      });
    }
  };
  // Writes start on the next turn of the event loop, after the I/O already waiting has been read: PGlite
  // answers without giving the loop a turn, so without this every request would be a batch of one.
  const schedule = () => {
    if (scheduled || queue.length === 0) return;
    scheduled = true;
    setImmediate(pump);
  };

  return {
    receive: async ({ channel, rawBody, requestId }) => {
      const events = parseWebhookBody({ channel, rawBody, receivedAt: clock.now() }).map((event) => ({
        ...event,
        requestId: requestId ?? null,
      }));
      if (events.length === 0) return { received: 0, stored: 0 };
      return new Promise((resolve, reject) => {
        queue.push({ events, resolve, reject });
        schedule();
      });
    },
  };
}

/** An outbound message a commit recorded, to send once committed (its id, and what the sender may need). */
export type CommittedOutbound = { id: string };

/** What handling one event produced, applied in the event's own transaction when it is marked done. */
export type EventHandling<Out extends CommittedOutbound = CommittedOutbound, Staged = unknown> = {
  /** Runs inside the transaction that marks the event done (record the answer, etc.); returns the outbound. */
  commit?: (tx: Transaction) => Promise<Out[]>;
  /**
   * Like `commit`, but what it returns is written together with the rest of its group's (`writeGroup`:
   * one multi-row statement per table for the whole group, not one per event).
   */
  stage?: (tx: Transaction) => Promise<Staged>;
  /**
   * The commit writes more than the answer (a proof's decision, with its locks): the event commits in a
   * transaction of its own, at once, not with a group's — a group's transaction stays short, never waits
   * on a decision's locks, and a decision that fails costs the others nothing.
   */
  alone?: boolean;
};

export type EventHandler<Out extends CommittedOutbound = CommittedOutbound, Staged = unknown> = (
  event: WebhookEvent,
) => Promise<EventHandling<Out, Staged>>;

export type ProcessSummary = {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
  /** Outbound messages committed by this batch, to send now. */
  outboundIds: string[];
};

export const WEBHOOK_EVENT_MAX_ATTEMPTS = 5;
export const WEBHOOK_EVENT_LEASE_MS = 60_000;
const LEASE_MS = WEBHOOK_EVENT_LEASE_MS;

/** Back-off of a failed event: 2 s, 8 s, 32 s, 2 min… capped at 15 min. */
export function eventBackoffMs(attempt: number): number {
  return Math.min(15 * 60_000, 2_000 * 4 ** Math.max(0, attempt - 1));
}

type ProcessorDeps = { db: Database; generateId: IdGenerator; clock: Clock; logger: Logger };

export type EventProcessingOptions<Out extends CommittedOutbound = CommittedOutbound, Staged = unknown> = {
  handle: EventHandler<Out, Staged>;
  /**
   * Writes the staged rows of a group's events (`EventHandling.stage`) in the group's transaction, in
   * multi-row statements; returns each one's outbound, in the order given. Required when handlers stage.
   */
  writeGroup?: (tx: Transaction, staged: Staged[]) => Promise<Out[][]>;
  leaseMs?: number;
  maxAttempts?: number;
  /** The most events committed in one transaction (default 50). */
  maxGroup?: number;
  /**
   * Sends what a group of events committed as soon as it is committed (its members are not kept waiting
   * for the rest of the batch); a failure here leaves the messages to the outbound worker. Without it,
   * the messages are only returned in the summary's `outboundIds`.
   */
  onCommitted?: (outbound: Out[]) => Promise<void>;
};

/**
 * Handles claimed events and commits them in groups: each event is handled on its own (its reads, its
 * platform calls), then joins the next group commit — the events handled while the previous group was
 * committing are marked done, and their answers written, in one transaction (one multi-row statement
 * per table), and what they committed is sent together (`onCommitted`). Alone, an event commits at
 * once. Each event is marked done only if this worker still holds it; one whose lease lapsed writes
 * nothing. A group whose transaction fails is committed again one event at a time, so a bad event fails
 * alone. An event whose commit writes more than its answer (`EventHandling.alone`: a proof's decision)
 * commits at once in a transaction of its own, beside the groups. A failure goes back to pending with
 * back-off, and after `maxAttempts` is parked as `failed` with the error. Counts what happened into
 * `summary`.
 */
export function createEventProcessor<Out extends CommittedOutbound, Staged = unknown>(
  { db, generateId, clock, logger }: ProcessorDeps,
  {
    handle,
    writeGroup,
    maxAttempts = WEBHOOK_EVENT_MAX_ATTEMPTS,
    maxGroup = 50,
    onCommitted,
  }: Omit<EventProcessingOptions<Out, Staged>, 'leaseMs'>,
): (
  event: WebhookEvent,
  summary: ProcessSummary,
  /** Called once the event's group transaction has ended, before its answers are sent (if it got that far). */
  committed?: () => void,
) => Promise<void> {
  const repository = createEventsRepository({ db, generateId });
  /** An event handled and waiting for its group's commit; settled once committed (and sent). */
  type Entry = {
    event: WebhookEvent;
    handling: EventHandling<Out, Staged>;
    /** Its outbound once committed; undefined: its lease had lapsed, nothing of it was written. */
    settle: (outbound: Out[] | undefined) => void;
    fail: (error: unknown) => void;
    /** Told as soon as its group's transaction has ended (before the answers are sent). */
    committed?: () => void;
  };

  const commitGroup = (group: Entry[]): Promise<(Out[] | undefined)[]> =>
    db.transaction(async (tx) => {
      const owned = await createEventsRepository({ db: tx, generateId }).finishMany({
        claims: group.map(({ event }) => ({ id: event.id, attempt: event.attempts })),
        now: clock.now(),
      });
      const results: (Out[] | undefined)[] = [];
      const staged: { at: number; row: Staged }[] = [];
      for (const { event, handling } of group) {
        if (!owned.has(event.id)) {
          results.push(undefined);
          continue;
        }
        results.push(handling.commit ? await handling.commit(tx) : []);
        if (handling.stage) staged.push({ at: results.length - 1, row: await handling.stage(tx) });
      }
      if (staged.length > 0) {
        if (!writeGroup) throw new Error('an event handler staged rows, but no writeGroup writes them');
        const written = await writeGroup(
          tx,
          staged.map(({ row }) => row),
        );
        staged.forEach(({ at }, i) => results[at]?.push(...(written[i] ?? [])));
      }
      return results;
    });

  const commitAndSend = async (group: Entry[]): Promise<void> => {
    let results: (Out[] | undefined)[];
    try {
      results = await commitGroup(group);
      for (const entry of group) entry.committed?.();
    } catch (error) {
      if (group.length === 1) group[0]?.fail(error);
      // Nothing of the group was written: each event alone, so only the bad one fails.
      else for (const entry of group) await commitAndSend([entry]);
      return;
    }
    const outbound = results.flatMap((result) => result ?? []);
    const settle = () => group.forEach((entry, i) => entry.settle(results[i]));
    if (!onCommitted || outbound.length === 0) return settle();
    // Sent while the next group commits; each event settles once its group's answers are sent.
    void onCommitted(outbound)
      .catch((error: unknown) => {
        logger.warn({ err: error }, 'sending the answers failed; the outbound worker retries');
      })
      .finally(settle);
  };

  const waiting: Entry[] = [];
  /** Events committing alone (`EventHandling.alone`), beside the groups. */
  let committingAlone = 0;
  let committing = false;
  const pump = async () => {
    committing = true;
    try {
      while (waiting.length > 0) await commitAndSend(waiting.splice(0, Math.max(1, maxGroup)));
    } finally {
      committing = false;
    }
  };
  // A commit starts on the next turn of the event loop, so the events handled in this one join it (PGlite
  // answers without giving the loop a turn: without this the first of them would always go alone) —
  // unless every event in flight is already waiting (a lone event): then at once.
  let scheduled = false;
  const schedule = () => {
    if (committing) return;
    if (noMoreCompany(waiting.length + committingAlone)) {
      void pump();
      return;
    }
    if (scheduled) return;
    scheduled = true;
    setImmediate(() => {
      scheduled = false;
      if (!committing) void pump();
    });
  };
  const commitInGroup = (
    event: WebhookEvent,
    handling: EventHandling<Out, Staged>,
    committed: (() => void) | undefined,
  ) =>
    new Promise<Out[] | undefined>((settle, fail) => {
      const entry = { event, handling, settle, fail, committed };
      if (!handling.alone) {
        waiting.push(entry);
        return schedule();
      }
      committingAlone++;
      void commitAndSend([entry]).finally(() => committingAlone--);
    });

  const processOneNow = async (event: WebhookEvent, summary: ProcessSummary, committed?: () => void) => {
    try {
      const handling = await handle(event);
      const outbound = await commitInGroup(event, handling, committed);
      if (outbound === undefined) {
        logger.warn({ webhookEventId: event.webhookEventId }, 'event lease lapsed; another worker has it');
        return;
      }
      summary.done++;
      if (!onCommitted) summary.outboundIds.push(...outbound.map((message) => message.id));
      logger.info(
        { webhookEventId: event.webhookEventId, eventType: event.eventType, attempt: event.attempts },
        'webhook event handled',
      );
    } catch (error) {
      const giveUp = event.attempts >= maxAttempts;
      await repository.fail({
        id: event.id,
        attempt: event.attempts,
        error: describeError(error),
        retryAt: giveUp ? undefined : new Date(clock.now().getTime() + eventBackoffMs(event.attempts)),
      });
      if (giveUp) summary.failed++;
      else summary.retried++;
      logger.warn(
        { webhookEventId: event.webhookEventId, attempt: event.attempts, giveUp, err: error },
        giveUp ? 'webhook event parked as failed' : 'webhook event failed; will retry',
      );
    }
  };
  // Inside the storing request's context: every log line of this event's work carries its reqId.
  return (event, summary, committed) =>
    runWithRequestId(event.requestId, () => processOneNow(event, summary, committed));
}

export function emptySummary(): ProcessSummary {
  return { claimed: 0, done: 0, retried: 0, failed: 0, outboundIds: [] };
}

/**
 * One worker pass: claim a batch of due events (lease) and process each (`createEventProcessor`). A
 * crash leaves the lease to lapse, and the event is claimed again; handlers are idempotent (effects
 * keyed by the event). The job worker uses `createWebhookLanes` instead, which claims as lanes free.
 */
export async function processDueWebhookEvents<Out extends CommittedOutbound, Staged = unknown>(
  deps: ProcessorDeps,
  {
    limit = 10,
    concurrency = 2,
    leaseMs = LEASE_MS,
    ...options
  }: EventProcessingOptions<Out, Staged> & { limit?: number; concurrency?: number },
): Promise<ProcessSummary> {
  const repository = createEventsRepository({ db: deps.db, generateId: deps.generateId });
  const claimed = await repository.claimDue({ now: deps.clock.now(), leaseMs, limit });
  const summary: ProcessSummary = { ...emptySummary(), claimed: claimed.length };
  const processOne = createEventProcessor(deps, options);

  // Events of one user are handled in order; different users in parallel, `concurrency` at a time.
  const byUser = new Map<string, WebhookEvent[]>();
  for (const event of claimed) {
    const key = event.lineUserId ?? event.id;
    byUser.set(key, [...(byUser.get(key) ?? []), event]);
  }
  const lanes = [...byUser.values()];
  const runLane = async () => {
    for (let lane = lanes.shift(); lane; lane = lanes.shift()) {
      for (const event of lane) await processOne(event, summary);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, runLane));
  return summary;
}

function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return `${typeof code === 'string' ? `${code}: ` : ''}${error.message}`.slice(0, 2000);
  }
  return String(error).slice(0, 2000);
}
