import type { LineChannel } from '../brands/index.js';
import type { Database, Transaction } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { createWebhookBadJsonError } from './events.errors.js';
import { createEventsRepository, type WebhookEvent } from './events.repository.js';
import { webhookBodySchema } from './events.schemas.js';

/**
 * The webhook's whole job after the signature check: parse the raw body and store every event once
 * (by webhookEventId). A redelivered event finds its row and adds nothing. No other work happens here.
 */
export async function receiveWebhookEvents(
  { db, generateId, clock }: { db: Database; generateId: IdGenerator; clock: Clock },
  { channel, rawBody }: { channel: LineChannel; rawBody: Buffer | string },
): Promise<{ received: number; stored: number }> {
  let parsedJson: unknown;
  try {
    parsedJson = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch (error) {
    throw createWebhookBadJsonError({ cause: error });
  }
  const parsed = webhookBodySchema.safeParse(parsedJson);
  if (!parsed.success) {
    throw createWebhookBadJsonError({
      details: { issues: parsed.error.issues.slice(0, 5).map((issue) => issue.path.join('.')) },
    });
  }
  const receivedAt = clock.now();
  const stored = await createEventsRepository({ db, generateId }).storeOnce(
    parsed.data.events.map((event) => ({
      brandId: channel.brandId,
      channelId: channel.id,
      webhookEventId: event.webhookEventId,
      eventType: event.type,
      lineUserId: event.source?.userId ?? null,
      payload: event as Record<string, unknown>,
      isRedelivery: event.deliveryContext?.isRedelivery ?? false,
      occurredAt: new Date(event.timestamp),
      nextAttemptAt: receivedAt,
      receivedAt,
    })),
  );
  return { received: parsed.data.events.length, stored };
}

/** What handling one event produced, applied in the event's own transaction when it is marked done. */
export type EventHandling = {
  /** Runs inside the transaction that marks the event done (record the answer, etc.); returns outbound ids. */
  commit?: (tx: Transaction) => Promise<string[]>;
};

export type EventHandler = (event: WebhookEvent) => Promise<EventHandling>;

export type ProcessSummary = {
  claimed: number;
  done: number;
  retried: number;
  failed: number;
  /** Outbound messages committed by this batch, to send now. */
  outboundIds: string[];
};

export const WEBHOOK_EVENT_MAX_ATTEMPTS = 5;
const LEASE_MS = 60_000;

/** Back-off of a failed event: 2 s, 8 s, 32 s, 2 min… capped at 15 min. */
export function eventBackoffMs(attempt: number): number {
  return Math.min(15 * 60_000, 2_000 * 4 ** Math.max(0, attempt - 1));
}

/**
 * One worker pass: claim a batch of due events (lease), handle each, and commit each in its own
 * transaction that marks it done only if this worker still holds it. A failure goes back to pending with
 * back-off, and after `maxAttempts` is parked as `failed` with the error. A crash leaves the lease to
 * lapse, and the event is claimed again; handlers are idempotent (effects keyed by the event).
 */
export async function processDueWebhookEvents(
  { db, generateId, clock, logger }: { db: Database; generateId: IdGenerator; clock: Clock; logger: Logger },
  {
    handle,
    limit = 10,
    concurrency = 2,
    leaseMs = LEASE_MS,
    maxAttempts = WEBHOOK_EVENT_MAX_ATTEMPTS,
  }: { handle: EventHandler; limit?: number; concurrency?: number; leaseMs?: number; maxAttempts?: number },
): Promise<ProcessSummary> {
  const repository = createEventsRepository({ db, generateId });
  const claimed = await repository.claimDue({ now: clock.now(), leaseMs, limit });
  const summary: ProcessSummary = {
    claimed: claimed.length,
    done: 0,
    retried: 0,
    failed: 0,
    outboundIds: [],
  };

  const processOne = async (event: WebhookEvent) => {
    try {
      const handling = await handle(event);
      const outboundIds = await db.transaction(async (tx) => {
        const owned = await createEventsRepository({ db: tx, generateId }).finish({
          id: event.id,
          attempt: event.attempts,
          now: clock.now(),
        });
        if (!owned) return undefined;
        return handling.commit ? handling.commit(tx) : [];
      });
      if (outboundIds === undefined) {
        logger.warn({ webhookEventId: event.webhookEventId }, 'event lease lapsed; another worker has it');
        return;
      }
      summary.done++;
      summary.outboundIds.push(...outboundIds);
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

  // Events of one user are handled in order; different users in parallel, `concurrency` at a time.
  const byUser = new Map<string, WebhookEvent[]>();
  for (const event of claimed) {
    const key = event.lineUserId ?? event.id;
    byUser.set(key, [...(byUser.get(key) ?? []), event]);
  }
  const lanes = [...byUser.values()];
  const runLane = async () => {
    for (let lane = lanes.shift(); lane; lane = lanes.shift()) {
      for (const event of lane) await processOne(event);
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
