import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq, sql } from 'drizzle-orm';
import { createBrandsRepository } from '../../core/brands/index.js';
import { createDatabase, isUniqueViolation, queryRows } from '../../core/db/database.js';
import { brands, lineChannels } from '../../core/db/schema.js';
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
});
