import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { outsideSystemModes, type Services } from '../../core/app/build-services.js';
import { describeOutsideSystemModes, simulationWarning, type Config } from '../../core/config/config.js';
import { DEMO_THAI_CATALOG, seedDemoRewards } from '../../core/demo/seed-demo-rewards.js';
import { seedDemoReview } from '../../core/demo/seed-demo-review.js';
import { seedDemo, seedDemoSurvey } from '../../core/demo/seed-demo.js';
import { seedDemoAnalytics } from '../../core/demo/seed-demo-analytics.js';
import { seedDemoConsoleUser } from '../../core/demo/seed-demo-console.js';
import { seedDemoSegments } from '../../core/demo/seed-demo-segments.js';
import { seedThaiDemo } from '../../core/demo/seed-demo-thai.js';
import { ensureEnvChannel } from '../../core/messaging/index.js';
import { startWeb, startWorkerMetrics } from '../../bot/start.js';
import type { WebServer } from '../../bot/server.js';
import { startWorker } from '../../jobs/start.js';
import { startLocalSimulators, type LocalSimulators } from '../../sim/index.js';
import type { JobsHandle } from '../../jobs/runner.js';
import type { Command } from './command.js';
import { beginPreparing, finishPreparing, pgliteDataDirState } from './first-start.js';
import { compileWasmOnBaselineOnly } from '../../core/db/pglite-compiler.js';
import { holdYoungGenerationSmall, releaseYoungGeneration } from '../../core/shared/young-generation.js';
import { watchIdleHeap } from '../../core/shared/idle-heap.js';
import { connectOrReport, createBootLogger, loadConfigOrReport } from './shared.js';

export const startCommand: Command = {
  name: 'start',
  usage: 'start [--web-only | --worker-only | --prepare-only]',
  summary: 'Run Proofline: the web server and the worker (local mode with no credentials).',
  help: [
    '  --web-only      serve HTTP only (webhook, APIs, web apps); run workers elsewhere',
    '  --worker-only   run the queue workers and schedules only',
    '  --prepare-only  migrate the database and seed the demo (as DEMO_SEED says), then exit; a first start',
    '                  on a new PGlite data dir runs this in a child process',
    'With neither, both run in this process (as JOBS_ENABLED allows).',
  ].join('\n'),
  run: async (argv) => {
    const { values } = parseArgs({
      args: argv,
      options: {
        'web-only': { type: 'boolean' },
        'worker-only': { type: 'boolean' },
        'prepare-only': { type: 'boolean' },
      },
    });
    const parsedConfig = loadConfigOrReport();
    if (!parsedConfig) return 1;
    if (values['prepare-only']) {
      // A one-off process that seeds thousands of rows: the young generation grows as V8 decides.
      releaseYoungGeneration();
      return prepareOnly(parsedConfig);
    }
    const dataDir = pgliteDataDirState(parsedConfig);
    if (dataDir.kind !== 'ready') {
      const boot = createBootLogger(parsedConfig);
      try {
        beginPreparing(dataDir);
      } catch (error) {
        console.error(`proofline: PGLITE_DATA_DIR: ${(error as Error).message}`);
        return 1;
      }
      if (dataDir.kind === 'interrupted')
        boot.warn(
          { dataDir: dataDir.dir },
          'an earlier first start stopped before the data dir was ready: it was cleared and is prepared again',
        );
      const prepared = await prepareInChild();
      if (prepared.code !== 0) return 1;
      finishPreparing(dataDir.dir);
      boot.info(
        { pid: prepared.pid },
        parsedConfig.demoSeed
          ? 'first start: the database was created, migrated and seeded in a child process'
          : 'first start: the database was created and migrated in a child process (DEMO_SEED is off)',
      );
    }
    // Outside systems without credentials get their simulator; the config then points at it.
    const simulators = await startLocalSimulators({
      config: parsedConfig,
      logger: createBootLogger(parsedConfig),
    });
    const config = simulators.config;
    const runWeb = !values['worker-only'];
    const runWorker = !values['web-only'] && (config.jobs.enabled || Boolean(values['worker-only']));

    // PGlite's functions compiled during the start stay on V8's baseline compiler (memory; decision 012).
    const optimizeWasmAgain = config.database.url ? () => {} : compileWasmOnBaselineOnly();
    const services = await connectOrReport(config);
    // Opening PGlite in a worker thread made a new isolate, which set V8's growth factor back: hold again.
    holdYoungGenerationSmall();
    if (!services) {
      optimizeWasmAgain();
      releaseYoungGeneration();
      await simulators.close();
      return 1;
    }
    const { logger } = services;
    installCrashHandlers(services);

    await services.database.migrate();
    await ensureEnvChannel(services);
    const demoConsole = config.demoSeed ? await seedLocalDemo(services) : undefined;

    let web: WebServer | undefined;
    let worker: JobsHandle | undefined;
    try {
      if (runWeb) web = await startWeb(services);
      else if (config.operations.workerMetricsPort !== undefined)
        web = await startWorkerMetrics(services, config.operations.workerMetricsPort);
      if (runWorker) worker = startWorker(services);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      optimizeWasmAgain();
      releaseYoungGeneration();
      console.error(
        code === 'EADDRINUSE'
          ? `proofline: PORT: ${config.server.port} is already in use`
          : `proofline: failed to start: ${(error as Error).message}`,
      );
      await worker?.stop();
      await services.workSignal?.close();
      await services.database.close();
      await simulators.close();
      return 1;
    }

    optimizeWasmAgain();
    releaseYoungGeneration();
    // A worker's metrics server is closed on shutdown like the web server, but it is not the web app.
    printBanner(services, runWeb ? web : undefined, simulators, demoConsole);
    if (!runWeb && web) console.log(`  worker health and metrics: ${web.url}/metrics`);
    const warning = simulationWarning(config);
    if (warning) logger.warn({ simulated: config.simulated }, warning);
    // What a burst of work grew is given back once the server is idle again (decision 012).
    const stopWatchingHeap = watchIdleHeap({
      onCollected: ({ beforeBytes, afterBytes, ms }) =>
        logger.debug(
          {
            heapMb: Math.round(beforeBytes / 1048576),
            afterMb: Math.round(afterBytes / 1048576),
            ms: Math.round(ms),
          },
          'idle: gave back the heap a burst grew',
        ),
    });
    try {
      return await waitForShutdown(services, web, worker, simulators);
    } finally {
      stopWatchingHeap();
    }
  },
};

