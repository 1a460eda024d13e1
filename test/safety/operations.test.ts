import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { Router } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules, startWorkerMetrics } from '../../bot/start.js';
import { createWebhookModule } from '../../bot/webhook/index.js';
import type { Services } from '../../core/app/build-services.js';
import { overrideConfig, type Config } from '../../core/config/config.js';
import { createConsoleUser } from '../../core/console/index.js';
import { seedDemo, type DemoSeed } from '../../core/demo/seed-demo.js';
import { processDueWebhookEvents } from '../../core/events/index.js';
import { foldPendingFacts } from '../../core/fact-outbox/index.js';
import { createMetrics } from '../../core/metrics/index.js';
import { createLogger } from '../../core/shared/logger.js';
import { signWebhookBody } from '../../sim/line/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';

const NOW = '2025-01-08T03:00:00.000Z';
const PASSWORD = 'correct horse battery staple';
const EMAIL = 'operator.person@brand.example';
const LINE_USER = 'U0000000000000000000000000000ff01';
const MESSAGE_TEXT = 'my phone is 0912-345-678';

let services: TestServices;
let demo: DemoSeed;
const lines: string[] = [];

beforeAll(async () => {
  services = await buildTestServices({ now: NOW });
  demo = await seedDemo(services);
  await createConsoleUser(
    { db: services.database.db, clock: services.clock, generateId: services.generateId },
    { email: EMAIL, name: 'Operator', password: PASSWORD },
  );
});
afterAll(async () => {
  await services?.database.close();
});

/** The full web app with a logger that keeps its lines, metrics, and `config` over local mode's. */
function appWith(config: Partial<Config> = {}) {
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => lines.push(line) } });
  const base = overrideConfig({
    server: { port: 0 },
    line: { mode: 'simulator', apiBaseUrl: 'http://127.0.0.1:9' },
  });
  const withConfig = {
    ...services,
    logger,
    config: { ...base, ...config },
    metrics: createMetrics({ database: services.database.db, clock: services.clock }),
  } as Services;
  return { app: createApp(withConfig, buildAppModules(withConfig)), services: withConfig };
}

function delivery(webhookEventId: string) {
  return JSON.stringify({
    destination: 'U00000000000000000000000000000000',
    events: [
      {
        type: 'message',
        webhookEventId,
        timestamp: Date.parse(NOW),
        mode: 'active',
        replyToken: 'reply-token-secret-ish',
        source: { type: 'user', userId: LINE_USER },
        deliveryContext: { isRedelivery: false },
        message: { id: '1', type: 'text', text: MESSAGE_TEXT },
      },
    ],
  });
}

async function postDelivery(app: ReturnType<typeof appWith>['app'], webhookEventId: string) {
  const body = delivery(webhookEventId);
  return request(app)
    .post(`/webhook/${demo.channel.lineChannelId}`)
    .set('content-type', 'application/json')
    .set('x-line-signature', signWebhookBody(body, demo.channel.channelSecret))
    .send(body);
}

