import type { Services } from '../app/build-services.js';
import { and, eq } from 'drizzle-orm';
import { surveys } from '../surveys/index.js';
import { isoDate, seedDemoBrand, type DemoSeed } from './seed-demo-brand.js';

export type { DemoSeed } from './seed-demo-brand.js';

export const DEMO_BRAND_SLUG = 'demo-tea';
/** The simulated LINE channel of the demo brand (the LINE simulator accepts any id). */
export const DEMO_LINE_CHANNEL_ID = '2000000001';
export const DEMO_LIFF_ID = '2000000001-demo';

/**
 * The demo brand, its simulated LINE channel and a running campaign, so local mode has something to
 * talk to. Idempotent: a second run finds the brand and changes nothing.
 */
export async function seedDemo(
  services: Pick<Services, 'database' | 'clock' | 'generateId'>,
): Promise<DemoSeed> {
  const now = services.clock.now();
  const day = 24 * 3_600_000;
  return seedDemoBrand(services, {
    brand: {
      slug: DEMO_BRAND_SLUG,
      name: '好茶 Demo Tea',
      country: 'TW',
      defaultLocale: 'zh-TW',
      timezone: 'Asia/Taipei',
    },
    channel: { lineChannelId: DEMO_LINE_CHANNEL_ID, name: 'Demo Tea (simulated LINE)', liffId: DEMO_LIFF_ID },
    campaign: {
      slug: 'spring-tea',
      name: {
        'zh-TW': '買好茶 登錄發票抽好禮',
        en: 'Buy Demo Tea, register your invoice, win prizes',
        th: 'ซื้อชา ลงทะเบียนใบเสร็จ ลุ้นรางวัล',
      },
      description: {
        'zh-TW': '購買好茶系列商品滿 NT$50，登錄發票每 NT$10 得 1 點，並獲得抽獎機會。',
        en: 'Spend NT$50 on Demo Tea: 1 point per NT$10 and a lottery entry for every invoice.',
        th: 'ซื้อชาครบ NT$50 รับ 1 คะแนนทุก NT$10 และสิทธิ์ลุ้นรางวัล',
      },
      status: 'active',
      timezone: 'Asia/Taipei',
      currency: 'TWD',
      // Three years back, so the MoF simulator's demo invoices (2024–2025) can be registered.
      purchaseFrom: isoDate(new Date(now.getTime() - 3 * 365 * day)),
      purchaseTo: isoDate(new Date(now.getTime() + 60 * day)),
      registerFrom: new Date(now.getTime() - 60 * day),
      registerTo: new Date(now.getTime() + 67 * day),
      proofKinds: ['einvoice_qr', 'einvoice_text', 'einvoice_carrier', 'paper_invoice', 'receipt'],
      verificationMode: 'instant',
      autoAcceptReceipts: true,
      rules: {
        itemGroups: [{ key: 'tea', keywords: ['茶', 'tea', 'ชา'] }],
        itemGroupsMatch: 'any',
        minAmount: { basis: 'matched', amountMinor: 5_000 },
        excludeBuyerBan: true,
        excludeVoided: true,
        caps: { perMemberPerDay: 10, perMemberPerCampaign: 100 },
      },
      rewards: {
        points: { basis: 'matched', stepAmountMinor: 1_000, perStep: 1 },
        entries: { perProof: 1 },
        // Every accepted invoice also earns a scratch card (the instant prizes come with the demo rewards).
        instantWin: { enabled: true },
        // Opened and run by the draws job: a weekly draw closing Sundays 20:00 Taipei, and a final one.
        draws: {
          weekly: {
            closesOn: 'sun',
            closesAt: '20:00',
            prizes: [
              {
                key: 'tea-set',
                name: { 'zh-TW': '好茶禮盒', en: 'Tea gift box', th: 'กล่องของขวัญชา' },
                quantity: 3,
              },
            ],
            maxWinsPerMember: 1,
            reserveCount: 2,
          },
          final: {
            prizes: [
              {
                key: 'scooter',
                name: { 'zh-TW': '電動機車', en: 'E-scooter', th: 'สกู๊ตเตอร์ไฟฟ้า' },
                quantity: 1,
                valueMinor: 4_500_000,
              },
              {
                key: 'voucher',
                name: { 'zh-TW': '禮券 NT$1,000', en: 'NT$1,000 voucher', th: 'บัตรกำนัล NT$1,000' },
                quantity: 5,
                valueMinor: 100_000,
              },
            ],
            maxWinsPerMember: 1,
            reserveCount: 3,
          },
        },
      },
    },
  });
}

/**
 * The demo campaign's survey, asked once per member after an accepted proof: its required question is
 * single-choice, so the chat asks it with quick replies (the optional scale is answered in the app).
 * Idempotent, and added to demo databases seeded before it existed.
 */
export async function seedDemoSurvey(
  { database, generateId }: Pick<Services, 'database' | 'generateId'>,
  demo: Pick<DemoSeed, 'brand' | 'campaign'>,
): Promise<{ created: boolean }> {
  const db = database.db;
  const [existing] = await db
    .select({ id: surveys.id })
    .from(surveys)
    .where(and(eq(surveys.brandId, demo.brand.id), eq(surveys.campaignId, demo.campaign.id)))
    .limit(1);
  if (existing) return { created: false };
  await db.insert(surveys).values({
    id: generateId('survey'),
    brandId: demo.brand.id,
    campaignId: demo.campaign.id,
    title: { 'zh-TW': '購買小調查', th: 'แบบสอบถามสั้น ๆ', en: 'A short survey' },
    frequency: 'per_member',
    questions: [
      {
        key: 'where',
        type: 'single',
        required: true,
        label: { 'zh-TW': '在哪裡買的？', th: 'ซื้อที่ไหน?', en: 'Where did you buy it?' },
        options: [
          { key: 'cvs', label: { 'zh-TW': '便利商店', th: 'ร้านสะดวกซื้อ', en: 'Convenience store' } },
          { key: 'market', label: { 'zh-TW': '超市', th: 'ซูเปอร์มาร์เก็ต', en: 'Supermarket' } },
          { key: 'hyper', label: { 'zh-TW': '量販店', th: 'ไฮเปอร์มาร์เก็ต', en: 'Hypermarket' } },
          { key: 'online', label: { 'zh-TW': '網路購物', th: 'ออนไลน์', en: 'Online' } },
        ],
      },
      {
        key: 'score',
        type: 'scale',
        required: false,
        label: { 'zh-TW': '推薦給朋友的可能性', th: 'จะแนะนำให้เพื่อนไหม', en: 'Would you recommend it?' },
        scale: { min: 1, max: 5 },
      },
    ],
  });
  return { created: true };
}
