import type { Server } from 'node:http';
import { PGlite } from '@electric-sql/pglite';
import { loadavg } from 'node:os';
import { messagingApi, middleware, type webhook } from '@line/bot-sdk';
import express from 'express';
import { createVerifyInvoicesRetryWorker } from '../../jobs/verify-invoices.job.js';
import { startJobs } from '../../jobs/runner.js';
import type { Services } from '../../core/app/build-services.js';
import {
  createLineTestKit,
  greenTeaInvoices,
  registerChannel,
  rocDate,
  taipeiDaysAgo,
  type LineTestKit,
} from '../../test/line/line-test-kit.js';
import { compare, round, type BenchCase, type BenchMeasurement } from '../bench.types.js';
import { inArray, sql } from 'drizzle-orm';
import { webhookEvents } from '../../core/events/index.js';
import { outboundMessages } from '../../core/messaging/index.js';
import { queryRows } from '../../core/db/database.js';
import { postJson, putJson, waitFor } from '../support/http.js';
import {
  botEntries,
  createLineDriver,
  type BotEntry,
  type LineDriver,
  type Sent,
} from '../support/line-driver.js';
import { startLinePlatformProcess } from '../support/line-platform.js';
import type { PgliteThreadMode } from '../../core/db/pglite-thread.js';
import { benchPgliteThreads } from '../support/pglite-threads.js';
import { printStatementProfile, startStatementProfile } from '../support/statement-profile.js';
import { printStageTimeline, startStageTimeline } from '../support/stage-timeline.js';
import { startCpuProfile } from '../support/cpu-profile.js';

// A benchmark is an entry point: its sizes come from its environment.
const SEQUENTIAL = Number(process.env.BENCH_LATENCY_SEQUENTIAL ?? 50);
const BURST = Number(process.env.BENCH_LATENCY_BURST ?? 200);
/** How long a burst waits for every first answer before it fails, saying who was not answered and why. */
const BURST_TIMEOUT_MS = Number(process.env.BENCH_LATENCY_TIMEOUT_MS ?? 600_000);
const MOF_LATENCIES = (process.env.BENCH_LATENCY_MOF_MS ?? '0,200').split(',').map(Number);
// The help burst's statements and PGlite's CPU in them (the serving thread's PGlite only).
const PROFILE_STATEMENTS = process.env.BENCH_PROFILE_STATEMENTS === '1';
// 'help' runs only the help rows (and the bare bot's), for quick old-vs-new comparisons of the burst;
// 'einvoice' only the typed e-invoices one after the other (and the bare bot's); 'einvoice-burst' only the
// typed e-invoices at once (and the bare bot's burst), for old-vs-new comparisons of the proofs' intake.
const ONLY = process.env.BENCH_LATENCY_ONLY;
// The typed e-invoices one after the other: each one's statements and HTTP calls, as a median timeline.
const STAGES = process.env.BENCH_LATENCY_STAGES === '1';
// A file to write the help burst's CPU profile to (the inspector's, open in Chrome's DevTools or read with
// bench/support/cpu-profile-report.ts): only the burst, not the warm-up.
const CPU_PROFILE = process.env.BENCH_LATENCY_CPU_PROFILE;
const PURCHASE_DATE = taipeiDaysAgo(1);
const CHECKING_TITLES = ['Received, checking', '已收到，查核中', 'ได้รับแล้ว กำลังตรวจสอบ'];
const BARE_CHANNEL = { lineChannelId: '2199999999', secret: 'bare-bot-secret', token: 'bare-bot-token' };
/**
 * Where the LINE simulator and the driver (the members' sends, the polls for answers) run: `same` — in the
 * bot's process, one event loop for all three (as before) —, `process` — in a child process, as the LINE
 * platform and a load generator would be in production —, or both, one after the other (the default).
 */
const PLATFORMS = (process.env.BENCH_LATENCY_PLATFORM ?? 'same,process').split(',').map((mode) => {
  if (mode.trim() !== 'same' && mode.trim() !== 'process')
    throw new Error(`BENCH_LATENCY_PLATFORM: "${mode}" is neither same nor process`);
  return mode.trim() as Platform;
});
type Platform = 'same' | 'process';
/**
 * BENCH_LATENCY_HOLD_CHECKS=1: the retry worker (the queued proofs' checks and their decisions) starts only once
 * the e-invoice burst's first answers are in, so the burst's CPU per event is the first answers' alone — else
 * it counts as many of the decisions as the burst's wall time lets the budget's 5/s take.
 */
