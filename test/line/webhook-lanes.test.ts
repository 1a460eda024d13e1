import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { inArray } from 'drizzle-orm';
import {
  createWebhookInbox,
  createWebhookLanes,
  webhookEvents,
  type WebhookEvent,
} from '../../core/events/index.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { inboxChannel } from '../support/inbox-channel.js';
import { buildTestServices, type TestServices } from '../support/services.js';

const { brand: BRAND, channel: CHANNEL, row: CHANNEL_ROW } = inboxChannel('lanes', '2000000098');

type Sent = { id: string; user: string; type?: 'text' | 'image' };

/** One webhook body: each event a message of `type` (text by default) from `user`, in this order. */
function body(events: Sent[]) {
  return JSON.stringify({
    destination: 'U00000000000000000000000000000000',
    events: events.map(({ id, user, type = 'text' }, i) => ({
      type: 'message',
      webhookEventId: id,
      timestamp: Date.parse('2026-01-01T00:00:00Z') + i,
      source: { type: 'user', userId: user },
      deliveryContext: { isRedelivery: false },
      message: type === 'text' ? { id: String(i), type, text: 'hi' } : { id: String(i), type },
    })),
  });
}

const user = (n: number) => `U${String(n).padStart(32, '0')}`;

/** A promise the test resolves: a handler held until released (a photo being read, say). */
function gate() {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

describe('webhook lanes: claimed as lanes free, with lanes for answers of their own', () => {
  let services: TestServices;
  const deps = () => ({
    db: services.database.db,
    generateId: services.generateId,
    clock: services.clock,
    logger: createSilentLogger(),
  });
  const store = (events: Sent[]) =>
    createWebhookInbox(deps()).receive({ channel: CHANNEL_ROW, rawBody: body(events) });
  const states = async (ids: string[]) => {
    const rows = await services.database.db
      .select({ id: webhookEvents.webhookEventId, state: webhookEvents.state })
      .from(webhookEvents)
      .where(inArray(webhookEvents.webhookEventId, ids));
    return Object.fromEntries(rows.map((row) => [row.id, row.state]));
  };

  beforeAll(async () => {
    services = await buildTestServices({ seed: { brands: [BRAND], lineChannels: [CHANNEL] } });
  });
  afterAll(async () => {
    await services.database.close();
  });

  /** Resolves once lanes have freed `count` times (each freeing follows its event's commit). */
  const afterFrees = (lanes: ReturnType<typeof createWebhookLanes>, count: number) => {
    let frees = 0;
    return new Promise<void>((resolve) =>
      lanes.onFree(() => {
        if (++frees === count) resolve();
      }),
    );
  };

  test('when the lane for any event is busy with a photo, then a text is answered in the answer lane meanwhile', async () => {
    await store([
      { id: 'EVT_PHOTO_1', user: user(1), type: 'image' },
      { id: 'EVT_PHOTO_2', user: user(2), type: 'image' },
      { id: 'EVT_TEXT_3', user: user(3) },
    ]);
    const photo = gate();
    const handled: string[] = [];
    const lanes = createWebhookLanes(deps(), {
      lanes: 1,
      answerLanes: 1,
      handle: async (event: WebhookEvent) => {
        if (event.webhookEventId.startsWith('EVT_PHOTO')) await photo.opened;
        handled.push(event.webhookEventId);
        return {};
      },
    });
    const textDone = afterFrees(lanes, 1);

    // The lane for any event takes the oldest (a photo); the answer lane takes no photo, so the text.
    expect(await lanes.fill()).toBe(2);
    await textDone;
    const whilePhotoIsRead = await states(['EVT_PHOTO_1', 'EVT_PHOTO_2', 'EVT_TEXT_3']);
    photo.open();
    const rest = await lanes.runUntilIdle();

    expect(whilePhotoIsRead).toEqual({
      EVT_PHOTO_1: 'processing',
      EVT_PHOTO_2: 'pending',
      EVT_TEXT_3: 'done',
    });
    expect(rest).toBe(1);
    expect(handled).toEqual(['EVT_TEXT_3', 'EVT_PHOTO_1', 'EVT_PHOTO_2']);
    expect(await states(['EVT_PHOTO_1', 'EVT_PHOTO_2'])).toEqual({
      EVT_PHOTO_1: 'done',
      EVT_PHOTO_2: 'done',
    });
  });

  test('when one event is slow, then the other lane keeps claiming and answering the rest', async () => {
    const fast = Array.from({ length: 12 }, (_, i) => ({ id: `EVT_FAST_${i}`, user: user(100 + i) }));
    await store([{ id: 'EVT_SLOW', user: user(99) }, ...fast]);
    const slow = gate();
    const lanes = createWebhookLanes(deps(), {
      lanes: 2,
      answerLanes: 0,
      handle: async (event: WebhookEvent) => {
        if (event.webhookEventId === 'EVT_SLOW') await slow.opened;
        return {};
      },
    });
    const fastDone = afterFrees(lanes, fast.length);

    const all = lanes.runUntilIdle();
    await fastDone;
    const whileSlow = await states(['EVT_SLOW', ...fast.map((event) => event.id)]);
    slow.open();

    expect(await all).toBe(fast.length + 1);
    expect(whileSlow).toEqual({
      EVT_SLOW: 'processing',
      ...Object.fromEntries(fast.map((event) => [event.id, 'done'])),
    });
  });

  test("when a member's events are claimed together, then they are handled one after the other, in order", async () => {
    await store([
      { id: 'EVT_SAME_A', user: user(7) },
      { id: 'EVT_SAME_B', user: user(7) },
    ]);
    const first = gate();
    const log: string[] = [];
    let firstStarted: () => void = () => {};
    const started = new Promise<void>((resolve) => {
      firstStarted = resolve;
    });
    const lanes = createWebhookLanes(deps(), {
      lanes: 2,
      answerLanes: 0,
      handle: async (event: WebhookEvent) => {
        log.push(`start ${event.webhookEventId}`);
        if (event.webhookEventId === 'EVT_SAME_A') {
          firstStarted();
          await first.opened;
        }
        log.push(`end ${event.webhookEventId}`);
        return {};
      },
    });

    // Two lanes free, but the member's second event waits (unclaimed) until the first is done.
    expect(await lanes.fill()).toBe(1);
    await started;
    const beforeRelease = [...log];
    first.open();
    expect(await lanes.runUntilIdle()).toBe(1);

    expect(beforeRelease).toEqual(['start EVT_SAME_A']);
    expect(log).toEqual(['start EVT_SAME_A', 'end EVT_SAME_A', 'start EVT_SAME_B', 'end EVT_SAME_B']);
  });

  test("when a member's photo takes most of the lease, then the text after it is claimed only once the photo is done, with a lease of its own, and handled once", async () => {
    const LEASE_MS = 10_000;
    await store([
      { id: 'EVT_LEASE_PHOTO', user: user(8), type: 'image' },
      { id: 'EVT_LEASE_TEXT', user: user(8) },
    ]);
    const photo = gate();
    const text = gate();
    let textStarted: () => void = () => {};
    const textRunning = new Promise<void>((resolve) => {
      textStarted = resolve;
    });
    const handled: string[] = [];
    const handle = async (event: WebhookEvent) => {
      if (event.webhookEventId === 'EVT_LEASE_PHOTO') await photo.opened;
      if (event.webhookEventId === 'EVT_LEASE_TEXT') {
        textStarted();
        await text.opened;
      }
      handled.push(event.webhookEventId);
      return {};
    };
    // This worker has a lane for any event and one for answers; a second worker claims what lapses.
    const lanes = createWebhookLanes(deps(), { lanes: 1, answerLanes: 1, leaseMs: LEASE_MS, handle });
    const otherWorker = createWebhookLanes(deps(), { lanes: 1, answerLanes: 1, leaseMs: LEASE_MS, handle });

    // The photo is claimed; the answer lane is free, but the member's text waits, unclaimed, for the photo.
    const claimedFirst = await lanes.fill();
    // The photo is read in almost the whole lease.
    services.clock.advanceBy(LEASE_MS - 1);
    const photoDone = afterFrees(lanes, 1);
    photo.open();
    await photoDone;
    // Now the text is claimed, with a lease from now; it is still being handled when the photo's
    // lease would have run out.
    await lanes.fill();
    await textRunning;
    services.clock.advanceBy(2);
    const takenOver = await otherWorker.fill();
    text.open();
    await Promise.all([lanes.idle(), otherWorker.idle()]);

    expect(handled).toEqual(['EVT_LEASE_PHOTO', 'EVT_LEASE_TEXT']);
    expect(takenOver).toBe(0);
    expect(claimedFirst).toBe(1);
    const [textRow] = await services.database.db
      .select({ state: webhookEvents.state, attempts: webhookEvents.attempts })
      .from(webhookEvents)
      .where(inArray(webhookEvents.webhookEventId, ['EVT_LEASE_TEXT']));
    expect(textRow).toEqual({ state: 'done', attempts: 1 });
  });
});
