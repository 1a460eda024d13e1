import { spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { seedSyntheticHistoryInSql } from '../../core/analytics/synthetic-sql.usecases.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import { createDatabase, queryRows } from '../../core/db/database.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { projectRoot } from '../../core/shared/paths.js';
import { compare, round, timeIt, type BenchCase, type BenchMeasurement } from '../bench.types.js';

/** Line items to export (the issue's goal: 1,000,000 under 200 MB RSS); invoices hold ~2.8 each. */
const ROWS = Number(process.env.EXPORT_BENCH_ROWS ?? 1_000_000);

/**
 * Peak RSS of a line-items export of ROWS rows (CSV and XLSX, streamed page by page from PostgreSQL), each
 * in a process of its own, against the same process writing as many rows of the same shape with
 * csv-stringify from a generator (no database, no pages): the export's own cost in memory, as a ratio.
 * Needs BENCH_DATABASE_URL (the rows are seeded by the server: seedSyntheticHistoryInSql).
 */
const exportsBench: BenchCase = {
  name: `exports: peak RSS of a ${ROWS.toLocaleString('en')}-row line-items export vs csv-stringify from a generator`,
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
      const brand = await createBrandsRepository({ db: database.db, generateId }).createBrand({
        slug: `export-bench-${generateId('brand')}`,
        name: 'Export bench',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      });
      const seedMs = await timeIt(() =>
        seedSyntheticHistoryInSql({
          db: database.db,
          generateId,
          brandId: brand.id,
          invoices: Math.ceil(ROWS / 2.8),
          seed: brand.id,
        }),
      );
      const [row] = await queryRows<{ count: unknown }>(
        database.db,
        sql`select count(*) as count from analytics_line_items where brand_id = ${brand.id}`,
      );
      const rows = Number(row?.count ?? 0);
      measurements.push({ metric: `seed ${rows} line items (SQL)`, value: round(seedMs), unit: 'ms' });
      const baselineOut = join(dir, 'baseline.csv');
      const baseline = await child(['baseline', String(rows), baselineOut]);
      for (const format of ['csv', 'xlsx'] as const) {
        const out = join(dir, `export.${format}`);
        let result = { rows: 0, peakRssMb: 0 };
        const ms = await timeIt(async () => {
          result = await child(['export', url, brand.id, format, out]);
        });
        if (result.rows !== rows) throw new Error(`${format}: exported ${result.rows} of ${rows} rows`);
        measurements.push(
          compare(
            `peak RSS, ${rows} line items as ${format.toUpperCase()} (${Math.round(ms / 1000)} s, ${Math.round((await stat(out)).size / 1e6)} MB file)`,
            'MB',
            result.peakRssMb,
            { name: `csv-stringify of ${rows} rows from a generator`, value: baseline.peakRssMb },
            'goal < 200 MB',
          ),
        );
      }
    } finally {
      await database.close();
      await rm(dir, { recursive: true, force: true });
    }
    return measurements;
  },
};

function child(args: string[]): Promise<{ rows: number; peakRssMb: number }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', join(projectRoot, 'bench/support/export-child.ts'), ...args],
      {
        cwd: projectRoot,
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let output = '';
    proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`export child exited ${code}`));
      try {
        resolve(JSON.parse(output.trim().split('\n').pop()!) as { rows: number; peakRssMb: number });
      } catch (error) {
        reject(error as Error);
      }
    });
  });
}

export default exportsBench;