const HOLD_CHECKS = process.env.BENCH_LATENCY_HOLD_CHECKS === '1';
/** The worker's answer lanes (`WORKER_ANSWER_LANES`), when not the configured default. */
const ANSWER_LANES = process.env.BENCH_LATENCY_ANSWER_LANES
  ? Number(process.env.BENCH_LATENCY_ANSWER_LANES)
  : undefined;

/**
 * What a member waits for in the chat, through the LINE simulator over real HTTP, the way local mode runs
 * (web and worker in one process, PGlite, work signal, the MoF simulator with its latency set to 0 and
 * 200 ms, the default deployment MoF budget of 5/s): from the event's timestamp to the LINE API call that
 * answers it (the simulator's timeline). `help` and a typed e-invoice, 50 one after the other and 200 at
 * once, against a bare @line/bot-sdk bot that replies inside its webhook handler, on the same simulator.
 * The e-invoice burst also reports when its last decision was pushed (queued proofs are checked at the
 * budget's pace, so about (queued ÷ 5) s after the burst) and the MoF simulator's requests during it (the
 * most in any 1 s: the budget's 5, give or take the jitter of the requests' own sending). Sizes:
 * BENCH_LATENCY_SEQUENTIAL (50), BENCH_LATENCY_BURST (200), BENCH_LATENCY_MOF_MS ('0,200'); on PGlite
 * BENCH_PGLITE_THREAD ('main'; 'main,worker' runs both, PGlite on the serving thread and in a worker thread).
 * BENCH_PROFILE_STATEMENTS=1 prints the help burst's statements and PGlite's CPU in them (and the e-invoice
 * burst's, until every first answer); BENCH_LATENCY_ONLY=help
 * runs only the help rows (and prints where the burst's members waited: received, done, sent),
 * BENCH_LATENCY_ONLY=einvoice only the typed e-invoices one after the other, BENCH_LATENCY_ONLY=einvoice-burst
 * only the typed e-invoices at once (and the bare bot's burst); BENCH_LATENCY_STAGES=1 prints
 * those e-invoices' median timeline of statements and HTTP calls (PGlite on the serving thread);
 * BENCH_LATENCY_CPU_PROFILE=<file> writes the help burst's CPU profile. BENCH_LATENCY_PLATFORM ('same,process'):
 * each run with the LINE simulator and the driver in the bot's process (`same`, the figures before 2026-12-07)
 * and in a child process (`process`, over the same HTTP: the bot's process pays only for the bot, as in
 * production), the bare bot measured the same way in each; the CPU rows are the bot's process's either way.
 */
const lineLatencyBench: BenchCase = {
  name: 'chat answers through the LINE simulator: webhook → LINE call, vs a bare bot',
  issue: 17,
  run: async () => {
    const measurements: BenchMeasurement[] = [];
    for (const pgliteThread of process.env.TEST_DATABASE_URL ? (['main'] as const) : benchPgliteThreads())
      for (const mofLatencyMs of MOF_LATENCIES)
        for (const platform of PLATFORMS)
          measurements.push(...(await runAt(mofLatencyMs, pgliteThread, platform)));
    return measurements;
  },
};

