import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { overrideConfig } from '../../core/config/config.js';
import { createDatabase, type DatabaseHandle } from '../../core/db/database.js';
import {
  buildEInvoicePlatform,
  createDatabaseRateLimiter,
  type MofEInvoicePlatform,
} from '../../core/verification/index.js';
import { parseSimDataset, startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { createStatementLog } from '../support/statement-log.js';

const RATE_PER_SECOND = 10;

describe('one MoF budget for the deployment (platform_budgets)', () => {
  let services: TestServices;
  let secondProcessDb: DatabaseHandle | undefined;
  let sim: RunningMofSimulator;

  beforeAll(async () => {
    services = await buildTestServices();
    // On PostgreSQL the second runner has a pool of its own, as a second process would.
    if (services.database.url)
      secondProcessDb = await createDatabase({ url: services.database.url, poolMax: 4 });
    sim = await startMofSimulator({ dataset: parseSimDataset({ invoices: [] }) });
  });
  afterAll(async () => {
    await sim?.close();
    await secondProcessDb?.close();
    await services?.database.close();
  });

  test('when two runners verify at once, then together they stay within the one deployment-wide rate, counted at the simulator', async () => {
    const config = overrideConfig({ mof: { apiBaseUrl: sim.url, rateLimitPerSecond: RATE_PER_SECOND } });
    const runners = [services.database, secondProcessDb ?? services.database].map((database) =>
      buildEInvoicePlatform(config, { db: database.db, priority: 'instant' }),
    );
    sim.admin.resetRequestCounts();

    const perRunner = 8;
    await Promise.all(
      runners.flatMap((platform) =>
        Array.from({ length: perRunner }, (_, index) =>
          platform.getInvoiceDetail({
            type: 'Barcode',
            invoiceNumber: `AB${String(10_000_000 + index).slice(0, 8)}`,
            invoiceDate: '2026-11-20',
            randomCode: '1234',
            period: '11512',
          } as Parameters<(typeof platform)['getInvoiceDetail']>[0]),
        ),
      ),
    );

    expect(sim.admin.requestCounts().total).toBe(2 * perRunner);
    // One budget: 16 permits at 10/s (1 at once) span 1.5 s; a limiter per process would let each runner
    // take its 8 in 0.7 s side by side. The permits' times are checked, not the arrivals at the simulator:
    // on a loaded machine an early call delayed by its connection set-up lands next to a later one.
    const granted = runners
      .flatMap((platform) => (platform as unknown as MofEInvoicePlatform).rateLimiter.stats().grantedAt)
      .sort((a, b) => a - b);
    expect(granted).toHaveLength(2 * perRunner);
    expect(((granted.at(-1) as number) - (granted[0] as number)) / 1000).toBeGreaterThanOrEqual(
      (2 * perRunner - 1) / RATE_PER_SECOND - 0.2,
    );
  });

  test('when members are waiting on instant checks, then batch work takes its permit only after them', async () => {
    const key = 'test|priority';
    // One permit a second: the backlog of the instant checks lasts seconds, however slow the machine.
    const instant = createDatabaseRateLimiter({ db: services.database.db, key, ratePerSecond: 1 });
    const granted: string[] = [];
    const take = (n: number) => instant.acquire().then(() => granted.push(`instant-${n}`));
    const untilReserved = async (count: number) => {
      while (instant.stats().acquired < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    let batchWaits!: () => void;
    const batchAsked = new Promise<void>((resolve) => (batchWaits = resolve));
    const batch = createDatabaseRateLimiter({
      db: services.database.db,
      key,
      ratePerSecond: 1,
      priority: 'batch',
      // The batch found members ahead of it and waits: two more members ask meanwhile.
      sleep: async (ms) => {
        batchWaits();
        await untilReserved(6);
        await new Promise((resolve) => setTimeout(resolve, ms));
      },
    });

    const first = [1, 2, 3, 4].map(take);
    await untilReserved(4);
    const batchDone = batch.acquire().then(() => granted.push('batch'));
    await Promise.race([batchAsked, batchDone]);
    const later = [5, 6].map(take);
    await Promise.all([...first, ...later, batchDone]);

    // Without priority the batch would have queued right behind the first four, before 5 and 6. (The
    // members' own order is the database's: on PostgreSQL their connections race.)
    expect(granted.at(-1)).toBe('batch');
    expect(granted.slice(0, -1).sort()).toEqual([1, 2, 3, 4, 5, 6].map((n) => `instant-${n}`));
    expect(await instant.estimateWaitMs()).toBeLessThanOrEqual(1_000);
  });
});

describe('the budget row of a limiter', () => {
  test('when a limiter estimates its wait and takes permits again and again, then it stores its budget row once', async () => {
    const log = createStatementLog();
    const services = await buildTestServices({ onStatement: log.onStatement });
    try {
      const limiter = createDatabaseRateLimiter({
        db: services.database.db,
        key: 'test|row-once',
        ratePerSecond: 50,
      });
      const statements = await log.during(async () => {
        for (let i = 0; i < 3; i++) await limiter.estimateWaitMs();
        await limiter.acquire();
        await limiter.acquire();
      });
      expect(statements.filter((statement) => /insert into platform_budgets/i.test(statement))).toHaveLength(
        1,
      );
      // The row is there: the estimates read it.
      expect(await limiter.estimateWaitMs()).toBeGreaterThanOrEqual(0);
    } finally {
      await services.database.close();
    }
  });
});
