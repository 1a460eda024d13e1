import { buildLineItemRows, type LineItemRow } from '../../core/analytics/index.js';
import type { TestSeed } from '../support/database.js';

/**
 * A small fixed purchase history whose every metric is computed by hand in analytics.queries.test.ts.
 *
 * | basket | member | store (region)  | local date, time      | items (amount)                      | total |
 * | s1     | m1     | X (TW-TPE)      | Mon 2024-11-04 10:15  | 綠茶 tea 30, 洋芋片 70               | 100   |
 * | s2     | m2     | X (TW-TPE)      | Mon 2024-11-04 10:40  | 綠茶 tea 30, 洋芋片 50               | 80    |
 * | s3     | m1     | Y (TW-NWT)      | Tue 2024-11-05 12:05  | 綠茶 tea 20, 飯糰 40                 | 60    |
 * | s4     | m3     | Y (TW-NWT)      | Tue 2024-11-05 12:30  | 洋芋片 20, 飯糰 30                   | 50    |
 * | s5     | m2     | Z (none)        | Wed 2024-11-06 20:00  | 奶茶 milk-tea 25, 洋芋片 15          | 40    |
 * Plus s6 (rejected, item groups), s7 (rejected, not uploaded), s8 (received, unread): no line items.
 */
export const BRAND = 'brd_an';
export const CAMPAIGN = 'cmp_an';
export const OTHER_BRAND = 'brd_other';

type Basket = {
  id: string;
  member: string;
  seller: { id: string | null; name: string; address: string | null };
  date: string;
  time: string;
  sentAt: string;
  items: [string, number][];
  total: number;
};

const X = { id: '24549210', name: '全家 松江店', address: '臺北市中山區松江路100號' };
const Y = { id: '12345675', name: '好茶小舖', address: '新北市板橋區文化路一段1號' };
const Z = { id: null, name: '=HYPERLINK("http://evil")', address: null };

export const BASKETS: Basket[] = [
  {
    id: 's1',
    member: 'm1',
    seller: X,
    date: '2024-11-04',
    time: '10:15:00',
    sentAt: '2024-11-04T03:00:00Z',
    items: [
      ['綠茶', 30],
      ['洋芋片', 70],
    ],
    total: 100,
  },
  {
    id: 's2',
    member: 'm2',
    seller: X,
    date: '2024-11-04',
    time: '10:40:00',
    sentAt: '2024-11-04T04:00:00Z',
    items: [
      ['綠茶', 30],
      ['洋芋片', 50],
    ],
    total: 80,
  },
  {
    id: 's3',
    member: 'm1',
    seller: Y,
    date: '2024-11-05',
    time: '12:05:00',
    sentAt: '2024-11-12T04:00:00Z',
    items: [
      ['綠茶', 20],
      ['飯糰', 40],
    ],
    total: 60,
  },
  {
    id: 's4',
    member: 'm3',
    seller: Y,
    date: '2024-11-05',
    time: '12:30:00',
    sentAt: '2024-11-12T05:00:00Z',
    items: [
      ['洋芋片', 20],
      ['飯糰', 30],
    ],
    total: 50,
  },
  {
    id: 's5',
    member: 'm2',
    seller: Z,
    date: '2024-11-06',
    time: '20:00:00',
    sentAt: '2024-11-20T12:00:00Z',
    items: [
      ['奶茶', 25],
      ['洋芋片', 15],
    ],
    total: 40,
  },
];

const PRODUCT_OF: Record<string, string> = { 綠茶: 'tea', 奶茶: 'milk-tea' };

function built() {
  return BASKETS.map((basket) =>
    buildLineItemRows({
      header: {
        submissionId: basket.id,
        brandId: BRAND,
        campaignId: CAMPAIGN,
        memberId: basket.member,
        invoiceId: `i_${basket.id}`,
        purchaseDate: basket.date,
        purchaseTime: basket.time,
        sellerId: basket.seller.id,
        sellerName: basket.seller.name,
        branch: null,
        sellerAddress: basket.seller.address,
        currency: 'TWD',
        totalAmountMinor: basket.total,
      },
      items: basket.items.map(([name, amount]) => ({
        name,
        quantity: 1,
        unitPriceMinor: amount,
        amountMinor: amount,
      })),
      itemGroups: [{ key: 'tea', keywords: ['茶'], excludeKeywords: [], minQuantity: 1 }],
      productOf: (name) => PRODUCT_OF[name] ?? null,
    }),
  );
}

export function lineItemRows(): LineItemRow[] {
  return built().flatMap((b) => b.rows);
}

