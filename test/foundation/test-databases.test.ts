import { afterAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { brands } from '../../core/db/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * Every suite trusts that its test database is its own. On PGlite the databases of a run are made from one
 * migrated template whose files each instance sees as views into its own copy (TemplateMemoryFS, review F2
 * of 2026-12-07): were the copy dropped for speed, one file's writes would reach the next database opened.
 */
describe('test databases made from the run’s template', () => {
  const opened: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of opened) await database.close();
  });
  const open = async () => {
    const database = await createTestDatabase();
    opened.push(database);
    return database;
  };
  const brandCount = async (database: TestDatabase) =>
    (await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from brands`))[0]!.n;
  // The catalog's files hold rows in the template, so a new table's row is written into a page that exists:
  // where a shared copy would show it (an empty table's file is allocated anew on its first write).
  const probeTables = async (database: TestDatabase) =>
    (
      await queryRows<{ n: number }>(
        database.db,
        sql`select count(*)::int as n from pg_class where relname = 'isolation_probe'`,
      )
    )[0]!.n;

  test('when one writes and checkpoints, then a database opened before and one opened after see none of it', async () => {
    const first = await open();
    const before = await open();

    await first.db.insert(brands).values(
      Array.from({ length: 200 }, (_, i) => ({
        id: `brd_isolated_${i}`,
        slug: `isolated-${i}`,
        name: `Isolated ${i}`,
        country: 'TW' as const,
        defaultLocale: 'zh-TW' as const,
        timezone: 'Asia/Taipei',
      })),
    );
    await first.db.execute(sql`create table isolation_probe (id int)`);
    await first.db.execute(sql`checkpoint`);
    const after = await open();

    expect(await brandCount(first)).toBe(200);
    expect(await brandCount(before)).toBe(0);
    expect(await brandCount(after)).toBe(0);
    expect(await probeTables(first)).toBe(1);
    expect(await probeTables(before)).toBe(0);
    expect(await probeTables(after)).toBe(0);
  });
});
