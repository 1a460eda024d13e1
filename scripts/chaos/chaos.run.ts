import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createDatabase, type DatabaseHandle } from '../../core/db/database.js';
import { seedDemo } from '../../core/demo/seed-demo.js';
import { systemClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { startLineSimulator, type LineSimulator, type SimTimelineEntry } from '../../sim/line/index.js';
import { parseSimDataset, startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import { buildLiffApp } from '../../bot/liff/liff.build.js';
import { checkChaosRound, type ChaosFindings, type DeliveredMessage } from './chaos.checks.js';
import { chaosProcess, type ChaosProcess } from './chaos.processes.js';
import { planChaosRound, type ChaosSend } from './chaos.proofs.js';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';

export type ChaosOptions = {
  /** A PostgreSQL server (any database on it): the round creates a fresh database there and drops it. */
  serverUrl: string;
  /** Mixed proofs sent (typed, QR photo, receipt photo, carrier). */
  proofs: number;
  /** SIGKILLs spread over the sending: worker 1, the web process, worker 2, worker 1, … */
  kills: number;
  /** The whole round stops by itself after this (default 5 minutes). */
  deadlineMs?: number;
  seed?: number;
  /**
   * WORKER_LEASE_MS and VERIFY_LEASE_MS of the processes: how soon a killed worker's claims are taken
   * over (default 15 s: longer than a photo's OCR on a busy machine).
   */
  leaseMs?: number;
  /** Keep the database afterwards (its URL is in the report). */
  keepDatabase?: boolean;
  log?: (line: string) => void;
};

export type ChaosReport = ChaosFindings & {
  database: string;
  kills: Record<string, number>;
  redeliveries: number;
  mof: { requests: number; injectedFailures: number };
  elapsedMs: number;
};

const SENDERS = 4;

/**
 * The scripted crash test: web + 2 workers (`proofline start --web-only|--worker-only`) as real
 * processes on a fresh PostgreSQL database, the LINE and MoF simulators on 127.0.0.1 in this process.
 * Sends the planned proofs through the LINE simulator (redelivering what the web process did not
 * acknowledge, as LINE does), SIGKILLs and restarts the processes while it sends, makes the MoF simulator
 * fail on demand, waits until the queues are drained, then checks the database and what LINE received.
 */
export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const started = Date.now();
  const deadline = started + (options.deadlineMs ?? 5 * 60_000);
  const log = (line: string) => options.log?.(`${((Date.now() - started) / 1000).toFixed(1)} s ${line}`);
  const remaining = () => deadline - Date.now();

  const plan = await planChaosRound({ proofs: options.proofs, seed: options.seed });
  const { url: databaseUrl, drop } = await createFreshDatabase(options.serverUrl);
  log(`database ${databaseUrl.replace(/\/\/[^@]*@/, '//')}`);
  const dataDir = mkdtempSync(join(tmpdir(), 'proofline-chaos-'));
  let database: DatabaseHandle | undefined;
  let lineSim: LineSimulator | undefined;
  let mofSim: RunningMofSimulator | undefined;
  const processes: ChaosProcess[] = [];
  try {
    database = await createDatabase({ url: databaseUrl, poolMax: 3 });
    await database.migrate();
    const demo = await seedDemo({ database, clock: systemClock, generateId: createIdGenerator() });
    lineSim = await startLineSimulator();
    mofSim = await startMofSimulator({ dataset: parseSimDataset(plan.dataset) });
    const port = await freePort();
    const channelId = demo.channel.lineChannelId;
    await simCall(lineSim.url, 'PUT', `/__sim/channels/${channelId}`, {
      channelSecret: demo.channel.channelSecret,
      channelAccessToken: demo.channel.channelAccessToken,
      webhookUrl: `http://127.0.0.1:${port}/webhook/${channelId}`,
    });
    for (const [i, userId] of plan.users.entries())
      await simCall(lineSim.url, 'PUT', `/__sim/users/${userId}`, {
        displayName: `chaos ${i}`,
        language: ['zh-TW', 'th', 'en'][i % 3],
      });

    // LINE and MoF as "real" systems whose base URLs are the simulators here; the rest simulated on purpose.
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      LIFF_APP_DIR: join(dataDir, 'liff'),
      HOST: '127.0.0.1',
      PORT: String(port),
      SESSION_SECRET: 'chaos-'.repeat(8),
      LINE_CHANNEL_ID: channelId,
      LINE_CHANNEL_SECRET: demo.channel.channelSecret,
      LINE_CHANNEL_ACCESS_TOKEN: demo.channel.channelAccessToken,
      LINE_API_BASE_URL: lineSim.url,
      LINE_DATA_API_BASE_URL: lineSim.url,
      MOF_APP_ID: 'CHAOS',
      MOF_API_KEY: 'chaos',
      MOF_API_BASE_URL: mofSim.url,
      MOF_MAX_RETRIES: '2',
      MOF_RATE_LIMIT_PER_SECOND: '200',
      SIMULATE: 'membership,ocr,s3',
      DEMO_SEED: 'false',
      LOG_LEVEL: 'warn',
      LOG_FORMAT: 'json',
      WORKER_POLL_MS: '200',
      WORKER_CONCURRENCY: '2',
      // A killed worker's claims lapse within the round, yet outlast a photo's OCR on a busy machine.
      WORKER_LEASE_MS: String(options.leaseMs ?? 15_000),
      VERIFY_LEASE_MS: String(options.leaseMs ?? 15_000),
    };
    // Outside local mode the web process refuses to start without a LIFF build for its LINE mode (real
    // here: the real adapter pointed at the simulator). The round serves one of its own, so it never
    // rebuilds the checkout's liff-app/dist under tests that serve it at the same time.
    log('building the LIFF app for the round');
    await buildLiffApp({ outDir: join(dataDir, 'liff'), mock: false });
    const web = chaosProcess('web', ['--web-only'], { ...env, JOBS_ENABLED: 'false' });
    const workers = [1, 2].map((n) => chaosProcess(`worker-${n}`, ['--worker-only'], env));
    processes.push(web, ...workers);
    for (const process of processes) process.start();
    await untilHealthy(port, remaining(), web);
    log(`web on 127.0.0.1:${port}, 2 workers, LINE simulator ${lineSim.url}, MoF simulator ${mofSim.url}`);

    // Send: follows first, then the proofs; kills and MoF failures at fixed points of the proofs.
    const sentEventIds: string[] = [];
    let redeliveries = 0;
    const sendOne = async (send: ChaosSend) => {
      const sent = (await simCall(lineSim!.url, 'POST', `/__sim/users/${send.userId}/send`, {
        channelId,
        ...send.body,
      })) as { webhookEventId: string; statuses: number[] };
      sentEventIds.push(sent.webhookEventId);
      let status = sent.statuses[0];
      // LINE redelivers what was not acknowledged (the web process was down or answered 5xx).
      for (let attempt = 0; status !== 200; attempt++) {
        if (remaining() < 0) throw new Error(`event ${sent.webhookEventId} never acknowledged`);
        await sleep(Math.min(2_000, 200 * 2 ** attempt));
        redeliveries += 1;
        ({ status } = (await simCall(lineSim!.url, 'POST', `/__sim/redeliver/${sent.webhookEventId}`)) as {
          status: number;
        });
      }
    };
    await pool(plan.follows, SENDERS, sendOne);

    const targets = [workers[0]!, web, workers[1]!];
    const killAt = new Set(
      Array.from({ length: options.kills }, (_, k) =>
        Math.floor(((k + 1) * plan.proofs.length) / (options.kills + 1)),
      ),
    );
    let kills = 0;
    const chaos = async (index: number) => {
      if (index === Math.floor(plan.proofs.length / 3)) mofSim!.admin.setKnobs({ failNextRequests: 5 });
      if (index === Math.floor(plan.proofs.length / 2)) mofSim!.admin.setKnobs({ errorRate: 0.3 });
      if (index === Math.floor((plan.proofs.length * 2) / 3)) mofSim!.admin.setKnobs({ errorRate: 0 });
      // LINE accepts some pushes but the answer is lost (a 500): the retry must reuse the retry key.
      if (index === Math.floor(plan.proofs.length / 4))
        await simCall(lineSim!.url, 'POST', '/__sim/faults', {
          path: '/v2/bot/message/push',
          status: 500,
          afterAccept: true,
          count: 3,
        });
      if (!killAt.has(index)) return;
      const target = targets[kills % targets.length]!;
      kills += 1;
      if (target !== web) {
        // Hold the next replies at LINE for a moment (LINE takes them, then answers): the kill lands
        // between the LINE call and the worker's commit.
        await simCall(lineSim!.url, 'POST', '/__sim/faults', {
          path: '/v2/bot/message/reply',
          status: 200,
          afterAccept: true,
          delayMs: 1_500,
          count: 4,
        });
        await sleep(1_000);
      }
      await target.kill();
      log(`SIGKILL ${target.name} after ${index} proofs`);
      target.start();
      if (target === web) await untilHealthy(port, remaining(), web);
    };
    await pool(plan.proofs, SENDERS, sendOne, chaos);
    log(`sent ${plan.proofs.length} proofs (${redeliveries} redeliveries); waiting for the workers`);

    const drained = await untilDrained(database, remaining() - 15_000);
    if (!drained) log('the queues were not drained before the deadline; checking what was done');
    for (const process of processes) await process.stop();

    const delivered = await botMessages(lineSim.url, channelId);
    const proofKinds: Record<string, number> = {};
    for (const send of plan.proofs) proofKinds[send.kind] = (proofKinds[send.kind] ?? 0) + 1;
    const findings = await checkChaosRound(database.db, { sentEventIds, proofKinds, delivered });
    if (!drained) findings.problems.unshift('the workers did not finish before the deadline (see below)');
    const counts = mofSim.admin.requestCounts();
    return {
      ...findings,
      database: options.keepDatabase ? databaseUrl : '(dropped)',
      kills: Object.fromEntries(processes.map((process) => [process.name, process.kills])),
      redeliveries,
      mof: { requests: counts.total, injectedFailures: counts.injectedFailures },
      elapsedMs: Date.now() - started,
    };
  } catch (error) {
    for (const process of processes) log(`--- ${process.name} (last lines)\n${process.tail()}`);
    throw error;
  } finally {
    await Promise.allSettled(processes.map((process) => process.stop(1_000)));
    await database?.close();
    await lineSim?.close();
    await mofSim?.close();
    rmSync(dataDir, { recursive: true, force: true });
    if (!options.keepDatabase) await drop();
  }
}