/**
 * The demo brands, their history and the local console account (idempotent). Returns the console
 * account's sign-in, printed in the banner.
 */
async function seedLocalDemo(services: Services) {
  const { logger } = services;
  const demo = await seedDemo(services);
  await seedDemoSurvey(services, demo);
  await seedDemoRewards(services, demo);
  await seedDemoReview(services, demo);
  // A purchase history for the analytics pages (first start only; batched, a few seconds).
  const seedHistory = async (brand: typeof demo.brand, invoices?: number) => {
    const startedAt = Date.now();
    const history = await seedDemoAnalytics(services, brand, invoices ? { invoices } : {});
    if (history.created)
      logger.info(
        {
          brand: brand.slug,
          invoices: history.invoices,
          lineItems: history.lineItems,
          redemptions: history.redemptions,
          ms: Date.now() - startedAt,
        },
        'demo analytics history seeded',
      );
  };
  await seedHistory(demo.brand);
  await seedDemoSegments(services, demo.brand);
  if (demo.created)
    logger.info({ brand: demo.brand.slug, campaign: demo.campaign.slug }, 'demo brand seeded');
  // Local mode only: a console account for the demo brand, so the review API can be tried at once.
  const demoConsole = await seedDemoConsoleUser(services, demo.brand);
  if (demoConsole?.created) logger.info({ email: demoConsole.email }, 'demo console user created');
  // The Thai demo brand (receipt photos, THB), on the same console account.
  const thai = await seedThaiDemo(services);
  await seedDemoRewards(services, thai, DEMO_THAI_CATALOG);
  if (thai.created)
    logger.info({ brand: thai.brand.slug, campaign: thai.campaign.slug }, 'demo brand seeded');
  await seedDemoConsoleUser(services, thai.brand);
  await seedHistory(thai.brand, 1_000);
  await seedDemoSegments(services, thai.brand);
  return demoConsole;
}

