import { describe, expect, test } from '@jest/globals';
import {
  campaignRewardsSchema,
  campaignRulesSchema,
  evaluateCampaignRules,
  explainDecision,
  EXPLAIN_TEMPLATES,
  type CampaignForRules,
  type CampaignRulesInput,
  type CheckedRule,
  type RulesContext,
  type RulesInvoice,
} from '../../core/campaigns/index.js';
import { LOCALES, type Locale } from '../../core/i18n/index.js';

/** One value for every parameter any template takes: each template is called with it. */
const SAMPLE = {
  actual: 'THB',
  expected: 'TWD',
  date: '<date>',
  from: '<from>',
  to: '<to>',
  registeredAt: '<at>',
  registeredOn: '<on>',
  days: 7,
  lastDay: '<last>',
  buyerBan: '12345675',
  name: '好茶 綠茶',
  ban: '24549210',
  seller: '<seller>',
  stores: '<stores>',
  values: ['全家*', '7-11*'],
  group: 'tea',
  keyword: '茶',
  quantity: 2,
  by: ['tea', 'drink'],
  exclude: '茶壺',
  keywords: ['茶', '綠茶'],
  minQuantity: 2,
  basis: '<basis>',
  amount: '<amount>',
  minimum: '<minimum>',
  count: 1,
  limit: 3,
};

type Template = string | ((params: typeof SAMPLE) => string);
const templatesOf = (locale: Locale) => EXPLAIN_TEMPLATES[locale] as unknown as Record<string, Template>;
const render = (template: Template | undefined) =>
  typeof template === 'function' ? template(SAMPLE) : template;
const ENGLISH_KEYS = Object.keys(templatesOf('en')).sort();

