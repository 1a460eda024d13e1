import { and, eq } from 'drizzle-orm';
import type { Services } from '../app/build-services.js';
import type { LocalizedText } from '../campaigns/index.js';
import {
  addCouponCodes,
  createInstantPrize,
  createReward,
  instantPrizes,
  rewards,
  type NewReward,
} from '../rewards/index.js';
import type { DemoSeed } from './seed-demo.js';

/** What a demo brand stocks: catalog rewards (a coupon with its codes) and the campaign's instant prizes. */
export type DemoCatalog = {
  rewards: (Omit<NewReward, 'brandId' | 'campaignId'> & { onCampaign?: boolean; couponCodes?: string[] })[];
  instantPrizes: { name: LocalizedText; oddsPpm: number; stock: number }[];
};

const codes = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, index) => `${prefix}-${String(index + 1).padStart(4, '0')}`);

/** Demo Tea (Taiwan, NT$). */
export const DEMO_TEA_CATALOG: DemoCatalog = {
  rewards: [
    {
      kind: 'item',
      name: { 'zh-TW': '好茶環保杯', en: 'Demo Tea tumbler', th: 'แก้วเก็บความเย็น' },
      description: { 'zh-TW': '不鏽鋼保溫杯 500ml', en: 'Stainless steel, 500 ml', th: 'สแตนเลส 500 มล.' },
      pointsPrice: 120,
      stock: 50,
      perMemberLimit: 1,
    },
    {
      kind: 'item',
      onCampaign: true,
      name: { 'zh-TW': '限量帆布袋', en: 'Limited tote bag', th: 'กระเป๋าผ้ารุ่นพิเศษ' },
      pointsPrice: 60,
      stock: 8,
      perMemberLimit: 2,
    },
    {
      kind: 'coupon',
      name: { 'zh-TW': '飲品折價券 NT$30', en: 'NT$30 drink coupon', th: 'คูปองเครื่องดื่ม NT$30' },
      pointsPrice: 20,
      couponCodes: codes('DEMO-TEA', 25),
    },
  ],
  instantPrizes: [
    {
      name: { 'zh-TW': '再來一瓶', en: 'Another bottle free', th: 'ฟรีอีกหนึ่งขวด' },
      oddsPpm: 100_000,
      stock: 200,
    },
    {
      name: { 'zh-TW': '7-11 禮券 NT$100', en: 'NT$100 7-Eleven voucher', th: 'บัตรกำนัล 7-Eleven NT$100' },
      oddsPpm: 5_000,
      stock: 20,
    },
  ],
};

/** Demo Thai Tea (Thailand, ฿): a catalog a Thai member would expect, in Thai first. */
export const DEMO_THAI_CATALOG: DemoCatalog = {
  rewards: [
    {
      kind: 'item',
      name: { th: 'แก้วน้ำชาดี', en: 'Demo Thai Tea glass', 'zh-TW': '泰式茶玻璃杯' },
      description: { th: 'แก้วใส 450 มล.', en: 'Clear glass, 450 ml', 'zh-TW': '透明玻璃杯 450ml' },
      pointsPrice: 50,
      stock: 40,
      perMemberLimit: 1,
    },
    {
      kind: 'item',
      onCampaign: true,
      name: { th: 'ร่มพับลายชาดี', en: 'Folding umbrella', 'zh-TW': '折疊傘' },
      pointsPrice: 90,
      stock: 10,
      perMemberLimit: 1,
    },
    {
      kind: 'coupon',
      name: { th: 'คูปองส่วนลด ฿20', en: '฿20 discount coupon', 'zh-TW': '฿20 折價券' },
      pointsPrice: 5,
      couponCodes: codes('DEMO-TH', 25),
    },
  ],
  instantPrizes: [
    {
      name: { th: 'ชาเย็นฟรี 1 แก้ว', en: 'A free iced tea', 'zh-TW': '免費泰式冰茶一杯' },
      oddsPpm: 150_000,
      stock: 200,
    },
    {
      name: { th: 'บัตรกำนัล 7-Eleven ฿100', en: '฿100 7-Eleven voucher', 'zh-TW': '7-11 禮券 ฿100' },
      oddsPpm: 5_000,
      stock: 20,
    },
  ],
};

/**
 * A demo brand's rewards, so the console's Rewards page, the LIFF "Rewards" page and the scratch card have
 * something on them: the catalog's rewards (a coupon with codes) and its instant-win prizes on the demo
 * campaign. The weekly draw comes from the campaign's draw schedule (the draws job opens it). Idempotent:
 * a brand that has rewards is left alone.
 */
export async function seedDemoRewards(
  { database, generateId }: Pick<Services, 'database' | 'generateId'>,
  demo: Pick<DemoSeed, 'brand' | 'campaign'>,
  catalog: DemoCatalog = DEMO_TEA_CATALOG,
): Promise<{ created: boolean }> {
  const db = database.db;
  const brandId = demo.brand.id;
  const [existing] = await db
    .select({ id: rewards.id })
    .from(rewards)
    .where(eq(rewards.brandId, brandId))
    .limit(1);
  if (existing) return { created: false };
  for (const { onCampaign, couponCodes, ...reward } of catalog.rewards) {
    const created = await createReward({
      db,
      generateId,
      reward: { ...reward, brandId, ...(onCampaign ? { campaignId: demo.campaign.id } : {}) },
    });
    if (couponCodes)
      await addCouponCodes({ db, generateId, brandId, rewardId: created.id, codes: couponCodes });
  }
  const [prize] = await db
    .select({ id: instantPrizes.id })
    .from(instantPrizes)
    .where(and(eq(instantPrizes.brandId, brandId), eq(instantPrizes.campaignId, demo.campaign.id)))
    .limit(1);
  if (!prize)
    for (const instant of catalog.instantPrizes)
      await createInstantPrize({ db, generateId, brandId, campaignId: demo.campaign.id, ...instant });
  return { created: true };
}
