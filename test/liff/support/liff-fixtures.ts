import type { TestSeed } from '../../support/database.js';

export const NOW = '2026-03-01T02:00:00.000Z';

/** Brand A (Taiwan) and brand B (Thailand), each with a LINE channel, a LIFF app and its login channel. */
export const BRAND_A = { id: 'brd_a', liffId: '2000000001-AAAAAAAA', loginChannelId: '2000000001' };
export const BRAND_B = { id: 'brd_b', liffId: '2000000002-BBBBBBBB', loginChannelId: '2000000002' };
export const CAMPAIGN_A = 'cmp_a';

export const USER_1 = 'U' + '1'.repeat(32);
export const USER_2 = 'U' + '2'.repeat(32);

export function liffSeed(): TestSeed {
  return {
    brands: [
      {
        id: BRAND_A.id,
        slug: 'demo-tea',
        name: 'Brand A',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      },
      {
        id: BRAND_B.id,
        slug: 'brand-b',
        name: 'Brand B',
        country: 'TH',
        defaultLocale: 'th',
        timezone: 'Asia/Bangkok',
      },
    ],
    lineChannels: [
      {
        id: 'chn_a',
        brandId: BRAND_A.id,
        lineChannelId: '1000000001',
        name: 'A',
        channelSecret: 'secret-a',
        channelAccessToken: 'token-a',
        liffId: BRAND_A.liffId,
        loginChannelId: BRAND_A.loginChannelId,
      },
      {
        id: 'chn_b',
        brandId: BRAND_B.id,
        lineChannelId: '1000000002',
        name: 'B',
        channelSecret: 'secret-b',
        channelAccessToken: 'token-b',
        liffId: BRAND_B.liffId,
        loginChannelId: BRAND_B.loginChannelId,
      },
    ],
    campaigns: [
      {
        id: CAMPAIGN_A,
        brandId: BRAND_A.id,
        slug: 'spring',
        name: { 'zh-TW': '春季活動', th: 'แคมเปญฤดูใบไม้ผลิ', en: 'Spring campaign' },
        status: 'active',
        timezone: 'Asia/Taipei',
        currency: 'TWD',
        purchaseFrom: '2026-02-01',
        purchaseTo: '2026-04-30',
        registerFrom: new Date('2026-02-01T00:00:00Z'),
        registerTo: new Date('2026-05-07T00:00:00Z'),
        proofKinds: ['einvoice_text', 'einvoice_qr', 'receipt'],
        rules: {},
        rewards: {},
      },
    ],
  };
}

export const REGISTRATION = {
  name: '林美玲',
  phone: '0912-345-678',
  email: 'meiling.lin@example.com',
  gender: 'female',
  birthday: '1990-05-17',
  region: 'TW-TPE',
  consents: {
    dataProcessing: { granted: true, textVersion: 'dp-2026-01' },
    marketing: { granted: true, textVersion: 'mkt-2026-01' },
  },
} as const;