async function runAt(
  mofLatencyMs: number,
  pgliteThread: PgliteThreadMode,
  platform: Platform,
): Promise<BenchMeasurement[]> {
  const invoiceNumberOf = (i: number) => `LB${String(10_000_000 + i)}`;
  const proofText = (i: number) => `${invoiceNumberOf(i)} ${rocDate(PURCHASE_DATE)} 1234`;
  const remote = platform === 'process' ? await startLinePlatformProcess() : undefined;
  const kit = await createLineTestKit({
    workSignal: true,
    invoices: greenTeaInvoices(SEQUENTIAL + BURST, invoiceNumberOf, PURCHASE_DATE),
    pgliteThread,
    lineSimUrl: remote?.url,
    ...(ANSWER_LANES === undefined ? {} : { jobs: { workerAnswerLanes: ANSWER_LANES } }),
  }).catch(async (error: unknown) => {
    await remote?.close();
    throw error;
  });
  const driver = remote ?? createLineDriver(kit.lineSim.url);
  const bare = await startBareBot(kit.lineSim.url);
  const retry = createVerifyInvoicesRetryWorker(kit.services as Services);
  const startWorkers = (workers: Parameters<typeof startJobs>[0]['workers']) =>
    startJobs({ jobs: [], workers, logger: kit.services.logger, signal: kit.services.workSignal });
  const jobs = [startWorkers(HOLD_CHECKS ? [kit.worker, kit.outbound] : [kit.worker, kit.outbound, retry])];
  try {
    await postJson(`${kit.mofUrl}/__sim/knobs`, { latencyMs: mofLatencyMs });
    await registerChannel(
      kit.lineSim.url,
      {
        channel: {
          lineChannelId: BARE_CHANNEL.lineChannelId,
          channelSecret: BARE_CHANNEL.secret,
          channelAccessToken: BARE_CHANNEL.token,
        },
      } as Parameters<typeof registerChannel>[1],
      bare.url,
    );
    const users = Array.from(
      { length: SEQUENTIAL + BURST },
      (_, i) => `U${(0xb000_0000 + i).toString(16).padStart(32, '0')}`,
    );
    await Promise.all(
      users.map((userId, i) =>
        putJson(`${kit.lineSim.url}/__sim/users/${userId}`, {
          displayName: `bench ${i}`,
          language: ['zh-TW', 'th', 'en'][i % 3],
        }),
      ),
    );
    const demoChannel = kit.demo.channel.lineChannelId;
    const sequential = (channelId: string, text: (i: number) => string) =>
      runSequential({ kit, driver, channelId, users: users.slice(0, SEQUENTIAL), text });
    const timedSequential = async (channelId: string, text: (i: number) => string) => {
      if (!STAGES || process.env.TEST_DATABASE_URL || pgliteThread !== 'main')
        return sequential(channelId, text);
      const timeline = startStageTimeline(PGlite.prototype);
      try {
        const latencies = await sequential(channelId, text);
        const runs = (latencies.runs ?? []).map(({ at, answeredAt }) => ({
          at,
          answeredAt,
          steps: timeline.between(at, answeredAt + 5),
        }));
        printStageTimeline(runs, `typed e-invoice one after the other (MoF sim ${mofLatencyMs} ms)`);
        return latencies;
      } finally {
        timeline.stop();
      }
    };
    const burst = (channelId: string, text: (i: number) => string) =>
      runBurst({ kit, driver, channelId, users: users.slice(SEQUENTIAL), text });

    const rate = kit.services.config.mof.rateLimitPerSecond;
    const tag = [
      pgliteThread === 'worker' ? 'PGlite in a worker thread' : undefined,
      platform === 'process' ? 'LINE sim + driver in a child process' : undefined,
      ANSWER_LANES === undefined ? undefined : `${ANSWER_LANES} answer lanes`,
      `MoF sim ${mofLatencyMs} ms`,
    ]
      .filter(Boolean)
      .join(', ');
    const out: BenchMeasurement[] = [];
    const bareSequential = await sequential(BARE_CHANNEL.lineChannelId, () => 'help');
    const burstOnly = ONLY === 'einvoice-burst';
    const helpSequential =
      ONLY === 'einvoice' || burstOnly ? bareSequential : await sequential(demoChannel, () => 'help');
    const proofSequential =
      ONLY === 'help' || burstOnly ? helpSequential : await timedSequential(demoChannel, (i) => proofText(i));
    if (ONLY === 'einvoice')
      return quantileRows(
        `${tag}: e-invoice text, ${SEQUENTIAL} one after the other`,
        proofSequential,
        bareSequential,
      );
    const bareBurst = await burst(BARE_CHANNEL.lineChannelId, () => 'help');
    const profile = PROFILE_STATEMENTS && !burstOnly ? startStatementProfile(PGlite.prototype) : undefined;
    const cpuProfile = CPU_PROFILE ? await startCpuProfile() : undefined;
    const helpBurst = burstOnly ? bareBurst : await burst(demoChannel, () => 'help');
    if (cpuProfile) await cpuProfile.stopTo(CPU_PROFILE as string);
    if (profile) printStatementProfile(profile.stop(), BURST, `help events (${tag})`);
    if (!burstOnly) out.push(cpuRow(`${tag}: help, ${BURST} at once`, helpBurst, bareBurst));
    if (ONLY === 'help') {
      out.push(...quantileRows(`${tag}: help, ${BURST} at once`, helpBurst, bareBurst));
      out.push({
        metric: `${tag}: help, ${BURST} at once, last answer`,
        value: helpBurst.max,
        unit: 'ms',
        note: `${await handledAgain(kit, users.slice(SEQUENTIAL))}; ${loadNote()}`,
      });
      console.log(`  ${tag}: help, ${BURST} at once, ${await burstStages(kit, users.slice(SEQUENTIAL))}`);
      return out;
    }
    kit.mofSim.admin.resetRequestCounts();
    const proofProfile = PROFILE_STATEMENTS ? startStatementProfile(PGlite.prototype) : undefined;
    const proofBurst = await burst(demoChannel, (i) => proofText(SEQUENTIAL + i));
    if (proofProfile)
      printStatementProfile(
        proofProfile.stop(),
        BURST,
        `e-invoice events until their first answers (${tag})`,
      );
    out.push(cpuRow(`${tag}: e-invoice text, ${BURST} at once (first answer)`, proofBurst, bareBurst));
    if (HOLD_CHECKS) jobs.push(startWorkers([retry]));
    // The first answers are measured: a failed poll for the decisions (the simulator's process unreachable at
    // a high load) is said in its row, not allowed to discard them.
    const lastDecision = await waitForDecisions(kit, users.slice(SEQUENTIAL), proofBurst.sentAt).catch(
      (error: unknown) => error,
    );
    const mofPace = mofRequestPace(kit);
    const load = loadNote();
    for (const [label, subject, baseline] of [
      ...(burstOnly
        ? []
        : ([
            [`help, ${SEQUENTIAL} one after the other`, helpSequential, bareSequential],
            [`e-invoice text, ${SEQUENTIAL} one after the other`, proofSequential, bareSequential],
            [`help, ${BURST} at once`, helpBurst, bareBurst],
          ] as const)),
      [`e-invoice text, ${BURST} at once (first answer)`, proofBurst, bareBurst],
    ] as const) {
      out.push(
        ...quantileRows(
          `${tag}: ${label}`,
          subject,
          baseline,
          // Sent as soon as the previous is answered, faster than the budget: its permits, not our work.
          mofLatencyMs === 0 && subject === proofSequential
            ? `each check waits for its permit of the MoF budget (MOF_RATE_LIMIT_PER_SECOND ${rate}/s: ${Math.round(1000 / rate)} ms apart), the platform's allowance`
            : undefined,
        ),
      );
    }
    out.push({
      metric: `${tag}: e-invoice text, ${BURST} at once, last decision pushed`,
      value: typeof lastDecision === 'number' ? round(lastDecision) : NaN,
      unit: 'ms',
      note: `${typeof lastDecision === 'number' ? '' : `not measured: ${describePollError(lastDecision)}; `}${proofBurst.queued} answered "received, checking" at once; ${mofPace}; ${load}`,
    });
    return out;
  } finally {
    for (const started of jobs) await started.stop();
    await bare.close();
    await kit.close();
    await remote?.close();
  }
}