function storeRows() {
  return [...new Map(built().map((b) => [b.store.storeKey, b.store])).values()];
}

const invoice = (id: string, date: string, total: number) => ({
  id,
  brandId: BRAND,
  kind: 'einvoice' as const,
  invoiceDate: date,
  currency: 'TWD' as const,
  totalAmountMinor: total,
  source: 'qr' as const,
});

const submission = (
  id: string,
  member: string,
  state: 'received' | 'accepted' | 'rejected' | 'rewarded',
  sentAt: string,
  extra: Record<string, unknown> = {},
) => ({
  id,
  brandId: BRAND,
  campaignId: CAMPAIGN,
  memberId: member,
  kind: 'einvoice_qr' as const,
  channel: 'chat' as const,
  sourceRef: `ref_${id}`,
  rawInput: {},
  state,
  createdAt: new Date(sentAt),
  ...extra,
});

const verified = { verification: { status: 'found', checkedAt: '2024-11-04T00:00:00Z' } };

export function analyticsSeed(): TestSeed {
  const brand = (id: string, slug: string) => ({
    id,
    slug,
    name: slug,
    country: 'TW' as const,
    defaultLocale: 'zh-TW' as const,
    timezone: 'Asia/Taipei',
  });
  return {
    brands: [brand(BRAND, 'an'), brand(OTHER_BRAND, 'other')],
    members: ['m1', 'm2', 'm3'].map((id) => ({
      id,
      brandId: BRAND,
      lineUserId: `U_${id}`,
      locale: 'zh-TW' as const,
    })),
    campaigns: [
      {
        id: CAMPAIGN,
        brandId: BRAND,
        slug: 'an',
        name: { 'zh-TW': '分析' },
        status: 'active',
        timezone: 'Asia/Taipei',
        currency: 'TWD',
        purchaseFrom: '2024-11-01',
        purchaseTo: '2024-11-30',
        registerFrom: new Date('2024-10-31T16:00:00Z'),
        registerTo: new Date('2024-12-31T16:00:00Z'),
        proofKinds: ['einvoice_qr'],
        rules: {},
        rewards: {},
      },
    ],
    invoices: [
      ...BASKETS.map((b) => invoice(`i_${b.id}`, b.date, b.total)),
      invoice('i_s6', '2024-11-07', 30),
      invoice('i_s7', '2024-11-07', 30),
    ],
    submissions: [
      ...BASKETS.map((b) =>
        submission(b.id, b.member, b.id === 's1' || b.id === 's2' ? 'rewarded' : 'accepted', b.sentAt, {
          invoiceId: `i_${b.id}`,
          decision: verified,
        }),
      ),
      submission('s6', 'm3', 'rejected', '2024-11-20T13:00:00Z', {
        invoiceId: 'i_s6',
        decision: verified,
        reasonCode: 'rules.item_groups',
      }),
      submission('s7', 'm3', 'rejected', '2024-11-20T14:00:00Z', {
        invoiceId: 'i_s7',
        reasonCode: 'verification.not_uploaded',
      }),
      submission('s8', 'm3', 'received', '2024-11-20T15:00:00Z'),
    ],
    pointsLedger: [
      { id: 'p1', brandId: BRAND, memberId: 'm1', kind: 'earn', points: 80, idempotencyKey: 'p1' },
      { id: 'p2', brandId: BRAND, memberId: 'm2', kind: 'earn', points: 30, idempotencyKey: 'p2' },
      { id: 'p3', brandId: BRAND, memberId: 'm3', kind: 'earn', points: 100, idempotencyKey: 'p3' },
    ],
    rewards: [
      {
        id: 'rw1',
        brandId: BRAND,
        kind: 'item',
        name: { en: 'Cup' },
        pointsPrice: 100,
        stockTotal: 5,
        stockLeft: 5,
      },
    ],
    redemptions: [
      {
        id: 'rd1',
        brandId: BRAND,
        memberId: 'm1',
        rewardId: 'rw1',
        points: 100,
        state: 'fulfilled',
        idempotencyKey: 'rd1',
        createdAt: new Date('2024-11-25T00:00:00Z'),
      },
    ],
    analyticsProducts: [
      { brandId: BRAND, key: 'tea', name: 'Green tea' },
      { brandId: BRAND, key: 'milk-tea', name: 'Milk tea' },
    ],
    analyticsProductMappings: [
      { brandId: BRAND, normalizedName: '綠茶', productKey: 'tea' },
      { brandId: BRAND, normalizedName: '奶茶', productKey: 'milk-tea' },
    ],
    analyticsStores: storeRows(),
    analyticsLineItems: lineItemRows(),
  };
}
