import { and, eq } from 'drizzle-orm';
import type { Services } from '../app/build-services.js';
import {
  addCouponCodes,
  createInstantPrize,
  createReward,
  instantPrizes,
  rewards,
} from '../rewards/index.js';
import type { DemoSeed } from './seed-demo.js';

/**
 * The demo brand's rewards, so the console's Rewards page has something on it: a catalog of three rewards
 * (one a coupon with codes), and two instant-win prizes on the demo campaign. The weekly draw comes from
 * the campaign's draw schedule (the draws job opens it). Idempotent: a brand that has rewards is left alone.
 */
export async function seedDemoRewards(
  { database, generateId }: Pick<Services, 'database' | 'generateId'>,
  demo: Pick<DemoSeed, 'brand' | 'campaign'>,
): Promise<{ created: boolean }> {
  const db = database.db;
  const brandId = demo.brand.id;
  const [existing] = await db
    .select({ id: rewards.id })
    .from(rewards)
    .where(eq(rewards.brandId, brandId))
    .limit(1);
  if (existing) return { created: false };
  await createReward({
    db,
    generateId,
    reward: {
      brandId,
      kind: 'item',
      name: { 'zh-TW': '好茶環保杯', en: 'Demo Tea tumbler', th: 'แก้วเก็บความเย็น' },
      description: { 'zh-TW': '不鏽鋼保溫杯 500ml', en: 'Stainless steel, 500 ml', th: 'สแตนเลส 500 มล.' },
      pointsPrice: 120,
      stock: 50,
      perMemberLimit: 1,
    },
  });
  await createReward({
    db,
    generateId,
    reward: {
      brandId,
      campaignId: demo.campaign.id,
      kind: 'item',
      name: { 'zh-TW': '限量帆布袋', en: 'Limited tote bag', th: 'กระเป๋าผ้ารุ่นพิเศษ' },
      pointsPrice: 60,
      stock: 8,
      perMemberLimit: 2,
    },
  });
  const coupon = await createReward({
    db,
    generateId,
    reward: {
      brandId,
      kind: 'coupon',
      name: { 'zh-TW': '飲品折價券 NT$30', en: 'NT$30 drink coupon', th: 'คูปองเครื่องดื่ม NT$30' },
      pointsPrice: 20,
    },
  });
  await addCouponCodes({
    db,
    generateId,
    brandId,
    rewardId: coupon.id,
    codes: Array.from({ length: 25 }, (_, index) => `DEMO-TEA-${String(index + 1).padStart(4, '0')}`),
  });
  const [prize] = await db
    .select({ id: instantPrizes.id })
    .from(instantPrizes)
    .where(and(eq(instantPrizes.brandId, brandId), eq(instantPrizes.campaignId, demo.campaign.id)))
    .limit(1);
  if (!prize) {
    await createInstantPrize({
      db,
      generateId,
      brandId,
      campaignId: demo.campaign.id,
      name: { 'zh-TW': '再來一瓶', en: 'Another bottle free', th: 'ฟรีอีกหนึ่งขวด' },
      oddsPpm: 100_000,
      stock: 200,
    });
    await createInstantPrize({
      db,
      generateId,
      brandId,
      campaignId: demo.campaign.id,
      name: { 'zh-TW': '7-11 禮券 NT$100', en: 'NT$100 7-Eleven voucher', th: 'บัตรกำนัล 7-Eleven NT$100' },
      oddsPpm: 5_000,
      stock: 20,
    });
  }
  return { created: true };
}