type Latencies = {
  p50: number;
  p95: number;
  max: number;
  sentAt: number;
  queued: number;
  cpuMs?: number;
  /** One after the other: when each was sent (the event's timestamp) and answered (the simulator's time). */
  runs?: { at: number; answeredAt: number }[];
};

/** The p50 and p95 rows of `label`, each beside the bare bot's (at least 1 ms). */
function quantileRows(label: string, subject: Latencies, baseline: Latencies, note?: string) {
  return (['p50', 'p95'] as const).map((quantile) =>
    compare(
      `${label}, ${quantile}`,
      'ms',
      subject[quantile],
      { name: `bare bot ${quantile}`, value: Math.max(1, baseline[quantile]) },
      note,
    ),
  );
}

/**
 * The process's CPU (user + system) from the burst's first send until its last member's answer was seen,
 * per event: with the LINE simulator in this process the bench, the simulators and the bot share it, so the
 * bare bot's figure is what the sending and the simulator cost; ours beyond it is what serving costs. With
 * the simulator and the driver in a child process it is the bot's process alone (and the MoF simulator's).
 */
function cpuRow(label: string, subject: Latencies, baseline: Latencies): BenchMeasurement {
  const perEvent = (latencies: Latencies) => round((latencies.cpuMs ?? 0) / BURST);
  return compare(`${label}, process CPU per event`, 'ms', perEvent(subject), {
    name: 'bare bot',
    value: Math.max(0.01, perEvent(baseline)),
  });
}

/** Members `users` each send `text(i)` on `channelId` through `driver`; what each waited for the first answer. */
type Run = (run: {
  kit: LineTestKit;
  driver: LineDriver;
  channelId: string;
  users: string[];
  text: (i: number) => string;
}) => Promise<Latencies>;

