import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { REGION_CODES } from '../../core/regions/index.js';
import { regionSpellings } from '../../core/segments/index.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';

/**
 * `members.purchases` keeps the region codes a store's address names (migration 0050's
 * `purchase_region_codes`, a list of spellings written into the migration), and `bought … in <region>`
 * compares the code. The reference evaluation searches the address for the region's spellings
 * (`regionSpellings`): for every address below both must name the same regions, so the migration's list
 * stays the regions' data (a region or spelling added to core/regions needs a migration; this fails until).
 */
const ADDRESSES = [
  ...REGION_CODES.flatMap((code) => regionSpellings(code).map((name) => `${name}某路1號`)),
  '臺北市大安區1號',
  '台北市信義區2號',
  '新北市板橋區3號 (近台北市)',
  '10F, No. 7, Xinyi Rd, Taipei City',
  'No. 1, Banqiao, New Taipei City',
  'เขตบางรัก กรุงเทพมหานคร 10500',
  '高雄市前金區3號',
  'nowhere in particular',
  '',
];

/** The regions the reference reads in an address: every region one of whose spellings is in it. */
const referenceCodes = (address: string): string[] =>
  REGION_CODES.filter((code) => regionSpellings(code).some((name) => address.includes(name))).sort();

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
}, HANG_GUARD_MS);
afterAll(async () => {
  await database?.close();
});

describe('the region codes kept for a purchase (migration 0050)', () => {
  test(
    'name exactly the regions whose spellings are in the address',
    async () => {
      const rows = await queryRows<{ address: string; codes: string[] | null }>(
        database.db,
        sql`select a.address, purchase_region_codes(a.address) as codes
            from jsonb_array_elements_text(${JSON.stringify(ADDRESSES)}::jsonb) a(address)`,
      );
      expect(rows).toHaveLength(ADDRESSES.length);
      const mismatched = rows.filter(
        (row) => JSON.stringify(row.codes ?? []) !== JSON.stringify(referenceCodes(row.address)),
      );
      expect(mismatched).toEqual([]);
      // Every region is named by its own spellings (and an empty or unknown address by none).
      expect(new Set(rows.flatMap((row) => row.codes ?? []))).toEqual(new Set(REGION_CODES));
      const [none] = await queryRows<{ codes: string[] | null }>(
        database.db,
        sql`select purchase_region_codes(null) as codes`,
      );
      expect(none?.codes).toBeNull();
    },
    HANG_GUARD_MS,
  );
});
