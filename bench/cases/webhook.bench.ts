import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { validateSignature } from '@line/bot-sdk';
import { sql } from 'drizzle-orm';
import express from 'express';
import { createApp } from '../../bot/create-app.js';
import { createWebhookModule } from '../../bot/webhook/index.js';
import type { Services } from '../../core/app/build-services.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import { overrideConfig } from '../../core/config/config.js';
import { createDatabase, queryRows, type DatabaseHandle } from '../../core/db/database.js';
import { systemClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { compare, round, type BenchCase, type BenchMeasurement } from '../bench.types.js';

type LoadRequest = { method: string; path: string; body?: string; headers?: Record<string, string> };
type LoadResult = {
  latency: { p50: number; p99: number };
  requests: { average: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
};
/** autocannon ships no types; this is the part of its API used here. */
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  requests: (LoadRequest & { setupRequest: (request: LoadRequest) => LoadRequest })[];
}) => Promise<LoadResult>;

const DURATION_S = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 5);
const CONNECTIONS = 10;
const LINE_CHANNEL_ID = '2100000001';
const SECRET = 'bench-channel-secret';

/**
 * The webhook's acknowledgement: signature check on the raw body + durable, idempotent store of every
 * event (one multi-row INSERT … ON CONFLICT per group of concurrent requests) + 200, against a baseline that only checks the signature
 * and answers 200 — same express, same body, same signing work in the load generator. Every request
 * carries a new webhookEventId, so every one is a real insert; after the run the stored rows are counted
 * against the 2xx answers.
 */
const webhookBench: BenchCase = {
  name: 'LINE webhook acknowledgement: store durably vs signature-only baseline',
  issue: 4,
  run: async () => {
    const measurements: BenchMeasurement[] = [];
    const targets: { label: string; open: () => Promise<DatabaseHandle> }[] = [
      { label: 'pglite', open: () => createDatabase({ pgliteDataDir: 'memory://' }) },
    ];
    if (process.env.BENCH_DATABASE_URL)
      targets.push({
        label: 'postgresql',
        open: () => createDatabase({ url: process.env.BENCH_DATABASE_URL as string, poolMax: 10 }),
      });

    const baselineServer = await listen(baselineApp());
    try {
      const baseline = await load(baselineServer.url, 'baseline');
      for (const target of targets) {
        const database = await target.open();
        try {
          await database.migrate();
          const generateId = createIdGenerator();
          const repository = createBrandsRepository({ db: database.db, generateId });
          const existing = await repository.getChannelByLineChannelId(LINE_CHANNEL_ID);
          if (!existing) {
            const brand = await repository.createBrand({
              slug: `bench-${generateId('brand')}`,
              name: 'Bench',
              country: 'TW',
              defaultLocale: 'zh-TW',
              timezone: 'Asia/Taipei',
            });
            await repository.upsertChannel({
              brandId: brand.id,
              lineChannelId: LINE_CHANNEL_ID,
              name: 'bench',
              channelSecret: SECRET,
              channelAccessToken: 'bench-token',
              managedByEnv: false,
            });
          }
          const services = {
            config: overrideConfig(),
            logger: createSilentLogger(),
            clock: systemClock,
            generateId,
            database,
          } as Services;
          const [before] = await queryRows<{ n: number }>(
            database.db,
            sql`select count(*)::int as n from webhook_events`,
          );
          const server = await listen(createApp(services, [createWebhookModule(services)]));
          let subject;
          try {
            subject = await load(server.url, target.label);
          } finally {
            await server.close();
          }
          const [after] = await queryRows<{ n: number }>(
            database.db,
            sql`select count(*)::int as n from webhook_events`,
          );
          const stored = Number(after?.n ?? 0) - Number(before?.n ?? 0);
          const note = `${CONNECTIONS} connections, ${DURATION_S} s; ${subject.ok} × 200, ${stored} events stored, ${subject.errors} errors/non-2xx`;
          measurements.push(
            compare(
              `${target.label}: ack latency p50`,
              'ms',
              subject.p50,
              { name: 'signature-only p50', value: baseline.p50 },
              note,
            ),
            compare(`${target.label}: ack latency p99`, 'ms', subject.p99, {
              name: 'signature-only p99',
              value: baseline.p99,
            }),
            compare(`${target.label}: throughput`, 'req/s', subject.rps, {
              name: 'signature-only',
              value: baseline.rps,
            }),
          );
          // Requests still in flight when the run stops may be stored without being counted as answered.
          if (stored < subject.ok || stored > subject.ok + CONNECTIONS)
            throw new Error(`stored ${stored} events for ${subject.ok} acknowledgements`);
        } finally {
          await database.close();
        }
      }
    } finally {
      await baselineServer.close();
    }
    return measurements;
  },
};

export default webhookBench;

function baselineApp() {
  const app = express();
  app.post('/webhook/:channelId', express.raw({ type: () => true, limit: '1mb' }), (req, res) => {
    const signature = req.get('x-line-signature');
    if (!signature || !validateSignature(req.body as Buffer, SECRET, signature)) {
      res.status(401).json({});
      return;
    }
    res.status(200).json({});
  });
  return app;
}

let sequence = 0;

function signedEvent(): { body: string; signature: string } {
  sequence += 1;
  const body = JSON.stringify({
    destination: 'U00000000000000000000000000000000',
    events: [
      {
        type: 'message',
        webhookEventId: `BENCH${process.pid}${String(sequence).padStart(12, '0')}`,
        timestamp: Date.now(),
        mode: 'active',
        replyToken: 'bench-reply-token',
        source: { type: 'user', userId: 'U00000000000000000000000000000001' },
        deliveryContext: { isRedelivery: false },
        message: { id: String(sequence), type: 'text', text: 'AB12345678 1131105 1234' },
      },
    ],
  });
  return { body, signature: createHmac('sha256', SECRET).update(body).digest('base64') };
}

async function load(url: string, _label: string) {
  const result = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    requests: [
      {
        method: 'POST',
        path: `/webhook/${LINE_CHANNEL_ID}`,
        setupRequest: (request) => {
          const { body, signature } = signedEvent();
          return {
            ...request,
            body,
            headers: {
              ...request.headers,
              'content-type': 'application/json',
              'x-line-signature': signature,
            },
          };
        },
      },
    ],
  });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: round(result.requests.average),
    ok: result['2xx'],
    errors: result.non2xx + result.errors + result.timeouts,
  };
}

function listen(app: express.Express): Promise<{ url: string; close: () => Promise<void> }> {
  return new Promise((resolve, reject) => {
    const server: Server = app.listen(0, '127.0.0.1');
    server.once('error', reject);
    server.once('listening', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        close: () =>
          new Promise((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