async function createFreshDatabase(serverUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `proofline_chaos_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Waits until no event, answer or due verification is left (two quiet looks in a row); false on time-out. */
async function untilDrained(database: DatabaseHandle, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  let quiet = 0;
  while (quiet < 2) {
    if (Date.now() > until) return false;
    const [row] = await queryRows<{ busy: number }>(
      database.db,
      sql`select (select count(*) from webhook_events where state in ('pending', 'processing'))::int
               + (select count(*) from outbound_messages where state = 'pending')::int
               + (select count(*) from submissions
                  where state in ('received', 'parsed') and next_check_at < now() + interval '20 seconds')::int
               as busy`,
    );
    quiet = row?.busy === 0 ? quiet + 1 : 0;
    await sleep(500);
  }
  return true;
}

async function untilHealthy(port: number, timeoutMs: number, web: ChaosProcess): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`)
      .then((response) => response.ok)
      .catch(() => false);
    if (ok) return;
    if (!web.running()) throw new Error(`the web process exited:\n${web.tail()}`);
    if (Date.now() > until) throw new Error('the web process did not answer /healthz in time');
    await sleep(100);
  }
}

/** Runs `work` over `items` with `width` at a time, calling `before(i)` in order before item i starts. */
async function pool<T>(
  items: T[],
  width: number,
  work: (item: T) => Promise<void>,
  before?: (index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  let gate = Promise.resolve();
  const lane = async () => {
    for (;;) {
      const index = next++;
      if (index >= items.length) return;
      if (before) {
        gate = gate.then(() => before(index));
        await gate;
      }
      await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: width }, lane));
}

async function simCall(base: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`LINE simulator ${method} ${path}: ${response.status}`);
  return response.json();
}

async function botMessages(base: string, channelId: string): Promise<DeliveredMessage[]> {
  const { entries } = (await simCall(base, 'GET', `/__sim/messages?channelId=${channelId}`)) as {
    entries: SimTimelineEntry[];
  };
  return entries
    .filter((entry): entry is Extract<SimTimelineEntry, { from: 'bot' }> => entry.from === 'bot')
    .map((entry) => ({ userId: entry.userId, via: entry.via, messages: entry.messages }));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
