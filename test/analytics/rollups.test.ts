import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq, inArray, sql } from 'drizzle-orm';
import {
  analyticsDaily,
  analyticsLineItems,
  analyticsPairDays,
  analyticsPlaceMembers,
  analyticsPlaceTotals,
  analyticsProductDays,
  analyticsStoreDays,
  analyzeBaskets,
  analyzeBasketsFromLineItems,
  buildLineItemRows,
  detachMemberFromLineItems,
  mapItemName,
  purchaseHeatmap,
  purchaseHeatmapFromLineItems,
  rankRegions,
  rankRegionsFromLineItems,
  rankStores,
  rankStoresFromLineItems,
  rebuildAnalyticsRollups,
  saveProduct,
  unmapItemName,
  type AnalyticsFilter,
  type LineItemInput,
  type LineItemRow,
} from '../../core/analytics/index.js';
import { randomSource } from '../../core/analytics/synthetic.usecases.js';
import { queryRows } from '../../core/db/database.js';
import { foldPendingFacts } from '../../core/fact-outbox/index.js';
import { brands } from '../../core/db/schema.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { writesWhileHeld } from '../support/lock-waits.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const BRAND = 'brd_roll';
const OTHER = 'brd_roll_other';
const CAMPAIGNS = ['cmp_r1', 'cmp_r2'];
const NAMES = ['綠茶', '奶茶', '洋芋片', '飯糰', '茶葉蛋', '鮮奶', '口香糖', '菠蘿麵包'];
const SELLERS = [
  { id: '24549210', address: '臺北市中山區松江路100號' },
  { id: '12345675', address: '新北市板橋區文化路一段1號' },
  { id: '22555003', address: '高雄市前金區中正四路211號' },
  { id: null, address: null },
];

let database: TestDatabase;
/** The same history on every run and on both databases. */
const rand = randomSource('rollups');
let proofs = 0;

/** Random proofs: 1–4 distinct items each, some without a time, member or recognised address. */
function randomProofs(count: number, brandId = BRAND): LineItemRow[] {
  const rows: LineItemRow[] = [];
  for (let i = 0; i < count; i++) {
    proofs += 1;
    const seller = SELLERS[rand.int(SELLERS.length)]!;
    const names = [...NAMES].sort(() => rand.next() - 0.5).slice(0, 1 + rand.int(4));
    const items: LineItemInput[] = names.map((name) => {
      const price = 10 + rand.int(90);
      return { name, quantity: 1, unitPriceMinor: price, amountMinor: price };
    });
    const day = 1 + rand.int(20);
    rows.push(
      ...buildLineItemRows({
        header: {
          submissionId: `sub_r${proofs}`,
          brandId,
          campaignId: CAMPAIGNS[rand.int(CAMPAIGNS.length)]!,
          memberId: rand.next() < 0.1 ? null : `mbr_${rand.int(25)}`,
          invoiceId: null,
          purchaseDate: `2024-11-${String(day).padStart(2, '0')}`,
          purchaseTime: rand.next() < 0.15 ? null : `${String(rand.int(24)).padStart(2, '0')}:10:00`,
          sellerId: seller.id,
          sellerName: seller.id ? null : 'corner shop',
          branch: null,
          sellerAddress: seller.address,
          currency: 'TWD',
          totalAmountMinor: items.reduce((sum, item) => sum + item.amountMinor, 0) + rand.int(50),
        },
        items,
        itemGroups: [],
        productOf: (name) => (name === '綠茶' ? 'tea' : name === '奶茶' ? 'milk-tea' : null),
      }).rows,
    );
  }
  return rows;
}

const FILTERS: AnalyticsFilter[] = [
  { brandId: BRAND },
  { brandId: BRAND, campaignId: 'cmp_r1' },
  { brandId: BRAND, from: '2024-11-05', to: '2024-11-12' },
  { brandId: BRAND, campaignId: 'cmp_r2', from: '2024-11-10' },
  { brandId: OTHER },
];

/** Every analysis, from the rollups and from the line items, for every filter: they must be equal. */
async function expectRollupsEqualLineItems() {
  const db = database.db;
  for (const filter of FILTERS) {
    for (const minCount of [1, 3])
      expect(await analyzeBaskets(db, filter, { minCount, limit: 500 })).toEqual(
        await analyzeBasketsFromLineItems(db, filter, { minCount, limit: 500 }),
      );
    for (const sort of ['proofs', 'members', 'amount'] as const) {
      expect(await rankStores(db, filter, { sort })).toEqual(
        await rankStoresFromLineItems(db, filter, { sort }),
      );
      expect(await rankRegions(db, filter, { sort })).toEqual(
        await rankRegionsFromLineItems(db, filter, { sort }),
      );
    }
    expect(await purchaseHeatmap(db, filter)).toEqual(await purchaseHeatmapFromLineItems(db, filter));
  }
}