/**
 * `start --prepare-only`: migrates and seeds, then exits. A first start on a new PGlite data dir runs it
 * in a child process (`prepareInChild`): PGlite's initdb, the migrations and the demo history grow its
 * WebAssembly memory and the native heap by ~400 MB at their peak, which a process never gives back.
 */
async function prepareOnly(config: Config): Promise<number> {
  const services = await connectOrReport(config);
  if (!services) return 1;
  try {
    await services.database.migrate();
    if (config.demoSeed) await seedLocalDemo(services);
    return 0;
  } finally {
    await services.database.close();
  }
}

function prepareInChild(): Promise<{ code: number; pid?: number }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, process.argv[1] as string, 'start', '--prepare-only'],
      { stdio: 'inherit' },
    );
    // A stop signal stops the preparation too, and this process returns only once the child has exited:
    // an orphaned child would go on writing into the data dir (and hold its lock) after its parent is
    // gone, e.g. while whoever stopped the start removes the directory ("could not open file base/5/…").
    const forward = (signal: NodeJS.Signals) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    const done = (result: { code: number; pid?: number }) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(result);
    };
    child.once('error', (error) => {
      console.error(`proofline: could not prepare the database: ${error.message}`);
      done({ code: 1 });
    });
    child.once('exit', (code) => done({ code: code ?? 1, pid: child.pid }));
  });
}

function printBanner(
  services: Services,
  web: WebServer | undefined,
  simulators: LocalSimulators,
  demoConsole?: { email: string; password: string },
) {
  const { config } = services;
  const warning = simulationWarning(config);
  const database = config.database.url ? 'postgresql' : `pglite (${config.database.pgliteDataDir})`;
  const lines = [
    '',
    ...(warning ? [`!!! ${warning} !!!`] : []),
    `Proofline is running${config.localMode ? ' in local mode' : ''}.`,
    `  database: ${database}`,
    ...describeOutsideSystemModes({ localMode: config.localMode, modes: outsideSystemModes(config) }).map(
      (line) => `  ${line}`,
    ),
    `  OCR engine: ${config.ocr.provider}   receipt photos: ${config.blobStore.driver}`,
  ];
  if (web) {
    const onlyHere = config.server.host === '127.0.0.1' ? ' (this machine only; HOST overrides)' : '';
    lines.push(`  listening on ${config.server.host}:${web.port}${onlyHere}`);
    if (config.localMode && config.line.mode === 'simulator')
      lines.push(`  chat with the bot (simulated LINE): ${web.url}/dev/chat`);
    lines.push(`  LIFF mini-app: ${web.url}/liff/`);
    lines.push(`  console: ${web.url}/console/`);
    lines.push(`  health:  ${web.url}/healthz`);
    lines.push(`  webhook: ${web.url}/webhook/<LINE channel id>`);
    if (demoConsole)
      lines.push(`  console sign-in (local only): ${demoConsole.email} / ${demoConsole.password}`);
  }
  for (const line of simulators.describe) lines.push(`  ${line}`);
  lines.push('Press Ctrl-C to stop.', '');
  console.log(lines.join('\n'));
}

/** Resolves with the exit code once a signal has stopped the process gracefully. */
function waitForShutdown(
  services: Services,
  web: WebServer | undefined,
  worker: JobsHandle | undefined,
  simulators: LocalSimulators,
) {
  return new Promise<number>((resolve) => {
    let stopping = false;
    const shutdown = async (signal: string) => {
      if (stopping) {
        // A second Ctrl-C: the user does not want to wait.
        process.exit(130);
      }
      stopping = true;
      services.logger.info({ signal }, 'shutting down: finishing work in flight');
      const timer = setTimeout(() => {
        services.logger.error('shutdown took longer than 20 s; exiting');
        process.exit(1);
      }, 20_000);
      timer.unref();
      await web?.close();
      await worker?.stop();
      await services.ocrEngine?.close();
      await services.workSignal?.close();
      await services.database.close();
      await simulators.close();
      services.logger.info('stopped');
      resolve(0);
    };
    process.once('SIGINT', () => void shutdown('SIGINT'));
    process.once('SIGTERM', () => void shutdown('SIGTERM'));
  });
}

function installCrashHandlers({ logger }: Services) {
  process.on('unhandledRejection', (reason) => {
    logger.fatal({ err: reason }, 'unhandled rejection');
    process.exit(1);
  });
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception');
    process.exit(1);
  });
}
