import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { inArray } from 'drizzle-orm';
import {
  createWebhookInbox,
  createWebhookLanes,
  webhookEvents,
  type WebhookEvent,
} from '../../core/events/index.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { createTurnBatcher } from '../../core/shared/turn-batch.js';
import { inboxChannel } from '../support/inbox-channel.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { createStatementLog } from '../support/statement-log.js';
import { UI_HANG_MS } from '../support/timing.js';

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

/** Far longer than any test: a wait that would end only by its timer shows as a hang, not a pass. */
const NEVER_MS = 10 * 60_000;
/** The claim statement (it leases: `attempts + 1`). */
const isClaim = (statement: string) => /update "webhook_events".*"attempts" \+ 1/s.test(statement);

describe('webhook lanes: claimed as lanes free, with lanes for answers of their own', () => {
  const log = createStatementLog();
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
    services = await buildTestServices({
      seed: { brands: [BRAND], lineChannels: [CHANNEL] },
      onStatement: log.onStatement,
    });
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

  test('when lanes of both kinds are free, then one statement claims for both: photos for the lanes that take any event, texts for the answer lanes', async () => {
    await store([
      { id: 'EVT_ONE_PHOTO_1', user: user(20), type: 'image' },
      { id: 'EVT_ONE_PHOTO_2', user: user(21), type: 'image' },
      { id: 'EVT_ONE_TEXT_3', user: user(22) },
      { id: 'EVT_ONE_TEXT_4', user: user(23) },
    ]);
    const lanes = createWebhookLanes(deps(), { lanes: 1, answerLanes: 2, handle: async () => ({}) });

    const statements = await log.during(() => lanes.fill());
    const whileHandled = await states([
      'EVT_ONE_PHOTO_1',
      'EVT_ONE_PHOTO_2',
      'EVT_ONE_TEXT_3',
      'EVT_ONE_TEXT_4',
    ]);
    await lanes.runUntilIdle();

    expect(statements.filter(isClaim)).toHaveLength(1);
    expect(whileHandled).toEqual({
      EVT_ONE_PHOTO_1: expect.stringMatching(/^(processing|done)$/),
      EVT_ONE_PHOTO_2: 'pending',
      EVT_ONE_TEXT_3: expect.stringMatching(/^(processing|done)$/),
      EVT_ONE_TEXT_4: expect.stringMatching(/^(processing|done)$/),
    });
  });

  test('when texts arrive while an answer claimed before them is not yet committed, then they are claimed together once it has committed', async () => {
    await store([{ id: 'EVT_WAVE_FIRST', user: user(30) }]);
    const first = gate();
    const lanes = createWebhookLanes(deps(), {
      lanes: 1,
      answerLanes: 8,
      burstClaimWaitMs: NEVER_MS,
      handle: async (event: WebhookEvent) => {
        if (event.webhookEventId === 'EVT_WAVE_FIRST') await first.opened;
        return {};
      },
    });
    expect(await lanes.fill()).toBe(1);

    // Two arrive, a claim is asked for, a third arrives while it waits.
    await store([
      { id: 'EVT_WAVE_A', user: user(31) },
      { id: 'EVT_WAVE_B', user: user(32) },
    ]);
    const claimed = lanes.fill();
    await store([{ id: 'EVT_WAVE_C', user: user(33) }]);
    const beforeCommit = await states(['EVT_WAVE_A', 'EVT_WAVE_B', 'EVT_WAVE_C']);
    first.open();

    expect(await claimed).toBe(3);
    await lanes.idle();
    expect(beforeCommit).toEqual({ EVT_WAVE_A: 'pending', EVT_WAVE_B: 'pending', EVT_WAVE_C: 'pending' });
    expect(await states(['EVT_WAVE_FIRST', 'EVT_WAVE_A', 'EVT_WAVE_B', 'EVT_WAVE_C'])).toEqual({
      EVT_WAVE_FIRST: 'done',
      EVT_WAVE_A: 'done',
      EVT_WAVE_B: 'done',
      EVT_WAVE_C: 'done',
    });
  });

  test('when a lane frees, then the loop is asked to claim at once only if the last claim was short of lanes', async () => {
    await store([
      { id: 'EVT_FREE_1', user: user(40) },
      { id: 'EVT_FREE_2', user: user(41) },
      { id: 'EVT_FREE_3', user: user(42) },
    ]);
    const lanes = createWebhookLanes(deps(), {
      lanes: 2,
      answerLanes: 0,
      freeClaimDelayMs: NEVER_MS,
      handle: async () => ({}),
    });
    let asked = 0;
    lanes.onClaimable(() => asked++);

    // Two lanes, three due: the claim fills both, so each lane that frees asks at once.
    let freed = afterFrees(lanes, 2);
    expect(await lanes.fill()).toBe(2);
    await freed;
    const askedWhenShort = asked;
    // The next claim takes the last one due with a lane to spare: its lane frees without asking.
    freed = afterFrees(lanes, 1);
    expect(await lanes.fill()).toBe(1);
    await freed;

    expect(askedWhenShort).toBe(2);
    expect(asked).toBe(2);
    expect(await states(['EVT_FREE_1', 'EVT_FREE_2', 'EVT_FREE_3'])).toEqual({
      EVT_FREE_1: 'done',
      EVT_FREE_2: 'done',
      EVT_FREE_3: 'done',
    });
  });

  /**
   * Lanes whose handler, once `go` opens, reads through one turn batcher (the production quiet time). Run
   * with the timers stopped (`withTimersStopped`), an event that still waited for a timer (the batcher's
   * quiet time, a loop turn before its group commits) would never be committed: the test would hang until
   * jest's guard. It cannot pass by being fast, nor fail by being slow.
   */
  /** A hang guard, not a speed check: a third of jest's, as a browser wait's (the work is a few statements). */
  const STALL_GUARD_MS = UI_HANG_MS;
  const lanesReadingTogether = (lanes: number) => {
    const batches: string[][] = [];
    const read = createTurnBatcher<string, string>(async (batch) => {
      batches.push(batch.map(({ input }) => input));
      for (const { input, resolve } of batch) resolve(input);
    });
    const go = gate();
    const pool = createWebhookLanes(deps(), {
      lanes,
      answerLanes: 0,
      handle: async (event: WebhookEvent) => {
        await go.opened;
        await read(event.webhookEventId);
        return {};
      },
    });
    return { batches, pool, go };
  };
  /**
   * Opens `go` with timeouts and immediates stopped (queued, never run; promises, nextTick and I/O run as
   * usual, so both databases answer) and waits until `count` lanes have freed, each after its commit.
   */
  const withTimersStopped = async (
    { pool, go }: ReturnType<typeof lanesReadingTogether>,
    count: number,
  ): Promise<void> => {
    const freed = afterFrees(pool, count);
    // Taken before the timers stop: the one real timer, so a lane that waits for a stopped timer fails here,
    // naming why, with the timers restored for the next tests — not at jest's own guard (review F10).
    const realSetTimeout = globalThis.setTimeout;
    const realClearTimeout = globalThis.clearTimeout;
    let guard: ReturnType<typeof setTimeout> | undefined;
    const stalled = new Promise<never>((_, reject) => {
      guard = realSetTimeout(
        () =>
          reject(
            new Error(`${count} lane(s) never freed with the timers stopped: an event waited for a timer`),
          ),
        STALL_GUARD_MS,
      );
    });
    jest.useFakeTimers({
      doNotFake: [
        'Date',
        'hrtime',
        'nextTick',
        'performance',
        'queueMicrotask',
        'setInterval',
        'clearInterval',
      ],
    });
    try {
      go.open();
      await Promise.race([freed, stalled]);
    } finally {
      realClearTimeout(guard);
      jest.useRealTimers();
    }
  };

  test('when an event is the only one in flight, then the turn batcher it calls runs at once and its answer commits at once, with no timer', async () => {
    // Arrange: the claim looks on the loop's next turn, so it runs with the timers on, the handler held.
    const lone = lanesReadingTogether(1);
    await store([{ id: 'EVT_ALONE', user: user(41) }]);
    expect(await lone.pool.fill()).toBe(1);

    // Act
    await withTimersStopped(lone, 1);

    // Assert
    expect(lone.batches).toEqual([['EVT_ALONE']]);
    expect(await states(['EVT_ALONE'])).toEqual({ EVT_ALONE: 'done' });
  });

  test('when every event claimed together has called the turn batcher, then it runs them as one batch and they commit at once, with no timer', async () => {
    // Arrange
    const together = lanesReadingTogether(3);
    const ids = ['EVT_TOGETHER_1', 'EVT_TOGETHER_2', 'EVT_TOGETHER_3'];
    await store(ids.map((id, i) => ({ id, user: user(42 + i) })));
    expect(await together.pool.fill()).toBe(3);

    // Act
    await withTimersStopped(together, 3);

    // Assert
    expect(together.batches.map((batch) => [...batch].sort())).toEqual([ids]);
    expect(await states(ids)).toEqual(Object.fromEntries(ids.map((id) => [id, 'done'])));
  });
});
