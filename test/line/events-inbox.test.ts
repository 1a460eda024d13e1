import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import {
  createEventsRepository,
  createWebhookInbox,
  processDueWebhookEvents,
  webhookEvents,
} from '../../core/events/index.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { inboxChannel } from '../support/inbox-channel.js';
import { buildTestServices, type TestServices } from '../support/services.js';

const { brand: BRAND, channel: CHANNEL, row: CHANNEL_ROW } = inboxChannel('inbox', '2000000099');

function body(ids: string[]) {
  return JSON.stringify({
    destination: 'U00000000000000000000000000000000',
    events: ids.map((webhookEventId, i) => ({
      type: 'message',
      webhookEventId,
      timestamp: Date.parse('2026-01-01T00:00:00Z') + i,
      source: { type: 'user', userId: `U${String(i).padStart(32, '0')}` },
      deliveryContext: { isRedelivery: false },
      message: { id: String(i), type: 'text', text: 'hi' },
    })),
  });
}

describe('webhook inbox and worker mechanics', () => {
  let services: TestServices;
  const deps = () => ({
    db: services.database.db,
    generateId: services.generateId,
    clock: services.clock,
    logger: createSilentLogger(),
  });

  beforeAll(async () => {
    services = await buildTestServices({ seed: { brands: [BRAND], lineChannels: [CHANNEL] } });
  });
  afterAll(async () => {
    await services.database.close();
  });

  test('when an event keeps failing, then it is retried with back-off and parked as failed with the error', async () => {
    await createWebhookInbox(deps()).receive({ channel: CHANNEL_ROW, rawBody: body(['EVT_FAIL']) });
    const handle = async () => {
      throw new Error('MoF platform down');
    };
    const summaries = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      summaries.push(await processDueWebhookEvents(deps(), { handle, maxAttempts: 3 }));
      // Not due again until its back-off has passed.
      expect((await processDueWebhookEvents(deps(), { handle, maxAttempts: 3 })).claimed).toBe(0);
      services.clock.advanceBy(10 * 60_000);
    }

    expect(summaries.map((summary) => [summary.retried, summary.failed])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    const [row] = await services.database.db
      .select()
      .from(webhookEvents)
      .where(eq(webhookEvents.webhookEventId, 'EVT_FAIL'));
    expect(row).toMatchObject({ state: 'failed', attempts: 3, lastError: 'MoF platform down' });
  });

  test('when failed events are retried by the operator, then they are processed again', async () => {
    const repository = createEventsRepository({ db: services.database.db, generateId: services.generateId });
    expect((await repository.listFailed()).map((event) => event.webhookEventId)).toEqual(['EVT_FAIL']);

    const count = await repository.retryFailed({ now: services.clock.now() });
    const summary = await processDueWebhookEvents(deps(), { handle: async () => ({}) });

    expect(count).toBe(1);
    expect(summary).toMatchObject({ claimed: 1, done: 1 });
    expect(await repository.listFailed()).toEqual([]);
  });

  test('when two workers claim at once, then no event is claimed twice', async () => {
    const ids = Array.from({ length: 30 }, (_, i) => `EVT_PAR_${i}`);
    await createWebhookInbox(deps()).receive({ channel: CHANNEL_ROW, rawBody: body(ids) });
    const seen: string[] = [];
    const handle = async (event: { webhookEventId: string }) => {
      seen.push(event.webhookEventId);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return {};
    };

    const runs = await Promise.all(
      Array.from({ length: 3 }, async () => {
        let done = 0;
        for (
          let summary = await processDueWebhookEvents(deps(), { handle, limit: 4 });
          summary.claimed > 0;
          summary = await processDueWebhookEvents(deps(), { handle, limit: 4 })
        )
          done += summary.done;
        return done;
      }),
    );

    expect(runs.reduce((a, b) => a + b, 0)).toBe(30);
    expect(new Set(seen).size).toBe(30);
    expect(seen).toHaveLength(30);
  });

  test('when a worker crashed holding a lease, then the event is claimed again after the lease and finished once', async () => {
    await createWebhookInbox(deps()).receive({ channel: CHANNEL_ROW, rawBody: body(['EVT_LEASE']) });
    const repository = createEventsRepository({ db: services.database.db, generateId: services.generateId });
    const [claimedByDeadWorker] = await repository.claimDue({
      now: services.clock.now(),
      leaseMs: 60_000,
      limit: 1,
    });

    const whileLeased = await processDueWebhookEvents(deps(), { handle: async () => ({}) });
    services.clock.advanceBy(61_000);
    const afterLease = await processDueWebhookEvents(deps(), { handle: async () => ({}) });
    const lateFinish = await repository.finishMany({
      claims: [{ id: claimedByDeadWorker?.id as string, attempt: claimedByDeadWorker?.attempts as number }],
      now: services.clock.now(),
    });

    expect(whileLeased.claimed).toBe(0);
    expect(afterLease).toMatchObject({ claimed: 1, done: 1 });
    expect(lateFinish.size).toBe(0);
  });
});