describe('rule explanations in zh-TW / th / en', () => {
  test('every language has every template, and no other', () => {
    expect(ENGLISH_KEYS.length).toBeGreaterThanOrEqual(25);
    for (const locale of LOCALES)
      expect({ locale, keys: Object.keys(templatesOf(locale)).sort() }).toEqual({
        locale,
        keys: ENGLISH_KEYS,
      });
  });

  test.each(ENGLISH_KEYS.flatMap((key) => LOCALES.map((locale) => [key, locale] as const)))(
    'template %s says something in %s, in its own words',
    (key, locale) => {
      const text = render(templatesOf(locale)[key]);
      expect(typeof text).toBe('string');
      expect(text!.trim()).not.toBe('');
      // Words, not placeholders left over.
      expect(text).not.toMatch(/\{\w+\}|undefined|\[object/);
      if (locale !== 'en' && typeof templatesOf('en')[key] === 'function' && key !== 'separator')
        expect(text).not.toBe(render(templatesOf('en')[key]));
    },
  );
});

const invoice: RulesInvoice = {
  invoiceNumber: 'AB12345678',
  invoiceDate: '2024-11-05',
  currency: 'TWD',
  totalAmountMinor: 15_000,
  sellerBan: '24549210',
  sellerName: '全家便利商店',
  sellerAddress: '臺北市中山區松江路100號',
  buyerBan: null,
  voided: false,
  items: [
    { name: '好茶 綠茶 600ml', quantity: 2, unitPriceMinor: 2_500, amountMinor: 5_000 },
    { name: '陶瓷茶壺', quantity: 1, unitPriceMinor: 10_000, amountMinor: 10_000 },
  ],
};

const RULES: CampaignRulesInput = {
  itemGroups: [
    { key: 'tea', keywords: ['茶'], excludeKeywords: ['茶壺'] },
    { key: 'snack', keywords: ['洋芋片'], minQuantity: 2 },
  ],
  itemGroupsMatch: 'any',
  minAmount: { basis: 'matched', amountMinor: 3_000 },
  stores: { allow: { namePatterns: ['全家*'], sellerBans: ['24549210'], addressFragments: ['台北'] } },
  registerWithinDays: 7,
  caps: { perMemberPerDay: 2, perMemberPerCampaign: 5 },
};

function campaign(rules: CampaignRulesInput, currency: 'TWD' | 'THB' = 'TWD'): CampaignForRules {
  return {
    timezone: 'Asia/Taipei',
    currency,
    purchaseFrom: '2024-11-01',
    purchaseTo: '2024-11-30',
    registerFrom: new Date('2024-10-31T16:00:00Z'),
    registerTo: new Date('2024-12-07T15:59:59Z'),
    rules: campaignRulesSchema.parse(rules),
    rewards: campaignRewardsSchema.parse({}),
  };
}

const none: RulesContext = { memberAcceptedToday: 0, memberAcceptedInCampaign: 0 };
const full: RulesContext = { memberAcceptedToday: 2, memberAcceptedInCampaign: 5 };

/** Cases that between them pass and fail every rule, each way it can fail. */
const CASES: {
  name: string;
  campaign: CampaignForRules;
  invoice: RulesInvoice;
  at: string;
  context?: RulesContext;
}[] = [
  { name: 'all pass', campaign: campaign(RULES), invoice, at: '2024-11-06T04:00:00Z' },
  {
    name: 'all fail',
    campaign: campaign(
      { ...RULES, itemGroupsMatch: 'all', minAmount: { basis: 'total', amountMinor: 1 } },
      'THB',
    ),
    invoice: {
      ...invoice,
      invoiceDate: '2024-10-20',
      voided: true,
      buyerBan: '12345675',
      totalAmountMinor: null,
      items: [],
    },
    at: '2024-10-30T04:00:00Z',
    context: full,
  },
  {
    name: 'late, denied',
    campaign: campaign({ ...RULES, stores: { deny: { namePatterns: ['全家*'] } } }),
    invoice: { ...invoice, invoiceDate: '2024-12-01' },
    at: '2024-12-08T04:00:00Z',
  },
  {
    name: 'not allowed, too little',
    campaign: campaign({ ...RULES, minAmount: { basis: 'matched', amountMinor: 90_000 } }),
    invoice: { ...invoice, sellerName: '統一超商', sellerBan: null, sellerAddress: null },
    at: '2024-11-20T04:00:00Z',
  },
  {
    name: 'unknown seller, only the deny list',
    campaign: campaign({ ...RULES, stores: {} }),
    invoice: { ...invoice, sellerName: null, sellerBan: null, sellerAddress: null },
    at: '2024-11-06T04:00:00Z',
  },
  {
    name: 'unknown seller',
    campaign: campaign(RULES),
    invoice: { ...invoice, sellerName: null, sellerBan: null, sellerAddress: null },
    at: '2024-11-06T04:00:00Z',
  },
];

function explained(locale: Locale): CheckedRule[][] {
  return CASES.map((c) =>
    explainDecision({
      campaign: c.campaign,
      invoice: c.invoice,
      decision: evaluateCampaignRules({
        campaign: c.campaign,
        invoice: c.invoice,
        registeredAt: new Date(c.at),
        context: c.context ?? none,
      }),
      locale,
    }),
  );
}

describe('explainDecision in each language', () => {
  const byLocale = Object.fromEntries(LOCALES.map((locale) => [locale, explained(locale)])) as Record<
    Locale,
    CheckedRule[][]
  >;

  test('the rule keys and ticks are the same in every language; only the words differ', () => {
    const shape = (cases: CheckedRule[][]) =>
      cases.map((rules) => rules.map(({ rule, passed }) => ({ rule, passed })));
    expect(shape(byLocale['zh-TW'])).toEqual(shape(byLocale.en));
    expect(shape(byLocale.th)).toEqual(shape(byLocale.en));
    // Every rule key passed and failed somewhere among the cases.
    const seen = new Set(byLocale.en.flat().map(({ rule, passed }) => `${rule}:${passed}`));
    expect(seen.size).toBe(18);
    for (const [index, rules] of byLocale.en.entries())
      for (const [position, { detail }] of rules.entries()) {
        expect(byLocale['zh-TW'][index]![position]!.detail).not.toBe(detail);
        expect(byLocale.th[index]![position]!.detail).not.toBe(detail);
      }
  });

  test('money and dates are written the language’s way', () => {
    const rule = (locale: Locale, index: number, key: string) =>
      byLocale[locale][index]!.find((r) => r.rule === key)?.detail;
    expect(rule('en', 0, 'minAmount')).toBe('matched items TWD 50.00 ≥ threshold TWD 30.00');
    expect(rule('zh-TW', 0, 'minAmount')).toBe('符合品項金額 NT$50 ≥ 門檻 NT$30');
    expect(rule('th', 0, 'minAmount')).toBe('ยอดสินค้าที่ตรงเงื่อนไข NT$50 ≥ เกณฑ์ NT$30');
    expect(rule('zh-TW', 1, 'minAmount')).toBe('發票總額不明（門檻 ฿0.01）');
    expect(rule('th', 1, 'minAmount')).toBe('ไม่ทราบยอดรวมใบเสร็จ (เกณฑ์ ฿0.01)');
    expect(rule('en', 1, 'minAmount')).toBe('the invoice total amount is not known (threshold THB 0.01)');
    expect(rule('zh-TW', 0, 'purchaseWindow')).toContain('2024年11月5日 購買');
    expect(rule('th', 0, 'purchaseWindow')).toContain('ซื้อวันที่ 5 พ.ย. 2024');
    expect(rule('en', 0, 'purchaseWindow')).toContain('bought on 2024-11-05');
    expect(rule('zh-TW', 0, 'itemGroups')).toBe(
      '「好茶 綠茶 600ml」×2 符合 tea（關鍵字「茶」）；「陶瓷茶壺」因排除字「茶壺」不計入 tea',
    );
  });
});
