import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { analyzeBaskets, purchaseHeatmap, rankRegions } from '../../core/analytics/index.js';
import { PLANTED, seedSyntheticHistory } from '../../core/analytics/synthetic.usecases.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';

let database: TestDatabase;
const BRAND = 'brd_syn';

beforeAll(async () => {
  database = await createTestDatabase({
    brands: [
      { id: BRAND, slug: 'syn', name: 'syn', country: 'TW', defaultLocale: 'zh-TW', timezone: 'Asia/Taipei' },
    ],
  });
}, HANG_GUARD_MS);
afterAll(async () => {
  await database?.close();
});

describe('seed-synthetic', () => {
  test('when a history is generated, then the basket analysis finds the planted associations', async () => {
    const generateId = createSequentialIdGenerator();
    const first = await seedSyntheticHistory({
      db: database.db,
      generateId,
      brandId: BRAND,
      invoices: 800,
      seed: 's1',
    });
    expect(first.invoices).toBe(800);
    expect(first.lineItems).toBeGreaterThan(1_600);
    // The same seed again adds nothing.
    const again = await seedSyntheticHistory({
      db: database.db,
      generateId,
      brandId: BRAND,
      invoices: 800,
      seed: 's1',
    });
    expect(again.lineItems).toBe(0);

    const answer = await analyzeBaskets(database.db, { brandId: BRAND }, { minCount: 20, limit: 100 });
    expect(answer.baskets).toBe(800);
    for (const [own, planted] of PLANTED.TW) {
      const pairsOfA = answer.pairs.filter((p) => p.a === own).sort((x, y) => y.lift - x.lift);
      // The planted partner is the strongest association of its product, well above independence.
      expect(pairsOfA[0]?.b).toBe(planted);
      expect(pairsOfA[0]!.lift).toBeGreaterThan(2);
    }
    const regions = await rankRegions(database.db, { brandId: BRAND });
    expect(regions.regions.filter((r) => r.code).length).toBeGreaterThanOrEqual(8);
    const heatmap = await purchaseHeatmap(database.db, { brandId: BRAND });
    const byHour = Array.from({ length: 24 }, (_, h) => heatmap.cells.reduce((sum, day) => sum + day[h]!, 0));
    expect(byHour[12]!).toBeGreaterThan(byHour[3]! * 5);
  });
});