/** One after the other: each member sends once the previous one was answered. */
const runSequential: Run = async ({ driver, channelId, users, text }) => {
  const outcome = await driver.sequential({ channelId, users, texts: users.map((_, i) => text(i)) });
  const runs = outcome.map(({ sent, answer }) => ({ at: sent.at, answeredAt: Date.parse(answer.at) }));
  const queued = outcome.filter(({ answer }) => isChecking(answer)).length;
  return { ...quantiles(runs.map(({ at, answeredAt }) => answeredAt - at)), sentAt: 0, queued, runs };
};

/** At once: every member sends together. */
const runBurst: Run = async ({ kit, driver, channelId, users, text }) => {
  const sentAt = Date.now();
  const cpuBefore = process.cpuUsage();
  const { sent, answers, timedOut } = await driver.burst({
    channelId,
    users,
    texts: users.map((_, i) => text(i)),
    timeoutMs: BURST_TIMEOUT_MS,
  });
  if (timedOut) {
    const missing = sent.filter((_, i) => !answers[i]);
    throw new Error(
      `timed out after ${BURST_TIMEOUT_MS} ms waiting for the bot: ${await unanswered(kit, missing)}`,
    );
  }
  const cpu = process.cpuUsage(cpuBefore);
  const firsts = answers as BotEntry[];
  const waits = firsts.map((answer, i) => Date.parse(answer.at) - (sent[i] as Sent).at);
  const queued = firsts.filter(isChecking).length;
  return { ...quantiles(waits), sentAt, queued, cpuMs: (cpu.user + cpu.system) / 1000 };
};

/**
 * What the slowest answers of a burst may have waited for: the members' events handled more than once (a
 * lease that lapsed, a group committed again one by one) and their answers that went by push (a reply
 * token too old) — said beside the burst's last answer.
 */
async function handledAgain(kit: LineTestKit, users: string[]): Promise<string> {
  const [events] = await queryRows<{ again: number; most: number }>(
    kit.services.database.db,
    sql`select count(*) filter (where attempts > 1)::int as again, coalesce(max(attempts), 0)::int as most
        from ${webhookEvents} where ${inArray(webhookEvents.lineUserId, users)}`,
  );
  const [messages] = await queryRows<{ pushed: number; retried: number }>(
    kit.services.database.db,
    sql`select count(*) filter (where delivered_as = 'push')::int as pushed,
               count(*) filter (where attempts > 1)::int as retried
        from ${outboundMessages} where ${inArray(outboundMessages.toUserId, users)}`,
  );
  return `events handled again ${events?.again ?? 0} (most attempts ${events?.most ?? 0}), answers pushed ${messages?.pushed ?? 0}, sent again ${messages?.retried ?? 0}`;
}

/**
 * Where a burst's members waited, from the stored rows: LINE's timestamp → received (the bot read the webhook
 * request: the inbox's `receivedAt`, before its insert), received → done (the insert, the claim, the handling,
 * the group's commit), done → sent (the reply call): p50 / p95 of each, and their means over the slowest 5 %
 * (by timestamp → sent).
 */
async function burstStages(kit: LineTestKit, users: string[]): Promise<string> {
  const rows = await queryRows<{ received: number; done: number; sent: number }>(
    kit.services.database.db,
    sql`select extract(epoch from (${webhookEvents.receivedAt} - ${webhookEvents.occurredAt})) * 1000 as received,
               extract(epoch from (${webhookEvents.processedAt} - ${webhookEvents.receivedAt})) * 1000 as done,
               extract(epoch from (m.sent_at - ${webhookEvents.processedAt})) * 1000 as sent
          from ${webhookEvents}
          join ${outboundMessages} m
            on m.to_user_id = ${webhookEvents.lineUserId} and m.channel_id = ${webhookEvents.channelId}
         where ${inArray(webhookEvents.lineUserId, users)} and m.sent_at is not null`,
  );
  const stages = ['received', 'done', 'sent'] as const;
  const total = (row: (typeof rows)[number]) => stages.reduce((sum, stage) => sum + Number(row[stage]), 0);
  const slowest = [...rows]
    .sort((a, b) => total(b) - total(a))
    .slice(0, Math.max(1, Math.ceil(rows.length / 20)));
  const mean = (values: number[]) =>
    Math.round(values.reduce((sum, value) => sum + value, 0) / Math.max(1, values.length));
  const parts = stages.map((stage) => {
    const { p50, p95 } = quantiles(rows.map((row) => Number(row[stage])));
    return `${stage} p50 ${Math.round(p50)} / p95 ${Math.round(p95)} ms (slowest 5 %: ${mean(slowest.map((row) => Number(row[stage])))})`;
  });
  return `stages of ${rows.length} (timestamp → received → done → sent): ${parts.join('; ')}`;
}

