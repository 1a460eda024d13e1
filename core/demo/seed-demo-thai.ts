import type { Services } from '../app/build-services.js';
import { isoDate, seedDemoBrand, type DemoSeed } from './seed-demo-brand.js';

/** The Thai demo brand: receipt photos from any store earn points, as Birthnote sells it (seed 003). */
export const DEMO_THAI_BRAND_SLUG = 'demo-th';
export const DEMO_THAI_LINE_CHANNEL_ID = '2000000002';
export const DEMO_THAI_LIFF_ID = '2000000002-demo';

/**
 * A second demo brand in local mode, Thai (THB, Asia/Bangkok, Thai first), so the Thai path is tried as
 * often as the Taiwan one: a receipt-photo campaign (any store's receipt with a tea item for ฿100 or
 * more: 1 point per ฿20 of the receipt, a lottery entry and a scratch card). Idempotent.
 */
export async function seedThaiDemo(
  services: Pick<Services, 'database' | 'clock' | 'generateId'>,
): Promise<DemoSeed> {
  const now = services.clock.now();
  const day = 24 * 3_600_000;
  return seedDemoBrand(services, {
    brand: {
      slug: DEMO_THAI_BRAND_SLUG,
      name: 'ชาดี Demo Thai Tea',
      country: 'TH',
      defaultLocale: 'th',
      timezone: 'Asia/Bangkok',
    },
    channel: {
      lineChannelId: DEMO_THAI_LINE_CHANNEL_ID,
      name: 'Demo Thai Tea (simulated LINE)',
      liffId: DEMO_THAI_LIFF_ID,
    },
    campaign: {
      slug: 'songkran-tea',
      name: {
        th: 'ถ่ายใบเสร็จ สะสมแต้ม ลุ้นรางวัล',
        en: 'Snap your receipt, collect points, win prizes',
        'zh-TW': '拍收據 集點數 抽好禮',
      },
      description: {
        th: 'ซื้อชาจากร้านไหนก็ได้ครบ ฿100 ถ่ายรูปใบเสร็จส่งมา รับ 1 แต้มทุก ฿20 พร้อมสิทธิ์ลุ้นรางวัลและบัตรขูด',
        en: 'Buy tea anywhere for ฿100 or more and send a photo of the receipt: 1 point per ฿20, a lottery entry and a scratch card.',
        'zh-TW': '在任何商店購買茶飲滿 ฿100，拍下收據傳來：每 ฿20 得 1 點，並獲得抽獎機會與刮刮卡。',
      },
      status: 'active',
      timezone: 'Asia/Bangkok',
      currency: 'THB',
      purchaseFrom: isoDate(new Date(now.getTime() - 60 * day)),
      purchaseTo: isoDate(new Date(now.getTime() + 60 * day)),
      registerFrom: new Date(now.getTime() - 60 * day),
      registerTo: new Date(now.getTime() + 67 * day),
      proofKinds: ['receipt'],
      verificationMode: 'instant',
      autoAcceptReceipts: true,
      rules: {
        itemGroups: [{ key: 'tea', keywords: ['ชา', 'tea', '茶'] }],
        itemGroupsMatch: 'any',
        minAmount: { basis: 'total', amountMinor: 10_000 },
        caps: { perMemberPerDay: 5, perMemberPerCampaign: 50 },
      },
      rewards: {
        points: { basis: 'total', stepAmountMinor: 2_000, perStep: 1 },
        entries: { perProof: 1 },
        instantWin: { enabled: true },
        draws: {
          weekly: {
            closesOn: 'sun',
            closesAt: '20:00',
            prizes: [
              {
                key: 'tea-hamper',
                name: { th: 'กระเช้าชา', en: 'Tea hamper', 'zh-TW': '茶葉禮籃' },
                quantity: 3,
              },
            ],
            maxWinsPerMember: 1,
            reserveCount: 2,
          },
        },
      },
    },
  });
}
