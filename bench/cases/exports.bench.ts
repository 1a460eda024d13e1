import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { eq, sql } from 'drizzle-orm';
import { countExportRows, exportJobs, requestLineItemsExport } from '../../core/analytics/index.js';
import type { AnalyticsFilter } from '../../core/analytics/analytics.filter.js';
import { seedSyntheticHistoryInSql } from '../../core/analytics/synthetic-sql.usecases.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import { createDatabase } from '../../core/db/database.js';
import { systemClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { projectRoot } from '../../core/shared/paths.js';
import { compare, round, timeIt, type BenchCase, type BenchMeasurement } from '../bench.types.js';

/** Line items to export (the issue's goal: 1,000,000 under 200 MB RSS); invoices hold ~2.8 each. */
const ROWS = Number(process.env.EXPORT_BENCH_ROWS ?? 1_000_000);
/**
 * A brand already seeded in BENCH_DATABASE_URL (the 1 M seed takes half an hour under load), exported as it
 * is, with EXPORT_BENCH_FROM / EXPORT_BENCH_TO as the export's purchase dates when set.
 */
const REUSE_BRAND = process.env.EXPORT_BENCH_BRAND;
/** Which exports to measure: `cli` (the command, CSV and XLSX), `worker` (the export job in a worker). */
const PARTS = (process.env.EXPORT_BENCH_PARTS ?? 'cli,worker').split(',');
const MB = 1024;

/**
 * Peak RSS of a line-items export of ROWS rows (CSV and XLSX, streamed page by page from PostgreSQL), run
 * as `npm start` runs the app (`node bin/proofline.js`: the compiled code, no tsx), and watched from here in
 * /proc: (1) `proofline export line-items` in a process of its own, against a plain node process writing as
 * many rows of the same shape with csv-stringify from a generator (no database, no pages); (2) the
 * console's export job inside a worker started as `proofline start --worker-only` is, against the same
 * worker idle before the job. Needs BENCH_DATABASE_URL (the rows are seeded by the server).
 */
const exportsBench: BenchCase = {
  name: `exports: peak RSS of a ${REUSE_BRAND ? 'seeded brand' : `${ROWS.toLocaleString('en')}-row`} line-items export (CLI and worker job)`,
  issue: 14,
  run: async () => {
    const url = process.env.BENCH_DATABASE_URL;
    if (!url) return [{ metric: 'skipped: set BENCH_DATABASE_URL (PostgreSQL)', value: 0, unit: '' }];
    const database = await createDatabase({ url, poolMax: 2 });
    const dir = await mkdtemp(join(tmpdir(), 'proofline-export-bench-'));
    const measurements: BenchMeasurement[] = [];
    try {
      await database.migrate();
      const generateId = createIdGenerator();
      const brandId = REUSE_BRAND ?? (await seedBrand(database.db, generateId));
      const filter: AnalyticsFilter = {
        brandId,
        ...(REUSE_BRAND && process.env.EXPORT_BENCH_FROM ? { from: process.env.EXPORT_BENCH_FROM } : {}),
        ...(REUSE_BRAND && process.env.EXPORT_BENCH_TO ? { to: process.env.EXPORT_BENCH_TO } : {}),
      };
      const rows = await countExportRows(database.db, 'line_items', { filter, contact: false });
      measurements.push({ metric: `line items to export (brand ${brandId})`, value: rows, unit: 'rows' });
      // The compiled app, made now (once per change of the sources) rather than inside a measured process.
      await run(process.execPath, [join(projectRoot, 'scripts/compiled-app.js')], {});
      const env = {
        DATABASE_URL: url,
        DATA_DIR: dir,
        DEMO_SEED: 'false',
        LOG_LEVEL: 'warn',
        LOG_FORMAT: 'json',
      };
      if (PARTS.includes('cli')) {
        const baseline = await watched(
          spawn(
            process.execPath,
            [join(projectRoot, 'bench/support/export-baseline.js'), String(rows), join(dir, 'baseline.csv')],
            {
              cwd: projectRoot,
              stdio: ['ignore', 'pipe', 'inherit'],
            },
          ),
        );
        for (const format of ['csv', 'xlsx'] as const) {
          const out = join(dir, `export.${format}`);
          const dates = [
            ...(filter.from ? ['--from', filter.from] : []),
            ...(filter.to ? ['--to', filter.to] : []),
          ];
          const args = [
            'export',
            'line-items',
            '--brand',
            brandId,
            ...dates,
            '--format',
            format,
            '--out',
            out,
          ];
          const started = Date.now();
          const result = await watched(
            spawn(process.execPath, [join(projectRoot, 'bin/proofline.js'), ...args], {
              cwd: projectRoot,
              env: { ...process.env, ...env },
              stdio: ['ignore', 'pipe', 'inherit'],
            }),
          );
          const exported = JSON.parse(result.stdout.trim().split('\n').pop()!) as { rows: number };
          if (exported.rows !== rows) throw new Error(`${format}: exported ${exported.rows} of ${rows} rows`);
          measurements.push(
            compare(
              `proofline export, ${rows} line items as ${format.toUpperCase()}: peak RSS (${Math.round((Date.now() - started) / 1000)} s, ${Math.round((await stat(out)).size / 1e6)} MB file)`,
              'MB',
              result.peakKb / MB,
              {
                name: `plain node, csv-stringify of ${rows} rows from a generator`,
                value: baseline.peakKb / MB,
              },
              'goal < 200 MB',
            ),
          );
          await rm(out, { force: true });
        }
      }
      if (PARTS.includes('worker')) measurements.push(...(await workerExports(database, filter, rows, env)));
    } finally {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    }
    return measurements;
  },
};

async function seedBrand(
  db: Parameters<typeof seedSyntheticHistoryInSql>[0]['db'],
  generateId: ReturnType<typeof createIdGenerator>,
) {
  const brand = await createBrandsRepository({ db, generateId }).createBrand({
    slug: `export-bench-${generateId('brand')}`,
    name: 'Export bench',
    country: 'TW',
    defaultLocale: 'zh-TW',
    timezone: 'Asia/Taipei',
  });
  await seedSyntheticHistoryInSql({
    db,
    generateId,
    brandId: brand.id,
    invoices: Math.ceil(ROWS / 2.8),
    seed: brand.id,
  });
  return brand.id;
}

/**
 * The console's export job (CSV, then XLSX) in a worker process started as `proofline start --worker-only`
 * is: queued here as the console queues it, run by the worker's `exports` queue; the worker's RSS sampled
 * in /proc every 100 ms while it runs, against the same worker idle before the first job.
 */
async function workerExports(
  database: Awaited<ReturnType<typeof createDatabase>>,
  filter: AnalyticsFilter,
  rows: number,
  env: Record<string, string>,
): Promise<BenchMeasurement[]> {
  const worker = spawn(process.execPath, [join(projectRoot, 'bin/proofline.js'), 'start', '--worker-only'], {
    cwd: projectRoot,
    env: { ...process.env, ...env, WORKER_POLL_MS: '500' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const measurements: BenchMeasurement[] = [];
  try {
    let banner = '';
    worker.stdout!.on('data', (chunk: Buffer) => (banner += chunk.toString()));
    const exited = new Promise((resolve) => worker.once('exit', resolve));
    while (!banner.includes('Proofline is running')) {
      if (worker.exitCode !== null) throw new Error(`the worker exited ${worker.exitCode}`);
      await Promise.race([sleep(200), exited]);
    }
    // Idle: what the worker holds before any export (its queues polling an idle database).
    await sleep(5_000);
    const idleKb = (await procStatus(worker.pid!)).VmRSS;
    for (const format of ['csv', 'xlsx'] as const) {
      const job = await requestLineItemsExport(
        { db: database.db, clock: systemClock, generateId: createIdGenerator() },
        { filter, format, requestedBy: null },
      );
      let peakKb = 0;
      let state = job.state;
      const ms = await timeIt(async () => {
        for (let tick = 0; state === 'queued' || state === 'running'; tick++) {
          peakKb = Math.max(peakKb, (await procStatus(worker.pid!)).VmRSS);
          if (worker.exitCode !== null) throw new Error(`the worker exited ${worker.exitCode}`);
          if (tick % 10 === 0) {
            const [row] = await database.db.select().from(exportJobs).where(eq(exportJobs.id, job.id));
            state = row!.state;
            if (state === 'failed') throw new Error(`${format} export job failed: ${row!.lastError}`);
            if (state === 'done' && row!.rowsDone !== rows)
              throw new Error(`${format}: the job exported ${row!.rowsDone} of ${rows} rows`);
          }
          await sleep(100);
        }
      });
      measurements.push(
        compare(
          `export job in a worker process, ${rows} line items as ${format.toUpperCase()}: peak RSS (${Math.round(ms / 1000)} s)`,
          'MB',
          peakKb / MB,
          { name: 'the same worker, idle before the first job', value: idleKb / MB },
          'goal < 200 MB',
        ),
      );
    }
    measurements.push({
      metric: "worker's peak RSS over its life (VmHWM: start, idle, both jobs)",
      value: round((await procStatus(worker.pid!)).VmHWM / MB),
      unit: 'MB',
    });
  } finally {
    worker.kill('SIGTERM');
    if (worker.exitCode === null) await new Promise((resolve) => worker.once('exit', resolve));
  }
  await database.db.execute(sql`delete from export_jobs where brand_id = ${filter.brandId}`);
  return measurements;
}

/** VmRSS and VmHWM (kB) of a running process. */
async function procStatus(pid: number): Promise<{ VmRSS: number; VmHWM: number }> {
  const text = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
  return { VmRSS: kb('VmRSS'), VmHWM: kb('VmHWM') };
}

/**
 * Waits for a child process to finish, sampling its peak RSS (VmHWM, which the kernel keeps) in /proc every
 * 100 ms; its output and peak RSS (kB). The last sample is taken before it exits, so a peak in the last
 * 100 ms could be missed.
 */
async function watched(proc: ChildProcess): Promise<{ stdout: string; peakKb: number }> {
  let stdout = '';
  proc.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exit = new Promise<number | null>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', resolve);
  });
  let peakKb = 0;
  let done = false;
  void exit.finally(() => (done = true));
  while (!done) {
    peakKb = Math.max(
      peakKb,
      await procStatus(proc.pid!)
        .then((s) => s.VmHWM)
        .catch(() => 0),
    );
    await Promise.race([sleep(100), exit]);
  }
  const code = await exit;
  if (code !== 0) throw new Error(`${proc.spawnargs.join(' ')} exited ${code}`);
  return { stdout, peakKb };
}

function run(command: string, args: string[], env: Record<string, string>) {
  return watched(
    spawn(command, args, {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  );
}

export default exportsBench;