describe('GET /metrics', () => {
  test('when scraped in local mode, then it lists the operator metrics in Prometheus text', async () => {
    const { app } = appWith();
    expect((await postDelivery(app, 'OPS_METRICS_1')).status).toBe(200);

    const response = await request(app).get('/metrics');

    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    for (const name of [
      'proofline_webhook_events_received_total',
      'proofline_webhook_ack_seconds_bucket',
      'proofline_queue_depth{queue="events"}',
      'proofline_queue_depth{queue="outbound"}',
      'proofline_queue_depth{queue="verification"}',
      'proofline_queue_depth{queue="blob_deletions"}',
      'proofline_queue_depth{queue="derived_facts"}',
      'proofline_queue_oldest_age_seconds{queue="events"}',
      'proofline_proof_decisions_total',
      'proofline_mof_requests_total',
      'proofline_ocr_seconds',
      'proofline_line_api_requests_total',
      'proofline_process_cpu_user_seconds_total',
      'proofline_nodejs_eventloop_lag_seconds',
    ])
      expect(response.text).toContain(name);
    expect(response.text).toContain('proofline_webhook_events_received_total{outcome="stored"} 1');
    expect(response.text).toMatch(/proofline_queue_depth\{queue="events"\} [1-9]/);
  });

  test('when decisions wait to be folded into the derived facts, then the derived_facts queue depth counts their records', async () => {
    const { db } = services.database;
    await foldPendingFacts(db, { maxChunks: Number.POSITIVE_INFINITY });
    const depth = async () => {
      const text = (await request(appWith().app).get('/metrics')).text;
      return Number(/proofline_queue_depth\{queue="derived_facts"\} (\d+)/.exec(text)?.[1]);
    };
    const folded = await depth();
    await db.execute(sql`insert into fact_outbox_members (member_ids) values (array['nobody-1'])`);
    await db.execute(sql`insert into fact_outbox_members (member_ids) values (array['nobody-2'])`);
    const waiting = await depth();
    await foldPendingFacts(db, { maxChunks: Number.POSITIVE_INFINITY });

    expect([folded, waiting, await depth()]).toEqual([0, 2, 0]);
  });

  test('when outside local mode, then it needs the bearer METRICS_TOKEN, and is not served without one', async () => {
    const token = 'metrics-token-0123456789';
    const { app } = appWith({
      localMode: false,
      operations: { metricsToken: token, readyMaxQueueAgeSeconds: 900, workerMetricsPort: undefined },
    });
    const { app: noToken } = appWith({
      localMode: false,
      operations: { metricsToken: undefined, readyMaxQueueAgeSeconds: 900, workerMetricsPort: undefined },
    });

    const anonymous = await request(app).get('/metrics');
    const wrong = await request(app).get('/metrics').set('authorization', 'Bearer not-the-token-0000000');
    const right = await request(app).get('/metrics').set('authorization', `Bearer ${token}`);
    const unconfigured = await request(noToken).get('/metrics');

    expect([anonymous.status, wrong.status, right.status, unconfigured.status]).toEqual([401, 401, 200, 404]);
    expect(right.text).toContain('proofline_queue_depth');
  });
});

