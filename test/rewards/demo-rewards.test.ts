import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import { DEMO_THAI_CATALOG, seedDemoRewards } from '../../core/demo/seed-demo-rewards.js';
import { seedThaiDemo } from '../../core/demo/seed-demo-thai.js';
import { seedDemo } from '../../core/demo/seed-demo.js';
import { couponCodes, instantPrizes, rewards } from '../../core/rewards/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';

describe('the demo rewards', () => {
  let services: TestServices;
  beforeAll(async () => {
    services = await buildTestServices();
  });
  afterAll(async () => {
    await services.database.close();
  });

  test('when the demo is seeded twice, then the brand has 3 rewards (one with codes) and 2 instant prizes, once', async () => {
    const demo = await seedDemo(services);
    const first = await seedDemoRewards(services, demo);
    const second = await seedDemoRewards(services, demo);

    expect([first.created, second.created]).toEqual([true, false]);
    const catalog = await services.database.db
      .select()
      .from(rewards)
      .where(eq(rewards.brandId, demo.brand.id));
    expect(catalog.map((reward) => reward.kind).sort()).toEqual(['coupon', 'item', 'item']);
    const coupon = catalog.find((reward) => reward.kind === 'coupon');
    const codes = await services.database.db
      .select()
      .from(couponCodes)
      .where(eq(couponCodes.rewardId, coupon?.id as string));
    expect(codes).toHaveLength(25);
    expect(coupon?.stockLeft).toBe(25);
    const prizes = await services.database.db
      .select()
      .from(instantPrizes)
      .where(eq(instantPrizes.brandId, demo.brand.id));
    expect(prizes).toHaveLength(2);
  });

  test('the Thai demo brand gets its own catalog in Thai and baht, with scratch-card prizes on its campaign', async () => {
    const thai = await seedThaiDemo(services);
    await seedDemoRewards(services, thai, DEMO_THAI_CATALOG);

    const catalog = await services.database.db
      .select()
      .from(rewards)
      .where(eq(rewards.brandId, thai.brand.id));
    expect(catalog.map((reward) => (reward.name as { th: string }).th).sort()).toEqual(
      ['คูปองส่วนลด ฿20', 'ร่มพับลายชาดี', 'แก้วน้ำชาดี'].sort(),
    );
    const prizes = await services.database.db
      .select()
      .from(instantPrizes)
      .where(eq(instantPrizes.campaignId, thai.campaign.id));
    expect(prizes.map((prize) => (prize.name as { th: string }).th)).toContain('ชาเย็นฟรี 1 แก้ว');
  });
});
