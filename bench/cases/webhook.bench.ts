import { createHmac } from 'node:crypto';
import { loadavg } from 'node:os';
import { createRequire } from 'node:module';
import type { EventEmitter } from 'node:events';
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
import {
  describeTail,
  recordTail,
  timeStatements,
  type StatementTimes,
  type TailReport,
} from '../support/ack-tail.js';
import { benchPgliteThreads, pgliteLabel } from '../support/pglite-threads.js';
import { startCpuProfile } from '../support/statement-profile.js';
import { systemClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { createMetrics } from '../../core/metrics/index.js';
import { createLogger, createSilentLogger } from '../../core/shared/logger.js';
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
/** autocannon ships no types; this is the part of its API used here (the run: an emitter and a promise). */
const autocannon = createRequire(import.meta.url)('autocannon') as (options: {
  url: string;
  connections: number;
  duration: number;
  overallRate?: number;
  requests: (LoadRequest & { setupRequest: (request: LoadRequest) => LoadRequest })[];
}) => EventEmitter & PromiseLike<LoadResult>;

const DURATION_S = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 5);
/** Rounds of (baseline, each target), alternated so that the machine's load falls on all alike; medians. */
const REPEATS = Number(process.env.BENCH_WEBHOOK_REPEATS ?? 3);
/** The fixed request rate (req/s, all connections together) at which p99 is compared. */
const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 1000);
const CONNECTIONS = 10;
const LOG_LINES = process.env.BENCH_WEBHOOK_LOG !== '0';
/** BENCH_PROFILE_CPU=<file>: a CPU profile of each subject's first unthrottled run, `<file>.<subject>.cpuprofile`. */
const PROFILE_CPU = process.env.BENCH_PROFILE_CPU?.replace(/\.cpuprofile$/, '');
const LINE_CHANNEL_ID = '2100000001';
const SECRET = 'bench-channel-secret';

type Subject = {
  label: string;
  url: string;
  storedCount?: () => Promise<number>;
  /** The webhook's insert statements, timed (`timeStatements`). */
  statements?: StatementTimes;
};
type Round = Awaited<ReturnType<typeof load>>;

/**
 * The webhook's acknowledgement: signature check on the raw body + durable, idempotent store of every
 * event (one multi-row INSERT … ON CONFLICT per group of concurrent requests) + 200, against a baseline that only checks the signature
 * and answers 200 — same express, same body, same signing work in the load generator. Every request
 * carries a new webhookEventId, so every one is a real insert; after the runs the stored rows are counted
 * against the 2xx answers. Each subject is loaded unthrottled (throughput, p50, p99, and this process's
 * CPU time per 200: server and load generator, steadier than wall time on a loaded machine) and at RATE
 * req/s (p99), REPEATS times in alternation with the baseline; the figures are medians. PGlite runs on
 * the serving thread, in a worker thread, or both side by side: BENCH_PGLITE_THREAD ('main', 'worker',
 * 'main,worker'). Each run at RATE also records where its slowest 1 % of requests spent their time
 * (`recordTail`: GC pauses, the insert statements, the rest), reported for the round of median p99.
 * BENCH_PROFILE_CPU=<file> profiles the first unthrottled run of each subject (the load generator and the
 * baseline's server share the process: compare a target's profile with the baseline's).
 */
