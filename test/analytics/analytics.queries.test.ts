import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import type { Services } from '../../core/app/build-services.js';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { eq } from 'drizzle-orm';
import { analyticsLineItems, analyticsProductMappings } from '../../core/analytics/index.js';
import { foldPendingFacts } from '../../core/fact-outbox/index.js';
import { createTestDatabase } from '../support/database.js';
import { analyticsSeed, BRAND, CAMPAIGN } from './fixture.js';
import { HANG_GUARD_MS } from '../support/timing.js';

let services: TestServices;
let app: Express;
const as = (brand = 'an') => ({ 'x-proofline-reviewer': 'marketer-1', 'x-proofline-brand': brand });
const get = async (path: string, brand?: string) => {
  const response = await request(app).get(path).set(as(brand));
  expect(response.status).toBe(200);
  return response.body;
};

beforeAll(async () => {
  services = await buildTestServices({ seed: analyticsSeed(), now: '2024-12-01T00:00:00Z' });
  app = createApp(services as Services, buildAppModules(services as Services));
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('GET /api/console/analytics/baskets', () => {
  test('when all baskets are asked for, then count, support, confidence and lift are the hand-computed ones', async () => {
    const body = await get(`/api/console/analytics/baskets?campaign=${CAMPAIGN}&minCount=1`);
    expect(body.baskets).toBe(5);
    // Baskets with: tea 3, 洋芋片 4, 飯糰 2, milk-tea 1 (of 5).
    expect(body.pairs.map((p: { a: string; b: string; count: number }) => [p.a, p.b, p.count])).toEqual([
      ['tea', '洋芋片', 2],
      ['milk-tea', '洋芋片', 1],
      ['tea', '飯糰', 1],
    ]);
    const [teaChips, milkChips, teaRice] = body.pairs;
    expect(teaChips.support).toBeCloseTo(2 / 5, 10);
    expect(teaChips.confidence).toBeCloseTo(2 / 3, 10);
    expect(teaChips.lift).toBeCloseTo(2 / 3 / (4 / 5), 10); // 0.8333
    expect(milkChips.support).toBeCloseTo(1 / 5, 10);
    expect(milkChips.confidence).toBeCloseTo(1, 10);
    expect(milkChips.lift).toBeCloseTo(1 / (4 / 5), 10); // 1.25
    expect(teaRice.confidence).toBeCloseTo(1 / 3, 10);
    expect(teaRice.lift).toBeCloseTo(1 / 3 / (2 / 5), 10);
    // Average basket (100+80+60+50+40)/5; 10 lines/5; own products 30+30+20+25 of 100+80+60+40.
    expect(body.summary).toEqual({
      averageAmountMinor: 66,
      averageItems: 2,
      withOwnProducts: 4,
      shareOfBasket: 105 / 280,
    });
  });

  test('when a minimum count and a date range are given, then only those pairs and baskets count', async () => {
    const min = await get('/api/console/analytics/baskets?minCount=2');
    expect(min.pairs.map((p: { a: string; b: string }) => `${p.a}>${p.b}`)).toEqual(['tea>洋芋片']);
    const later = await get('/api/console/analytics/baskets?from=2024-11-05&to=2024-11-06&minCount=1');
    expect(later.baskets).toBe(3);
    // s3 (tea, 飯糰), s4 (洋芋片, 飯糰), s5 (milk-tea, 洋芋片): tea→飯糰 lift = 1 / (2/3) = 1.5.
    const teaRice = later.pairs.find((p: { a: string; b: string }) => p.a === 'tea' && p.b === '飯糰');
    expect(teaRice).toMatchObject({ count: 1, support: 1 / 3, confidence: 1 });
    expect(teaRice.lift).toBeCloseTo(1.5, 10);
  });

  test('when another brand asks, then it sees none of these baskets', async () => {
    expect((await get('/api/console/analytics/baskets', 'other')).baskets).toBe(0);
  });

  test('when a filter is malformed, then 400 names the field', async () => {
    const response = await request(app).get('/api/console/analytics/baskets?from=2024-13').set(as());
    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('from');
    const reversed = await request(app)
      .get('/api/console/analytics/stores?from=2024-11-09&to=2024-11-01')
      .set(as());
    expect(reversed.status).toBe(400);
    const minCount = await request(app).get('/api/console/analytics/baskets?minCount=0').set(as());
    expect(minCount.status).toBe(400);
    expect(minCount.body.error.message).toContain('minCount');
  });
});

describe('GET /api/console/analytics/stores and /regions', () => {
  test('when stores are ranked, then proofs, members and amounts are per seller', async () => {
    const body = await get('/api/console/analytics/stores?sort=amount');
    expect(
      body.stores.map((s: { storeKey: string; proofs: number; members: number; amountMinor: number }) => [
        s.storeKey,
        s.proofs,
        s.members,
        s.amountMinor,
      ]),
    ).toEqual([
      ['24549210|', 2, 2, 180],
      ['12345675|', 2, 2, 110],
      ['name:=hyperlink("http://evil")|', 1, 1, 40],
    ]);
    expect(body.stores[0]).toMatchObject({ name: '全家 松江店', regionCode: 'TW-TPE', sellerId: '24549210' });
  });

  test('when regions are ranked, then Taipei and New Taipei lead and the unrecognised address is its own row', async () => {
    const body = await get('/api/console/analytics/regions?sort=amount');
    expect(
      body.regions.map((r: { code: string | null; proofs: number; amountMinor: number }) => [
        r.code,
        r.proofs,
        r.amountMinor,
      ]),
    ).toEqual([
      ['TW-TPE', 2, 180],
      ['TW-NWT', 2, 110],
      [null, 1, 40],
    ]);
    expect(body.regions[0].names.en).toBe('Taipei City');
  });
});

describe('GET /api/console/analytics/heatmap', () => {
  test('when asked, then purchases fall in their local weekday × hour cells and days carry the events', async () => {
    const body = await get('/api/console/analytics/heatmap');
    const nonZero: [number, number, number][] = [];
    body.cells.forEach((hours: number[], weekday: number) =>
      hours.forEach((count, hour) => count && nonZero.push([weekday, hour, count])),
    );
    expect(nonZero).toEqual([
      [1, 10, 2],
      [2, 12, 2],
      [3, 20, 1],
    ]);
    expect(body.byDay).toEqual([
      { day: '2024-11-04', proofs: 2 },
      { day: '2024-11-05', proofs: 2 },
      { day: '2024-11-06', proofs: 1 },
    ]);
    expect(body.events).toEqual([
      { day: '2024-11-01', kind: 'campaign_start', campaignId: CAMPAIGN },
      { day: '2024-11-30', kind: 'campaign_end', campaignId: CAMPAIGN },
    ]);
  });
});

describe('GET /api/console/analytics/funnel', () => {
  test('when asked, then each step counts the hand-counted proofs', async () => {
    const body = await get(`/api/console/analytics/funnel?campaign=${CAMPAIGN}`);
    expect(body.steps).toEqual({
      received: 8,
      read: 7,
      verified: 6,
      accepted: 5,
      rejected: 2,
      rewarded: 2,
      acceptedMembers: 3,
      redeemedMembers: 1,
    });
    expect(body.rejectedByReason).toEqual([
      { reason: 'rules.item_groups', count: 1 },
      { reason: 'verification.not_uploaded', count: 1 },
    ]);
    expect(body.byDay).toEqual([
      { day: '2024-11-04', received: 2, accepted: 2, rejected: 0 },
      { day: '2024-11-12', received: 2, accepted: 2, rejected: 0 },
      { day: '2024-11-20', received: 4, accepted: 1, rejected: 2 },
    ]);
  });
});

describe('GET /api/console/analytics/cohorts', () => {
  test('when asked, then cohorts, new vs returning, repeat rate and points bands are the hand-computed ones', async () => {
    const body = await get('/api/console/analytics/cohorts');
    expect(body.cohorts).toEqual([
      { cohort: '2024-11-04', size: 2, retained: [2, 1, 1] },
      { cohort: '2024-11-11', size: 1, retained: [1] },
    ]);
    expect(body.weekly).toEqual([
      { week: '2024-11-04', new: 2, returning: 0 },
      { week: '2024-11-11', new: 1, returning: 1 },
      { week: '2024-11-18', new: 0, returning: 1 },
    ]);
    expect(body.repeat).toEqual({ members: 3, repeaters: 2, rate: 2 / 3 });
    expect(body.points).toEqual({
      cheapestRewardPoints: 100,
      bands: [
        { from: 1, below: 25, members: 0 },
        { from: 25, below: 50, members: 1 },
        { from: 50, below: 75, members: 0 },
        { from: 75, below: 100, members: 1 },
        { from: 100, below: null, members: 1 },
      ],
      closeToReward: 1,
    });
  });

  test("when a range is asked, then cohorts are by each member's first-ever proof: earlier buyers are returning, not new", async () => {
    // Accepted proofs received: m1 11-04 and 11-12, m2 11-04 and 11-20, m3 11-12 (weeks of 11-04, 11-11, 11-18).
    const body = await get('/api/console/analytics/cohorts?from=2024-11-11&to=2024-11-30');
    // Only m3's first proof is in the range; m1 and m2 first sent one on 11-04.
    expect(body.cohorts).toEqual([{ cohort: '2024-11-11', size: 1, retained: [1] }]);
    expect(body.weekly).toEqual([
      { week: '2024-11-11', new: 1, returning: 1 },
      { week: '2024-11-18', new: 0, returning: 1 },
    ]);
    // m1 and m2 bought again in the range (their first proofs are before it); m3 bought once.
    expect(body.repeat).toEqual({ members: 3, repeaters: 2, rate: 2 / 3 });
    const day = await get(
      `/api/console/analytics/cohorts?campaign=${CAMPAIGN}&from=2024-11-12&to=2024-11-12`,
    );
    expect(day.cohorts).toEqual([{ cohort: '2024-11-11', size: 1, retained: [1] }]);
    expect(day.weekly).toEqual([{ week: '2024-11-11', new: 1, returning: 1 }]);
    expect(day.repeat).toEqual({ members: 2, repeaters: 1, rate: 1 / 2 });
    // A range covering the whole history answers as the undated question does.
    const all = await get('/api/console/analytics/cohorts');
    const covering = await get('/api/console/analytics/cohorts?from=2024-01-01&to=2024-12-31');
    expect(covering).toEqual(all);
  });
});

describe('product mapping', () => {
  test('when a frequent unmapped name is mapped with one call, then it leaves the list and joins the baskets as a product', async () => {
    const before = await get('/api/console/analytics/unmapped-names');
    expect(before.names.map((n: { itemName: string; baskets: number }) => [n.itemName, n.baskets])).toEqual([
      ['洋芋片', 4],
      ['飯糰', 2],
    ]);
    const missing = await request(app)
      .post('/api/console/analytics/mappings')
      .set(as())
      .send({ itemName: '洋芋片', productKey: 'chips' });
    expect(missing.status).toBe(404);
    const created = await request(app)
      .post('/api/console/analytics/products')
      .set(as())
      .send({ key: 'chips', name: 'Chips' });
    expect(created.status).toBe(201);
    const mapped = await request(app)
      .post('/api/console/analytics/mappings')
      .set(as())
      .send({ itemName: ' 洋芋片 ', productKey: 'chips' });
    expect(mapped.status).toBe(200);
    expect(mapped.body).toEqual({ normalizedName: '洋芋片', productKey: 'chips', lineItems: 4 });

    const after = await get('/api/console/analytics/unmapped-names');
    expect(after.names.map((n: { itemName: string }) => n.itemName)).toEqual(['飯糰']);
    const baskets = await get('/api/console/analytics/baskets?minCount=2');
    expect(baskets.pairs.map((p: { a: string; b: string; count: number }) => [p.a, p.b, p.count])).toEqual([
      ['chips', 'tea', 2],
      ['tea', 'chips', 2],
    ]);
    const products = await get('/api/console/analytics/products');
    expect(products.products).toContainEqual({ key: 'chips', name: 'Chips', names: ['洋芋片'] });

    const unmapped = await request(app)
      .delete('/api/console/analytics/mappings')
      .set(as())
      .send({ itemName: '洋芋片' });
    expect(unmapped.body).toEqual({ normalizedName: '洋芋片', lineItems: 4 });
  });
});

describe('ANALYTICS_DATABASE_URL (a read replica)', () => {
  test('when the services have an analytics database, then every analysis reads it and the mapping writes the main one', async () => {
    // The "replica" lags one purchase behind: s5 is not there yet.
    const replica = await createTestDatabase(analyticsSeed());
    try {
      await replica.db.delete(analyticsLineItems).where(eq(analyticsLineItems.submissionId, 's5'));
      // A replica copies its primary's rollups, which the primary folds (0057): this one's primary folded.
      await foldPendingFacts(replica.db, { maxChunks: Number.POSITIVE_INFINITY });
      const routed = createApp(
        { ...services, analyticsDatabase: replica } as Services,
        buildAppModules({ ...services, analyticsDatabase: replica } as Services),
      );
      const read = async (path: string) => {
        const response = await request(routed).get(path).set(as());
        expect(response.status).toBe(200);
        return response.body;
      };
      const main = await get('/api/console/analytics/baskets?minCount=1');
      expect(main.baskets).toBe(5);
      expect((await read('/api/console/analytics/baskets?minCount=1')).baskets).toBe(4);
      const sum = (rows: { proofs: number }[]) => rows.reduce((total, row) => total + row.proofs, 0);
      expect(sum((await read('/api/console/analytics/stores')).stores)).toBe(4);
      expect(sum((await read('/api/console/analytics/regions')).regions)).toBe(4);
      const cells = (await read('/api/console/analytics/heatmap')).cells as number[][];
      expect(cells.flat().reduce((total, value) => total + value, 0)).toBe(4);
      // s5 was the only purchase at the store without an address: the replica has no unrecognised region.
      expect(
        (await read('/api/console/analytics/regions')).regions.map((r: { code: unknown }) => r.code),
      ).toEqual(['TW-TPE', 'TW-NWT']);

      // A mapping made through the routed app lands in the main database, not the replica.
      const mapped = await request(routed)
        .post('/api/console/analytics/mappings')
        .set(as())
        .send({ itemName: '飯糰', productKey: 'tea' });
      expect(mapped.status).toBe(200);
      const mappingIn = async (db: typeof replica.db) =>
        (
          await db
            .select({ name: analyticsProductMappings.normalizedName })
            .from(analyticsProductMappings)
            .where(eq(analyticsProductMappings.brandId, BRAND))
        ).map((row) => row.name);
      expect(await mappingIn(services.database.db)).toContain('飯糰');
      expect(await mappingIn(replica.db)).not.toContain('飯糰');
      await request(app).delete('/api/console/analytics/mappings').set(as()).send({ itemName: '飯糰' });
    } finally {
      await replica.close();
    }
  });
});
