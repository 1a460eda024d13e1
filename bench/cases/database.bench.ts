import { sql } from 'drizzle-orm';
import { createBrandsRepository } from '../../core/brands/index.js';
import { createDatabase, type DatabaseHandle } from '../../core/db/database.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { compare, timeIt, type BenchCase, type BenchMeasurement } from '../bench.types.js';

const ROWS = 1_000;

/**
 * The data layer's own cost: inserting rows through a repository, against the bare round trip
 * (`select 1`) of the same driver. Runs on PGlite, and on PostgreSQL when BENCH_DATABASE_URL is set.
 */
const databaseBench: BenchCase = {
  name: 'data layer: repository inserts vs bare round trips',
  issue: 2,
  run: async () => {
    const measurements: BenchMeasurement[] = [];
    const targets: { label: string; open: () => Promise<DatabaseHandle> }[] = [
      { label: 'pglite', open: () => createDatabase({ pgliteDataDir: 'memory://' }) },
    ];
    const serverUrl = process.env.BENCH_DATABASE_URL;
    if (serverUrl)
      targets.push({ label: 'postgresql', open: () => createDatabase({ url: serverUrl, poolMax: 4 }) });

    for (const target of targets) {
      const database = await target.open();
      try {
        await database.migrate();
        const generateId = createIdGenerator();
        const repository = createBrandsRepository({ db: database.db, generateId });
        const baseline = await timeIt(async () => {
          for (let i = 0; i < ROWS; i++) await database.db.execute(sql`select 1`);
        });
        const run = generateId('brand');
        const subject = await timeIt(async () => {
          for (let i = 0; i < ROWS; i++) {
            await repository.createBrand({
              slug: `${run}-${i}`,
              name: `Brand ${i}`,
              country: 'TW',
              defaultLocale: 'zh-TW',
              timezone: 'Asia/Taipei',
            });
          }
        });
        measurements.push(
          compare(`${target.label}: ${ROWS} inserts (autocommit)`, 'ms', subject, {
            name: `${ROWS} × select 1`,
            value: baseline,
          }),
        );
      } finally {
        await database.close();
      }
    }
    return measurements;
  },
};

export default databaseBench;