/** The rollup rows as they are, to compare the incrementally kept ones with a rebuild from scratch. */
async function rollupRows({ fold = true }: { fold?: boolean } = {}) {
  const db = database.db;
  // As the readers see them: the outbox folded first (migration 0057).
  if (fold) await foldPendingFacts(db);
  const order = sql`1, 2, 3, 4, 5, 6`;
  return {
    daily: await db.select().from(analyticsDaily).orderBy(order),
    stores: await db.select().from(analyticsStoreDays).orderBy(order),
    products: await db.select().from(analyticsProductDays).orderBy(order),
    pairs: await db.select().from(analyticsPairDays).orderBy(order),
    placeMembers: await db.select().from(analyticsPlaceMembers).orderBy(order),
    placeTotals: await db.select().from(analyticsPlaceTotals).orderBy(order),
  };
}

beforeAll(async () => {
  database = await createTestDatabase({
    brands: [BRAND, OTHER].map((id) => ({
      id,
      slug: id,
      name: id,
      country: 'TW' as const,
      defaultLocale: 'zh-TW' as const,
      timezone: 'Asia/Taipei',
    })),
  });
  await saveProduct(database.db, { brandId: BRAND, key: 'tea', name: 'Tea' });
  await saveProduct(database.db, { brandId: BRAND, key: 'milk-tea', name: 'Milk tea' });
  await saveProduct(database.db, { brandId: BRAND, key: 'chips', name: 'Chips' });
}, 60_000);
afterAll(async () => {
  await database?.close();
});

