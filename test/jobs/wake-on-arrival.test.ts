import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createWorkSignal, notifyWork, type WorkQueue } from '../../core/db/work-signal.js';
import { createWebhookInbox } from '../../core/events/index.js';
import { outboundMessages } from '../../core/messaging/index.js';
import { systemClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { projectRoot } from '../../core/shared/paths.js';
import { startJobs, type JobsHandle } from '../../jobs/runner.js';
import { ALICE, createLineTestKit, type LineTestKit } from '../line/line-test-kit.js';
import { buildTestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

// Every worker here polls once in ten minutes: a reply within the wait below (half of that, so a loaded
// machine has room) can only come from a wake-up.
const POLL_MS = HANG_GUARD_MS;
const WAIT_MS = HANG_GUARD_MS / 2;

async function waitUntil(condition: () => Promise<boolean> | boolean, what: string) {
  const deadline = Date.now() + WAIT_MS;
  while (!(await condition())) {
    if (Date.now() > deadline)
      throw new Error(`${what}: not within ${WAIT_MS} ms (the poll is ${POLL_MS} ms)`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('the runner wakes workers on the work signal', () => {
  test('when work is announced for a sleeping worker, then it runs again long before its poll', async () => {
    const signal = createWorkSignal({
      database: { listen: async () => async () => {} },
      logger: createSilentLogger(),
    });
    let runs = 0;
    let otherRuns = 0;
    const jobs = startJobs({
      jobs: [],
      logger: createSilentLogger(),
      signal,
      workers: [
        { name: 'events', pollMs: POLL_MS, wakeOn: ['events'], runOnce: async () => (runs++, 0) },
        { name: 'other', pollMs: POLL_MS, wakeOn: ['outbound'], runOnce: async () => (otherRuns++, 0) },
      ],
    });
    await waitUntil(() => runs === 1 && otherRuns === 1, 'first runs');

    signal.announce('events');
    await waitUntil(() => runs === 2, 'woken run');
    await jobs.stop();

    expect(otherRuns).toBe(1);
  });

  test('when work is announced while the worker is busy, then it looks again instead of sleeping', async () => {
    const signal = createWorkSignal({
      database: { listen: async () => async () => {} },
      logger: createSilentLogger(),
    });
    let runs = 0;
    let release!: () => void;
    const firstRun = new Promise<void>((resolve) => (release = resolve));
    const jobs = startJobs({
      jobs: [],
      logger: createSilentLogger(),
      signal,
      workers: [
        {
          name: 'events',
          pollMs: POLL_MS,
          wakeOn: ['events'],
          runOnce: async () => {
            runs++;
            if (runs === 1) await firstRun;
            return 0;
          },
        },
      ],
    });
    await waitUntil(() => runs === 1, 'first run');
    // Committed after the first claim looked: the worker must not sleep a minute on it.
    signal.announce('events');
    release();
    await waitUntil(() => runs === 2, 'second run');
    await jobs.stop();
  });
});

describe('the database sends the work notification on commit', () => {
  test('when webhook events, a push or a notifyWork commit, then subscribers of that queue hear it; a reply alone does not wake the outbound worker', async () => {
    const services = await buildTestServices();
    const signal = createWorkSignal({ database: services.database, logger: createSilentLogger() });
    const heard: WorkQueue[] = [];
    const unsubscribes = (['events', 'outbound', 'verification'] as const).map((queue) =>
      signal.subscribe([queue], () => heard.push(queue)),
    );
    try {
      const { seedDemo } = await import('../../core/demo/seed-demo.js');
      const demo = await seedDemo(services);
      // Listening starts on the first subscription; a round trip makes sure it is in place.
      await services.database.ping();
      await new Promise((resolve) => setTimeout(resolve, 200));

      const inbox = createWebhookInbox({
        db: services.database.db,
        generateId: createIdGenerator(),
        clock: systemClock,
      });
      await inbox.receive({
        channel: demo.channel,
        rawBody: JSON.stringify({
          destination: 'U0',
          events: [
            {
              type: 'message',
              mode: 'active',
              timestamp: Date.now(),
              webhookEventId: '01WAKEUPTEST0000000000000A',
              deliveryContext: { isRedelivery: false },
              source: { type: 'user', userId: ALICE },
              replyToken: 'rt-1',
              message: { id: '1', type: 'text', text: 'help' },
            },
          ],
        }),
      });
      await waitUntil(() => heard.includes('events'), 'events notification');
      expect(heard).toEqual(['events']);

      const message = (kind: 'reply' | 'push', key: string) => ({
        id: `msg_${key}`,
        brandId: demo.brand.id,
        channelId: demo.channel.id,
        toUserId: ALICE,
        kind,
        dedupeKey: key,
        retryKey: key,
        messages: [{ type: 'text', text: 'hi' }],
      });
      await services.database.db.insert(outboundMessages).values(message('reply', 'wake-test-reply'));
      await services.database.db.insert(outboundMessages).values(message('push', 'wake-test-push'));
      await waitUntil(() => heard.includes('outbound'), 'outbound notification');
      // The reply's insert came first: had it notified, `outbound` would have been heard twice.
      expect(heard.filter((queue) => queue === 'outbound')).toHaveLength(1);

      await services.database.db.transaction(async (tx) => notifyWork(tx, 'verification'));
      await waitUntil(() => heard.includes('verification'), 'verification notification');
    } finally {
      unsubscribes.forEach((unsubscribe) => unsubscribe());
      await signal.close();
      await services.database.close();
    }
  });
});

describe('between processes (PostgreSQL LISTEN/NOTIFY)', () => {
  const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

  (onPostgres ? test : test.skip)(
    'when another process stores a webhook event, then this process hears `events` when it commits',
    async () => {
      const services = await buildTestServices();
      const signal = createWorkSignal({ database: services.database, logger: createSilentLogger() });
      const heard: WorkQueue[] = [];
      signal.subscribe(['events'], () => heard.push('events'));
      try {
        const { seedDemo } = await import('../../core/demo/seed-demo.js');
        const demo = await seedDemo(services);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(heard).toEqual([]);

        // A plain node process of its own, with its own connection: nothing shared with this one.
        const child = spawnSync(
          process.execPath,
          [
            '--input-type=module',
            '-e',
            `import pg from 'pg';
             const client = new pg.Client({ connectionString: process.env.URL });
             await client.connect();
             await client.query(
               "insert into webhook_events (id, brand_id, channel_id, webhook_event_id, event_type, payload, occurred_at) values ('evt_child', $1, $2, 'child-1', 'message', '{}', now())",
               [process.env.BRAND, process.env.CHANNEL],
             );
             await client.end();`,
          ],
          {
            cwd: projectRoot,
            env: {
              ...process.env,
              URL: services.database.url,
              BRAND: demo.brand.id,
              CHANNEL: demo.channel.id,
            },
            encoding: 'utf8',
          },
        );
        expect(child.stderr).toBe('');
        expect(child.status).toBe(0);

        await waitUntil(() => heard.length > 0, 'the notification from the other process');
      } finally {
        await signal.close();
        await services.database.close();
      }
    },
  );
});

describe('webhook → worker with a one-minute poll (local mode: web and worker in one process)', () => {
  /** The statements the kit's services send. */
  const statements: string[] = [];
  let kit: LineTestKit;
  let jobs: JobsHandle;

  beforeAll(async () => {
    kit = await createLineTestKit({
      jobs: { workerPollMs: POLL_MS },
      workSignal: true,
      onStatement: (statement) => statements.push(statement),
    });
    jobs = startJobs({
      jobs: [],
      logger: kit.services.logger,
      signal: kit.services.workSignal,
      workers: [kit.worker, kit.outbound],
    });
  });
  afterAll(async () => {
    await jobs?.stop();
    await kit?.close();
  });

  test('when a member follows and sends `help`, then each answer comes without waiting for the poll', async () => {
    expect(kit.worker.pollMs).toBe(POLL_MS);
    // Let both workers finish their first (empty) look and go to sleep for a minute.
    await new Promise((resolve) => setTimeout(resolve, 300));

    await kit.userSends(ALICE, { type: 'follow' });
    await waitUntil(async () => (await kit.botMessages(ALICE)).length > 0, 'the greeting');
    const greeting = (await kit.botMessages(ALICE)).length;

    await kit.userSends(ALICE, { type: 'text', text: 'help' });
    await waitUntil(async () => (await kit.botMessages(ALICE)).length > greeting, 'the answer to help');
  });

  // PostgreSQL's NOTIFY comes back on the listening connection after the webhook's own announce, so the
  // worker hears one delivery twice there (on a pool of connections); PGlite's arrives before the insert
  // resolves, and the announce was the second hearing on its one connection.
  (process.env.TEST_DATABASE_URL ? test.skip : test)(
    'when a delivery is stored on PGlite, then the worker claims once for it and once when its lane frees, not again for the webhook announcing it',
    async () => {
      const isClaim = (statement: string) => /^update "webhook_events" set "state"/.test(statement);
      const isSentMark = (statement: string) =>
        /^update outbound_messages o\s+set state = 'sent'/.test(statement);
      // A delivery's claims end with the freed lane's look, after its answer was sent (FREE_CLAIM_DELAY_MS).
      const settled = () => {
        const sent = statements.findLastIndex(isSentMark);
        return sent >= 0 && statements.slice(sent + 1).some(isClaim);
      };
      await waitUntil(settled, 'the earlier deliveries settled');
      statements.length = 0;

      await kit.userSends(ALICE, { type: 'text', text: 'help' });
      await waitUntil(settled, 'the delivery settled');

      expect(statements.filter(isClaim)).toHaveLength(2);
    },
  );
});
