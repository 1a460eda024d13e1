import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { createBrandsRepository } from '../../core/brands/index.js';
import { createDatabase, isUniqueViolation, queryRows } from '../../core/db/database.js';
import { jsonRowsSource, insertJsonRows } from '../../core/db/json-rows.js';
import { brands, invoiceItems, lineChannels, pointsLedger } from '../../core/db/schema.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('brands repository (on the test database driver)', () => {
  let database: TestDatabase;
  const generateId = createSequentialIdGenerator();

  beforeAll(async () => {
    database = await createTestDatabase({
      brands: [
        {
          id: 'brd_seeded',
          slug: 'seeded',
          name: 'Seeded',
          country: 'TH',
          defaultLocale: 'th',
          timezone: 'Asia/Bangkok',
        },
      ],
    });
  });
  afterAll(async () => {
    await database.close();
  });

  test('when a brand is created, then it is returned with a prefixed id and stored', async () => {
    const repository = createBrandsRepository({ db: database.db, generateId });

    const brand = await repository.createBrand({
      slug: 'tea',
      name: '好茶',
      country: 'TW',
      defaultLocale: 'zh-TW',
      timezone: 'Asia/Taipei',
    });

    expect(brand).toMatchObject({ id: 'brd_test0001', slug: 'tea', name: '好茶' });
    const rows = await database.db.select().from(brands).where(eq(brands.id, brand.id));
    expect(rows).toHaveLength(1);
    expect(rows[0]?.createdAt).toBeInstanceOf(Date);
  });

  test('when a slug is taken, then the unique constraint refuses the second brand', async () => {
    const repository = createBrandsRepository({ db: database.db, generateId });

    const attempt = repository.createBrand({
      slug: 'seeded',
      name: 'Again',
      country: 'TH',
      defaultLocale: 'th',
      timezone: 'Asia/Bangkok',
    });

    const error = await attempt.catch((caught: unknown) => caught);
    expect(isUniqueViolation(error, 'brands_slug_unique')).toBe(true);
  });

  test('when a channel is upserted twice, then the second call updates its credentials', async () => {
    const repository = createBrandsRepository({ db: database.db, generateId });
    const base = {
      brandId: 'brd_seeded',
      lineChannelId: '1650000000',
      name: 'TH channel',
      channelSecret: 'first-secret',
      channelAccessToken: 'first-token',
      managedByEnv: true,
    };

    const first = await repository.upsertChannel(base);
    const second = await repository.upsertChannel({ ...base, channelSecret: 'second-secret' });

    expect(second.id).toBe(first.id);
    const rows = await database.db
      .select()
      .from(lineChannels)
      .where(eq(lineChannels.lineChannelId, '1650000000'));
    expect(rows.map((row) => row.channelSecret)).toEqual(['second-secret']);
  });

  test('when raw SQL is run, then rows come back the same shape on both drivers', async () => {
    const { sql } = await import('drizzle-orm');

    const rows = await queryRows<{ n: number; s: string }>(database.db, sql`select 1::int as n, '統一' as s`);

    expect(rows).toEqual([{ n: 1, s: '統一' }]);
  });
});

describe('many rows inserted through one JSON parameter (core/db/json-rows)', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({
      brands: [
        { id: 'brd_j', slug: 'j', name: 'J', country: 'TW', defaultLocale: 'zh-TW', timezone: 'Asia/Taipei' },
      ],
      invoices: [
        {
          id: 'inv_j',
          brandId: 'brd_j',
          kind: 'einvoice',
          invoiceNumber: 'AB12345678',
          invoiceDate: '2024-11-05',
          currency: 'TWD',
          totalAmountMinor: 10_500,
          source: 'text',
        },
      ],
    });
  });
  afterAll(async () => {
    await database.close();
  });

  test('when rows are inserted, then they read back as the drizzle insert would have stored them', async () => {
    const item = (lineNo: number, name: string) => ({
      id: `itm_j${lineNo}`,
      brandId: 'brd_j',
      invoiceId: 'inv_j',
      lineNo,
      name,
      normalizedName: name,
      quantity: '1.5',
      unitPriceMinor: 3_500,
      amountMinor: 5_250,
    });

    const inserted = await insertJsonRows<typeof invoiceItems, { id: string }>(
      database.db,
      invoiceItems,
      [item(1, '烏龍"茶\\'), item(2, 'ชาเขียว')],
      sql`on conflict do nothing returning id`,
    );
    const again = await insertJsonRows(
      database.db,
      invoiceItems,
      [item(1, 'x')],
      sql`on conflict do nothing returning id`,
    );

    expect(inserted.map((row) => row.id).sort()).toEqual(['itm_j1', 'itm_j2']);
    expect(again).toEqual([]);
    const rows = await database.db.select().from(invoiceItems).where(eq(invoiceItems.invoiceId, 'inv_j'));
    expect(rows.sort((a, b) => a.lineNo - b.lineNo)).toEqual([
      { ...item(1, '烏龍"茶\\'), quantity: '1.500' },
      { ...item(2, 'ชาเขียว'), quantity: '1.500' },
    ]);
  });

  test('when a column with a default is given by some rows only, then the rows go through drizzle', () => {
    const row = {
      id: 'pts_j',
      brandId: 'brd_j',
      memberId: 'mbr_j',
      kind: 'earn' as const,
      points: 1,
      actor: 'system',
      idempotencyKey: 'k',
    };

    expect(jsonRowsSource(pointsLedger, [row, { ...row, id: 'pts_j2', idempotencyKey: 'k2' }])).toBeDefined();
    expect(
      jsonRowsSource(pointsLedger, [
        { ...row, createdAt: new Date() },
        { ...row, id: 'pts_j2', idempotencyKey: 'k2' },
      ]),
    ).toBeUndefined();
  });
});

describe('the embedded database (PGlite)', () => {
  test('when it is opened, then it runs with a 16 MB buffer pool (PGlite touches all of it at start)', async () => {
    const database = await createDatabase({ pgliteDataDir: 'memory://' });
    try {
      const [row] = await queryRows<{ shared_buffers: string }>(database.db, sql`show shared_buffers`);

      expect(row?.shared_buffers).toBe('16MB');
    } finally {
      await database.close();
    }
  });

  test('when a data directory writes past its WAL segments, then a new segment is not first filled with zeros and every write is there when it is opened again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pglite-wal-'));
    try {
      const first = await createDatabase({ pgliteDataDir: dir });
      let setting: string | undefined;
      try {
        const [row] = await queryRows<{ wal_init_zero: string }>(first.db, sql`show wal_init_zero`);
        setting = row?.wal_init_zero;
        await first.db.execute(sql`create table kept (n integer primary key)`);
        // Each switch starts a new segment: the writes cross three of them.
        for (const n of [1, 2, 3]) {
          await first.db.execute(sql`insert into kept values (${n})`);
          await first.db.execute(sql`select pg_switch_wal()`);
        }
        await first.db.execute(sql`insert into kept values (4)`);
      } finally {
        await first.close();
      }
      const again = await createDatabase({ pgliteDataDir: dir });
      try {
        const rows = await queryRows<{ n: number }>(again.db, sql`select n from kept order by n`);

        expect(setting).toBe('off');
        expect(rows.map(({ n }) => n)).toEqual([1, 2, 3, 4]);
      } finally {
        await again.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