describe('analytics rollups', () => {
  test('when proofs are written one by one and in bulk, then every analysis from the rollups equals the one from the line items', async () => {
    // One statement per proof (the decision), then a bulk statement (the synthetic seed), another brand too.
    for (let i = 0; i < 40; i++) await database.db.insert(analyticsLineItems).values(randomProofs(1));
    await database.db.insert(analyticsLineItems).values(randomProofs(200));
    await database.db.insert(analyticsLineItems).values(randomProofs(30, OTHER));
    await foldPendingFacts(database.db);
    const [row] = await queryRows<{ count: number }>(
      database.db,
      sql`select count(*)::int as count from analytics_daily where brand_id = ${BRAND}`,
    );
    expect(row?.count).toBeGreaterThan(0);
    expect(await queryRows(database.db, sql`select 1 from analytics_place_totals`)).not.toHaveLength(0);
    await expectRollupsEqualLineItems();
  }, 120_000);

  test('when proofs are reversed, items dropped, names mapped and members erased, then the rollups follow exactly', async () => {
    const db = database.db;
    // Reversals: a proof leaves the accepted states (all its rows go), one by one and many at once.
    for (let i = 1; i <= 15; i++)
      await db.delete(analyticsLineItems).where(eq(analyticsLineItems.submissionId, `sub_r${i * 3}`));
    await db.delete(analyticsLineItems).where(
      inArray(
        analyticsLineItems.submissionId,
        Array.from({ length: 40 }, (_, i) => `sub_r${100 + i}`),
      ),
    );
    await expectRollupsEqualLineItems();

    // A reviewer's correction: one line of a proof goes, the proof stays.
    await db
      .delete(analyticsLineItems)
      .where(
        and(
          eq(analyticsLineItems.lineNo, 2),
          inArray(analyticsLineItems.submissionId, ['sub_r50', 'sub_r51', 'sub_r52']),
        ),
      );
    // A reversed proof accepted again.
    await db.insert(analyticsLineItems).values(randomProofs(5));
    // A printed name mapped to a product (its rows re-labelled), another unmapped.
    await mapItemName(db, { brandId: BRAND, itemName: '洋芋片', productKey: 'chips' });
    await unmapItemName(db, { brandId: BRAND, itemName: '奶茶' });
    // Erasure keeps the rows without the member.
    await db.transaction((tx) => detachMemberFromLineItems(tx, { brandId: BRAND, memberId: 'mbr_3' }));
    await expectRollupsEqualLineItems();

    // Kept incrementally == rebuilt from scratch (no rows left at zero either).
    const kept = await rollupRows();
    await rebuildAnalyticsRollups(db, { brandId: BRAND });
    expect(await rollupRows()).toEqual(kept);
    for (const rows of Object.values(kept))
      for (const row of rows as { proofs?: number; baskets?: number }[])
        expect(row.proofs ?? row.baskets).toBeGreaterThan(0);
  }, 120_000);

  test('when line items are written, then the rollups wait for the fold, and a rebuild before the fold counts each proof once', async () => {
    const db = database.db;
    const before = await rollupRows();
    await db.insert(analyticsLineItems).values(randomProofs(12));
    // The writing statement only stored what to fold (migration 0057): the rollups are as they were.
    expect(await rollupRows({ fold: false })).toEqual(before);
    await db.insert(analyticsLineItems).values(randomProofs(3));
    // Pending records are folded by the rebuild, not counted by it and then again by the readers' fold.
    await rebuildAnalyticsRollups(db, { brandId: BRAND });
    await expectRollupsEqualLineItems();
    const rebuilt = await rollupRows();
    await rebuildAnalyticsRollups(db, { brandId: BRAND });
    expect(await rollupRows()).toEqual(rebuilt);
  }, 120_000);

  test('when one statement updates some lines of many proofs and another deletes whole proofs and single lines, then the rollups follow exactly (old versions read from old_rows, migration 0060)', async () => {
    const db = database.db;
    await db.insert(analyticsLineItems).values(randomProofs(60));
    await foldPendingFacts(db);
    const ids = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => `sub_r${proofs - 60 + from + i}`);
    // One UPDATE: the first line of 30 proofs changes amount and product, their other lines stay.
    await db
      .update(analyticsLineItems)
      .set({ amountMinor: sql`${analyticsLineItems.amountMinor} + 7`, productKey: 'chips' })
      .where(and(eq(analyticsLineItems.lineNo, 1), inArray(analyticsLineItems.submissionId, ids(0, 30))));
    await expectRollupsEqualLineItems();
    const lineCount = async () => {
      const [row] = await queryRows<{ rows: number }>(
        db,
        sql`select count(*)::int as rows from analytics_line_items where brand_id = ${BRAND}`,
      );
      return row!.rows;
    };
    const before = await lineCount();
    // One DELETE: 20 whole proofs, and the second line of 20 others (some updated above).
    await db.delete(analyticsLineItems).where(
      sql`${inArray(analyticsLineItems.submissionId, ids(30, 20))}
            or (${analyticsLineItems.lineNo} = 2 and ${inArray(analyticsLineItems.submissionId, ids(20, 20))})`,
    );
    const deleted = before - (await lineCount());
    expect(deleted).toBeGreaterThan(20);
    // Each deleted row is one -1 record (its old version); the touched proofs' other rows cancel out (+1 -1).
    const [pending] = await queryRows<{ minus: number; plus: number }>(
      db,
      sql`select count(*) filter (where sign = -1)::int as minus, count(*) filter (where sign = 1)::int as plus
            from fact_outbox_line_items`,
    );
    expect(pending!.minus - pending!.plus).toBe(deleted);
    await expectRollupsEqualLineItems();
    const folded = await rollupRows();
    await rebuildAnalyticsRollups(db, { brandId: BRAND });
    expect(await rollupRows()).toEqual(folded);
  }, 120_000);

  test('when every line item of the brand is gone, then the rollups hold nothing for it and the other brand is untouched', async () => {
    const db = database.db;
    const otherBefore = await analyzeBaskets(db, { brandId: OTHER }, { minCount: 1 });
    await db.delete(analyticsLineItems).where(eq(analyticsLineItems.brandId, BRAND));
    await foldPendingFacts(db);
    for (const table of [
      analyticsDaily,
      analyticsStoreDays,
      analyticsProductDays,
      analyticsPairDays,
      analyticsPlaceMembers,
      analyticsPlaceTotals,
    ])
      expect(await db.select().from(table).where(eq(table.brandId, BRAND))).toEqual([]);
    expect(await analyzeBaskets(db, { brandId: OTHER }, { minCount: 1 })).toEqual(otherBefore);
    expect(otherBefore.baskets).toBe(30);
    expect(await db.select().from(brands)).toHaveLength(2);
  }, 60_000);

  (process.env.TEST_DATABASE_URL ? test : test.skip)(
    'when one brand’s rollups are rebuilt in a transaction held open, then a line-item write of another brand commits meanwhile, one of the brand waits for it, and every proof is counted once',
    async () => {
      const db = database.db;
      await db.insert(analyticsLineItems).values(randomProofs(6));
      await db.insert(analyticsLineItems).values(randomProofs(6, OTHER));
      // Pending records of both brands when the rebuild starts: it folds them (migration 0059).
      await db.insert(analyticsLineItems).values(randomProofs(2));
      await db.insert(analyticsLineItems).values(randomProofs(2, OTHER));
      const { waited, statuses } = await writesWhileHeld(
        db,
        (tx) => rebuildAnalyticsRollups(tx, { brandId: BRAND }),
        {
          other: (tx) => tx.insert(analyticsLineItems).values(randomProofs(3, OTHER)),
          same: (tx) => tx.insert(analyticsLineItems).values(randomProofs(3)),
        },
      );
      expect(waited).toEqual({ other: false, same: true });
      expect(statuses).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
      await foldPendingFacts(db);
      await expectRollupsEqualLineItems();
      const kept = await rollupRows();
      await rebuildAnalyticsRollups(db);
      expect(await rollupRows()).toEqual(kept);
    },
    HANG_GUARD_MS,
  );
});
