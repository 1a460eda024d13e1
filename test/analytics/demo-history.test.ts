import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { proofFunnel, memberCohorts, rankRegions, analyzeBaskets } from '../../core/analytics/index.js';
import { and, eq } from 'drizzle-orm';
import {
  DEMO_REDEEMING_MEMBERS,
  seedDemoAnalytics,
  seedDemoRedemptions,
} from '../../core/demo/seed-demo-analytics.js';
import { campaigns } from '../../core/campaigns/index.js';
import { redemptions } from '../../core/rewards/index.js';
import { seedDemoRewards } from '../../core/demo/seed-demo-rewards.js';
import { seedDemoSegments } from '../../core/demo/seed-demo-segments.js';
import { countSegment, deleteSegment, listSegments } from '../../core/segments/index.js';
import { seedDemo, type DemoSeed } from '../../core/demo/seed-demo.js';
import { seedThaiDemo } from '../../core/demo/seed-demo-thai.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

let services: TestServices;
let tw: DemoSeed;
let th: DemoSeed;

beforeAll(async () => {
  services = await buildTestServices({ now: '2026-03-01T04:00:00Z' });
  tw = await seedDemo(services);
  await seedDemoRewards(services, tw);
  th = await seedThaiDemo(services);
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('the local demo’s purchase history', () => {
  test('when both demo brands are seeded, then each has its own history with rejections, rewards and points', async () => {
    const first = await seedDemoAnalytics(services, tw.brand, { invoices: 400 });
    const thai = await seedDemoAnalytics(services, th.brand, { invoices: 200 });
    expect(first).toMatchObject({ created: true, invoices: 400 });
    expect(first.lineItems).toBeGreaterThan(800);
    // The Thai history is not swallowed by the Taiwan one (the generator's ids derive from its seed).
    expect(thai.lineItems).toBeGreaterThan(400);

    const db = services.database.db;
    const funnel = await proofFunnel(db, { brandId: tw.brand.id });
    expect(funnel.steps.rejected).toBeGreaterThan(0);
    expect(funnel.steps.read).toBeLessThan(funnel.steps.received);
    expect(funnel.steps.rewarded).toBeGreaterThan(funnel.steps.accepted / 2);
    expect(funnel.rejectedByReason.length).toBeGreaterThan(1);
    // Some members redeemed, through the real redemption (the Thai brand here has no rewards: none).
    expect(first.redemptions).toBe(DEMO_REDEEMING_MEMBERS);
    expect(thai.redemptions).toBe(0);
    expect(funnel.steps.redeemedMembers).toBe(DEMO_REDEEMING_MEMBERS);
    expect(funnel.steps.redeemedMembers).toBeLessThan(funnel.steps.acceptedMembers);
    const cohorts = await memberCohorts(db, { brandId: tw.brand.id });
    expect(cohorts.points.bands.some((band) => band.members > 0)).toBe(true);
    expect(cohorts.points.cheapestRewardPoints).not.toBeNull();
    const baskets = await analyzeBaskets(db, { brandId: tw.brand.id }, { minCount: 1 });
    // The planted associations are the two strongest pairs.
    expect(
      baskets.pairs
        .slice(0, 2)
        .map((pair) => `${pair.a}+${pair.b}`)
        .sort(),
    ).toEqual(['green-tea+洋芋片', 'milk-tea+菠蘿麵包']);

    const regions = await rankRegions(db, { brandId: th.brand.id });
    expect(regions.regions.every((region) => region.country === 'TH')).toBe(true);
    // Last 90 days of the clock: nothing after today.
    expect(funnel.byDay.at(-1)!.day <= '2026-03-01').toBe(true);
  });

  test('when the demo starts again, then nothing is added', async () => {
    const db = services.database.db;
    const redeemed = async () =>
      (await db.select().from(redemptions).where(eq(redemptions.brandId, tw.brand.id))).length;
    const before = await redeemed();
    expect(await seedDemoAnalytics(services, tw.brand)).toEqual({
      created: false,
      invoices: 0,
      lineItems: 0,
      redemptions: 0,
    });
    expect(await seedDemoAnalytics(services, th.brand)).toEqual({
      created: false,
      invoices: 0,
      lineItems: 0,
      redemptions: 0,
    });
    // Even the redemptions asked again (a start stopped after them) find the first ones: each once.
    const [history] = await db
      .select({ id: campaigns.id })
      .from(campaigns)
      .where(and(eq(campaigns.brandId, tw.brand.id), eq(campaigns.slug, 'synthetic-demo')));
    const again = { db, clock: services.clock, generateId: services.generateId };
    expect(await seedDemoRedemptions(again, { brandId: tw.brand.id, campaignId: history!.id })).toBe(0);
    expect(await redeemed()).toBe(before);
    expect(before).toBe(DEMO_REDEEMING_MEMBERS);
  });

  test('when the demo segments are seeded on the history, then they reach its buyers, and a deleted one does not come back', async () => {
    const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
    expect(await seedDemoSegments(services, tw.brand)).toEqual({ created: 3 });
    expect(await seedDemoSegments(services, th.brand)).toEqual({ created: 0 });

    const saved = await listSegments(deps, { brandId: tw.brand.id });
    expect(saved.map((segment) => segment.name).sort()).toEqual([
      '30 天沒有登錄發票',
      '近 30 天在台北門市消費',
      '近 30 天買過好茶',
    ]);
    const counts: Record<string, number> = {};
    for (const brand of [tw.brand, th.brand])
      for (const segment of await listSegments(deps, { brandId: brand.id }))
        counts[segment.name] = (await countSegment(deps, { brandId: brand.id, segmentId: segment.id })).count;
    expect(Object.values(counts)).toHaveLength(3);
    expect(Object.entries(counts).filter(([, count]) => count === 0)).toEqual([]);

    await deleteSegment(deps, { brandId: tw.brand.id, segmentId: saved[0]!.id });
    expect(await seedDemoSegments(services, tw.brand)).toEqual({ created: 0 });
    expect(await listSegments(deps, { brandId: tw.brand.id })).toHaveLength(2);
  });
});