describe('a --worker-only process (WORKER_METRICS_PORT)', () => {
  test('when it made MoF calls, then its own server answers /metrics with its counts, /healthz and /readyz, and nothing of the web app', async () => {
    const { services: worker } = appWith({ localMode: false });
    const token = 'worker-metrics-token-0123';
    const config = {
      ...worker.config,
      operations: { metricsToken: token, readyMaxQueueAgeSeconds: 900, workerMetricsPort: 0 },
    };
    // The counts a worker's verification calls leave (the web process never sees them).
    worker.metrics!.mofRequests.inc({ result: 'found' }, 3);
    const server = await startWorkerMetrics({ ...worker, config } as Services, 0);
    try {
      const metrics = await fetch(`${server.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
      const anonymous = await fetch(`${server.url}/metrics`);
      const health = await fetch(`${server.url}/healthz`);
      const ready = await fetch(`${server.url}/readyz`);
      const webhook = await fetch(`${server.url}/webhook/2000000001`, { method: 'POST', body: '{}' });

      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toContain('proofline_mof_requests_total{result="found"} 3');
      expect(anonymous.status).toBe(401);
      expect(health.status).toBe(200);
      // Served (ready or not, by the queues other tests left): it names the database it checked.
      expect((await ready.json()) as { database?: string }).toHaveProperty('database');
      expect(webhook.status).toBe(404);
    } finally {
      await server.close();
    }
  });
});

describe('GET /readyz', () => {
  test('when the queues move, then ready; when an event has been due for longer than the limit, then 503 naming the queue', async () => {
    const { app } = appWith();
    await services.database.db.execute(sql`update webhook_events set state = 'done'`);
    const ready = await request(app).get('/readyz');

    expect((await postDelivery(app, 'OPS_STUCK_1')).status).toBe(200);
    services.clock.advanceBy(16 * 60_000);
    const stuck = await request(app).get('/readyz');
    services.clock.set(NOW);
    await services.database.db.execute(sql`update webhook_events set state = 'done'`);

    expect(ready.status).toBe(200);
    expect(stuck.status).toBe(503);
    expect(stuck.body.stuckQueues).toEqual(['events']);
  });

  test('when the database is unreachable, then 503', async () => {
    const { services: base } = appWith();
    const unreachable = {
      ...base,
      database: {
        ...base.database,
        ping: async () => {
          throw new Error('connect ECONNREFUSED 127.0.0.1:5432');
        },
      },
    } as Services;

    const response = await request(createApp(unreachable, [])).get('/readyz');

    expect(response.status).toBe(503);
    expect(response.body.reason).toContain('database');
  });
});

describe('request logs', () => {
  test('when a request is refused or fails, then its line is a warning or an error with the error, and health probes write none', async () => {
    const logger = createLogger({
      level: 'info',
      destination: { write: (line: string) => lines.push(line) },
    });
    const failing = Router().get('/api/test/boom', () => {
      throw new Error('boom');
    });
    const withLogger = { ...services, logger } as Services;
    const app = createApp(withLogger, [createWebhookModule(withLogger), { json: failing }]);
    lines.length = 0;

    const refused = await request(app)
      .post(`/webhook/${demo.channel.lineChannelId}`)
      .set('x-request-id', 'caller-id-1')
      .set('x-line-signature', 'bad')
      .send('{}');
    await request(app).get('/api/test/boom?token=query-token-abcdef');
    await request(app).get('/healthz');

    expect(refused.status).toBe(401);
    expect(refused.headers['x-request-id']).toBe('caller-id-1');
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLines = parsed.filter((line) => line.req && line.res);
    expect(requestLines).toHaveLength(2);
    expect(requestLines[0]).toMatchObject({
      level: 40,
      msg: 'request completed',
      req: { id: 'caller-id-1', method: 'POST', path: `/webhook/${demo.channel.lineChannelId}` },
      res: { statusCode: 401 },
    });
    expect(requestLines[1]).toMatchObject({
      level: 50,
      msg: 'request errored',
      req: { method: 'GET', path: '/api/test/boom' },
      res: { statusCode: 500 },
      err: { message: 'failed with status code 500' },
    });
  });

  test('when requests are served, then one line each with a request id that the worker lines of their events carry, and no secrets or personal data', async () => {
    lines.length = 0;
    const { app, services: withLogger } = appWith();
    const signIn = await request(app).post('/api/console/session').send({ email: EMAIL, password: PASSWORD });
    const cookie = String(signIn.headers['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
    await request(app).get('/api/console/me').set('cookie', cookie);
    await request(app)
      .get('/api/liff/me')
      .query({ token: 'query-token-abcdef' })
      .set('authorization', 'Bearer liff-id-token-abcdef');
    const webhook = await postDelivery(app, 'OPS_LOG_1');
    await processDueWebhookEvents(
      {
        db: services.database.db,
        generateId: services.generateId,
        clock: services.clock,
        logger: withLogger.logger,
      },
      { handle: async () => ({}) },
    );
    // A database error carries the query's parameters: they stay out of the log.
    try {
      await services.database.db.execute(sql`select ${EMAIL}::int`);
    } catch (error) {
      withLogger.logger.error({ err: error }, 'query failed');
    }

    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requestLines = parsed.filter((line) => line.req && line.res);
    expect(requestLines).toHaveLength(4);
    expect(new Set(requestLines.map((line) => (line.req as { id: string }).id)).size).toBe(4);
    const webhookId = webhook.headers['x-request-id'];
    expect(webhookId).toBeTruthy();
    const webhookLine = requestLines.find((line) => (line.req as { id: string }).id === webhookId);
    expect(webhookLine).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { id: webhookId, method: 'POST', path: `/webhook/${demo.channel.lineChannelId}` },
      res: { statusCode: 200 },
      reqId: webhookId,
    });
    expect(Object.keys(webhookLine?.req as object).sort()).toEqual(['id', 'method', 'path']);
    expect(typeof webhookLine?.responseTime).toBe('number');
    expect(requestLines.map((line) => (line.req as { path: string }).path)).toContain('/api/liff/me');
    const handled = parsed.find((line) => line.msg === 'webhook event handled');
    expect(handled?.reqId).toBe(webhookId);
    const text = lines.join('\n');
    for (const secret of [
      PASSWORD,
      EMAIL,
      cookie.split('=')[1],
      'liff-id-token-abcdef',
      'query-token-abcdef',
      LINE_USER,
      MESSAGE_TEXT,
      demo.channel.channelSecret,
    ])
      expect(text).not.toContain(secret);
    expect(text).toContain('query failed');
  });
});