const webhookBench: BenchCase = {
  name: 'LINE webhook acknowledgement: store durably vs signature-only baseline',
  issue: 4,
  run: async () => {
    const measurements: BenchMeasurement[] = [];
    const targets: { label: string; open: () => Promise<DatabaseHandle> }[] = benchPgliteThreads().map(
      (pgliteThread) => ({
        label: pgliteLabel(pgliteThread),
        open: () => createDatabase({ pgliteDataDir: 'memory://', pgliteThread }),
      }),
    );
    if (process.env.BENCH_DATABASE_URL)
      targets.push({
        label: 'postgresql',
        open: () => createDatabase({ url: process.env.BENCH_DATABASE_URL as string, poolMax: 10 }),
      });

    const closers: (() => Promise<void>)[] = [];
    try {
      const baselineServer = await listen(baselineApp());
      closers.push(baselineServer.close);
      const subjects: Subject[] = [{ label: 'baseline', url: baselineServer.url }];
      for (const target of targets) {
        const database = await target.open();
        closers.push(() => database.close());
        await database.migrate();
        await ensureChannel(database);
        const statements: StatementTimes = { spans: [], cpuMs: [] };
        const services = {
          config: overrideConfig(),
          // As served: a line per request (written nowhere; BENCH_WEBHOOK_LOG=0 for a silent logger) and metrics.
          logger: LOG_LINES ? createLogger({ destination: { write: () => {} } }) : createSilentLogger(),
          metrics: createMetrics({ database: database.db, processMetrics: false }),
          clock: systemClock,
          generateId: createIdGenerator(),
          database: timeStatements(database, statements),
        } as Services;
        const server = await listen(createApp(services, [createWebhookModule(services)]));
        closers.push(server.close);
        const storedCount = async () => {
          const [row] = await queryRows<{ n: number }>(
            database.db,
            sql`select count(*)::int as n from webhook_events`,
          );
          return Number(row?.n ?? 0);
        };
        subjects.push({ label: target.label, url: server.url, storedCount, statements });
      }

      const unthrottled = new Map<string, Round[]>(subjects.map((subject) => [subject.label, []]));
      const paced = new Map<string, Round[]>(subjects.map((subject) => [subject.label, []]));
      const counts = new Map<string, { ok: number; stored: number; errors: number }>();
      const loads: number[] = [];
      for (let round = 0; round < REPEATS; round++) {
        for (const subject of subjects) {
          const before = (await subject.storedCount?.()) ?? 0;
          const profile =
            PROFILE_CPU && round === 0
              ? await startCpuProfile(`${PROFILE_CPU}.${subject.label}.cpuprofile`)
              : undefined;
          const free = await load(subject.url);
          await profile?.stop();
          const fixed = await load(subject.url, RATE, subject.statements);
          unthrottled.get(subject.label)?.push(free);
          paced.get(subject.label)?.push(fixed);
          loads.push(loadavg()[0] ?? 0);
          if (!subject.storedCount) continue;
          // Requests still in flight when a run stops may be stored without being counted as answered.
          const stored = (await subject.storedCount()) - before;
          const ok = free.ok + fixed.ok;
          if (stored < ok || stored > ok + 2 * CONNECTIONS)
            throw new Error(`${subject.label}: stored ${stored} events for ${ok} acknowledgements`);
          const total = counts.get(subject.label) ?? { ok: 0, stored: 0, errors: 0 };
          counts.set(subject.label, {
            ok: total.ok + ok,
            stored: total.stored + stored,
            errors: total.errors + free.errors + fixed.errors,
          });
        }
      }

      const base = medians(unthrottled.get('baseline') ?? []);
      const basePaced = medians(paced.get('baseline') ?? []);
      const baseTail = medianTail(paced.get('baseline') ?? []);
      const loadNote = `load average ${round(Math.min(...loads))}–${round(Math.max(...loads))}`;
      for (const target of targets) {
        const free = medians(unthrottled.get(target.label) ?? []);
        const fixed = medians(paced.get(target.label) ?? []);
        const count = counts.get(target.label);
        const note = `${CONNECTIONS} connections, ${DURATION_S} s a run, median of ${REPEATS} alternated with the baseline, ${LOG_LINES ? 'request log lines and metrics on' : 'silent logger, metrics on'}, ${loadNote}; ${count?.ok} × 200, ${count?.stored} events stored, ${count?.errors} errors/non-2xx`;
        measurements.push(
          compare(
            `${target.label}: throughput, unthrottled`,
            'req/s',
            free.rps,
            {
              name: 'signature-only',
              value: base.rps,
            },
            note,
          ),
          compare(
            `${target.label}: CPU per 200, unthrottled`,
            'µs',
            free.cpuUsPerOk,
            { name: 'signature-only', value: base.cpuUsPerOk },
            `process.cpuUsage of this process (server and load generator${target.label === 'postgresql' ? '; not the PostgreSQL server' : ''})`,
          ),
          compare(`${target.label}: ack latency p50, unthrottled`, 'ms', free.p50, {
            name: 'signature-only p50',
            value: base.p50,
          }),
          compare(`${target.label}: ack latency p99, unthrottled`, 'ms', free.p99, {
            name: 'signature-only p99',
            value: base.p99,
          }),
          compare(
            `${target.label}: ack latency p99 at ${RATE} req/s`,
            'ms',
            fixed.p99,
            { name: `signature-only p99 at ${RATE} req/s`, value: basePaced.p99 },
            `achieved ${fixed.rps} req/s (baseline ${basePaced.rps} req/s)`,
          ),
        );
        const tail = medianTail(paced.get(target.label) ?? []);
        if (tail && baseTail)
          measurements.push(
            compare(
              `${target.label}: slowest 1 % at ${RATE} req/s, mean latency`,
              'ms',
              tail.slowestMeanMs,
              { name: 'signature-only', value: baseTail.slowestMeanMs },
              `of the round of median p99 — ${target.label}: ${describeTail(tail)}. signature-only: ${describeTail(baseTail)}`,
            ),
          );
      }
    } finally {
      for (const close of closers.reverse()) await close();
    }
    return measurements;
  },
};

/** Per-field medians of the rounds. */
function medians(rounds: Round[]) {
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  return {
    rps: round(median(rounds.map((r) => r.rps))),
    p50: median(rounds.map((r) => r.p50)),
    p99: median(rounds.map((r) => r.p99)),
    cpuUsPerOk: median(rounds.map((r) => r.cpuUsPerOk)),
  };
}

/** The tail of the round whose p99 is the median (the round the p99 figure comes from). */
function medianTail(rounds: Round[]): TailReport | undefined {
  const sorted = [...rounds].sort((a, b) => a.p99 - b.p99);
  return sorted[Math.floor(sorted.length / 2)]?.tail;
}

async function ensureChannel(database: DatabaseHandle) {
  const generateId = createIdGenerator();
  const repository = createBrandsRepository({ db: database.db, generateId });
  if (await repository.getChannelByLineChannelId(LINE_CHANNEL_ID)) return;
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

async function load(url: string, overallRate?: number, statements?: StatementTimes) {
  const cpuBefore = process.cpuUsage();
  const run = autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    ...(overallRate ? { overallRate } : {}),
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
  const tail = overallRate ? recordTail(run, statements) : undefined;
  const result = await run;
  const cpu = process.cpuUsage(cpuBefore);
  return {
    cpuUsPerOk: result['2xx'] > 0 ? Math.round((cpu.user + cpu.system) / result['2xx']) : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    rps: round(result.requests.average),
    ok: result['2xx'],
    errors: result.non2xx + result.errors + result.timeouts,
    tail: await tail?.stop(),
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