/**
 * Why members were never answered, for the error of a burst that timed out: each one's webhook statuses as
 * the simulator got them, and their stored events and outbound messages (state, attempts, last error) —
 * lost (no row, or a row done without a message) against slow (rows waiting for their next attempt).
 */
async function unanswered(kit: LineTestKit, missing: Sent[]): Promise<string> {
  if (missing.length === 0) return 'every member answered';
  const users = missing.map((sent) => sent.userId);
  const db = kit.services.database.db;
  const events = await queryRows<Record<string, unknown>>(
    db,
    sql`select line_user_id, state, attempts, last_error, next_attempt_at, locked_until from ${webhookEvents}
        where ${inArray(webhookEvents.lineUserId, users)}`,
  );
  const messages = await queryRows<Record<string, unknown>>(
    db,
    sql`select to_user_id, kind, state, attempts, last_error, next_attempt_at, delivered_as from ${outboundMessages}
        where ${inArray(outboundMessages.toUserId, users)}`,
  );
  return JSON.stringify({
    unanswered: missing.length,
    statuses: missing.map((sent) => `${sent.userId.slice(-4)}:${sent.statuses.join('/')}`),
    events,
    messages,
  });
}

/**
 * When (ms after the burst was sent) every burst member had their decision (reply or later push). Only
 * the answers sent after the burst count: the same members' `help` answers came before it.
 */
async function waitForDecisions(kit: LineTestKit, users: string[], sentAt: number): Promise<number> {
  const wanted = new Set(users);
  const entries = await waitFor(
    async () => {
      const left = new Set(wanted);
      const all = await botEntries(kit.lineSim.url, kit.demo.channel.lineChannelId);
      const decided = all.filter(
        (entry) => wanted.has(entry.userId) && Date.parse(entry.at) >= sentAt && !isChecking(entry),
      );
      for (const entry of decided) left.delete(entry.userId);
      return left.size === 0 ? decided : undefined;
    },
    { everyMs: 250 },
  );
  return Math.max(...entries.map((entry) => Date.parse(entry.at))) - sentAt;
}

/**
 * The MoF simulator's requests since its counts were reset: how many, and the most in any 1-s window (of
 * the last 200 it keeps), against the deployment's budget.
 */
function mofRequestPace(kit: LineTestKit): string {
  const total = kit.mofSim.admin.requestCounts().total;
  const times = kit.mofSim.admin
    .recentRequests()
    .map((request) => Date.parse(request.at))
    .sort((a, b) => a - b);
  let most = 0;
  for (let first = 0, last = 0; first < times.length; first++) {
    while (last < times.length && (times[last] as number) < (times[first] as number) + 1_000) last++;
    most = Math.max(most, last - first);
  }
  const budget = kit.services.config.mof.rateLimitPerSecond;
  return `${total} MoF requests, at most ${most} in any 1 s (budget ${budget}/s)`;
}

/** The bare baseline: @line/bot-sdk's middleware and client, replying inside the webhook handler. */
async function startBareBot(lineApiUrl: string): Promise<{ url: string; close: () => Promise<void> }> {
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken: BARE_CHANNEL.token,
    baseURL: lineApiUrl,
  });
  const app = express();
  app.post('/webhook', middleware({ channelSecret: BARE_CHANNEL.secret }), async (req, res) => {
    const body = req.body as webhook.CallbackRequest;
    await Promise.all(
      body.events.map((event) =>
        'replyToken' in event && event.replyToken
          ? client.replyMessage({ replyToken: event.replyToken, messages: [{ type: 'text', text: 'ok' }] })
          : undefined,
      ),
    );
    res.sendStatus(200);
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function quantiles(values: number[]): { p50: number; p95: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1] ?? 0 };
}

/** A failed poll's error with its cause (fetch's own message says only "fetch failed"). */
function describePollError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/** The machine is shared: each figure is read against the load it was measured under. */
function loadNote(): string {
  return `load average ${loadavg()
    .map((value) => value.toFixed(1))
    .join(' ')}`;
}

/** The "received, checking" answer (its title in each language), not a decision. */
function isChecking(entry: BotEntry): boolean {
  const json = JSON.stringify(entry);
  return CHECKING_TITLES.some((title) => json.includes(title));
}

export default lineLatencyBench;
