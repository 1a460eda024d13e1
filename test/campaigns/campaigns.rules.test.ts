import { describe, expect, test } from '@jest/globals';
import {
  campaignRewardsSchema,
  campaignRulesSchema,
  evaluateCampaignRules,
  firstFailedVerdict,
  localDateOf,
  parseCampaignSettings,
  startOfLocalDay,
  type CampaignForRules,
  type CampaignRewardsInput,
  type CampaignRulesInput,
  type RulesContext,
  type RulesInvoice,
} from '../../core/campaigns/index.js';

const baseInvoice: RulesInvoice = {
  invoiceNumber: 'AB12345678',
  invoiceDate: '2024-11-05',
  currency: 'TWD',
  totalAmountMinor: 15_000,
  sellerBan: '24549210',
  sellerName: '全家便利商店股份有限公司 台北松江店',
  sellerAddress: '臺北市中山區松江路100號',
  buyerBan: null,
  voided: false,
  items: [
    { name: 'ＤＥＭＯ 好茶 綠茶 600ml', quantity: 2, unitPriceMinor: 2_500, amountMinor: 5_000 },
    { name: '茶葉蛋', quantity: 1, unitPriceMinor: 1_300, amountMinor: 1_300 },
    { name: 'Potato Chips', quantity: 1, unitPriceMinor: 3_900, amountMinor: 3_900 },
    { name: '便當', quantity: 1, unitPriceMinor: 4_800, amountMinor: 4_800 },
  ],
};

function campaignWith(
  rules: CampaignRulesInput = {},
  rewards: CampaignRewardsInput = {},
  overrides: Partial<CampaignForRules> = {},
): CampaignForRules {
  return {
    timezone: 'Asia/Taipei',
    currency: 'TWD',
    purchaseFrom: '2024-11-01',
    purchaseTo: '2024-11-30',
    registerFrom: new Date('2024-10-31T16:00:00Z'),
    registerTo: new Date('2024-12-07T15:59:59Z'),
    rules: campaignRulesSchema.parse(rules),
    rewards: campaignRewardsSchema.parse(rewards),
    ...overrides,
  };
}

const noCounts: RulesContext = { memberAcceptedToday: 0, memberAcceptedInCampaign: 0 };
const registeredAt = new Date('2024-11-06T04:00:00Z');

type Row = {
  name: string;
  rules?: CampaignRulesInput;
  campaign?: Partial<CampaignForRules>;
  invoice?: Partial<RulesInvoice>;
  registeredAt?: string;
  context?: Partial<RulesContext>;
  qualifies: boolean;
  reasonKey?: string;
};

const rows: Row[] = [
  { name: 'a plain invoice inside both windows', qualifies: true },
  {
    name: 'purchase before the window',
    invoice: { invoiceDate: '2024-10-31' },
    qualifies: false,
    reasonKey: 'rules.purchase_date.too_early',
  },
  {
    name: 'purchase after the window',
    invoice: { invoiceDate: '2024-12-01' },
    qualifies: false,
    reasonKey: 'rules.purchase_date.too_late',
  },
  { name: 'purchase on the last day (inclusive)', invoice: { invoiceDate: '2024-11-30' }, qualifies: true },
  {
    name: 'registered before the window opens',
    registeredAt: '2024-10-31T15:59:59Z',
    qualifies: false,
    reasonKey: 'rules.registration_window.not_open',
  },
  {
    name: 'registered after the window closes',
    registeredAt: '2024-12-07T16:00:00Z',
    qualifies: false,
    reasonKey: 'rules.registration_window.closed',
  },
  {
    name: 'registered 7 days after purchase, at 23:30 Taipei (still the 7th day)',
    rules: { registerWithinDays: 7 },
    registeredAt: '2024-11-12T15:30:00Z',
    qualifies: true,
  },
  {
    name: 'registered 7 days after purchase, at 00:30 Taipei of the 8th day',
    rules: { registerWithinDays: 7 },
    registeredAt: '2024-11-12T16:30:00Z',
    qualifies: false,
    reasonKey: 'rules.register_within_days.too_late',
  },
  {
    name: 'the same instant is still the 7th day in Bangkok (UTC+7)',
    rules: { registerWithinDays: 7 },
    campaign: { timezone: 'Asia/Bangkok' },
    registeredAt: '2024-11-12T16:30:00Z',
    qualifies: true,
  },
  {
    name: 'a THB receipt for a TWD campaign',
    invoice: { currency: 'THB' },
    qualifies: false,
    reasonKey: 'rules.currency.mismatch',
  },
  {
    name: 'a voided invoice',
    invoice: { voided: true },
    qualifies: false,
    reasonKey: 'rules.voided.voided',
  },
  {
    name: 'a voided invoice when the campaign allows it',
    rules: { excludeVoided: false },
    invoice: { voided: true },
    qualifies: true,
  },
  {
    name: 'a B2B invoice (buyer business ID)',
    invoice: { buyerBan: '12345675' },
    qualifies: false,
    reasonKey: 'rules.buyer_ban.b2b',
  },
  { name: 'a consumer invoice written as 00000000', invoice: { buyerBan: '00000000' }, qualifies: true },
  {
    name: 'B2B allowed by the campaign',
    rules: { excludeBuyerBan: false },
    invoice: { buyerBan: '12345675' },
    qualifies: true,
  },
  {
    name: 'item group matched with full-width letters and spaces',
    rules: { itemGroups: [{ key: 'tea', keywords: ['demo好茶'] }] },
    qualifies: true,
  },
  {
    name: 'item group matched case-insensitively',
    rules: { itemGroups: [{ key: 'chips', keywords: ['POTATO'] }] },
    qualifies: true,
  },
  {
    name: 'no item of the group',
    rules: { itemGroups: [{ key: 'coffee', keywords: ['咖啡', 'coffee'] }] },
    qualifies: false,
    reasonKey: 'rules.item_groups.no_match',
  },
  {
    name: 'all groups required, one missing',
    rules: {
      itemGroups: [
        { key: 'tea', keywords: ['茶'] },
        { key: 'coffee', keywords: ['咖啡'] },
      ],
      itemGroupsMatch: 'all',
    },
    qualifies: false,
    reasonKey: 'rules.item_groups.missing_group',
  },
  {
    name: 'any group, one of two present',
    rules: {
      itemGroups: [
        { key: 'tea', keywords: ['茶'] },
        { key: 'coffee', keywords: ['咖啡'] },
      ],
      itemGroupsMatch: 'any',
    },
    qualifies: true,
  },
  {
    name: 'a group needing 3 units, only 2 + excluded 茶葉蛋',
    rules: { itemGroups: [{ key: 'tea', keywords: ['茶'], excludeKeywords: ['蛋'], minQuantity: 3 }] },
    qualifies: false,
    reasonKey: 'rules.item_groups.no_match',
  },
  {
    name: 'items unknown (no details)',
    rules: { itemGroups: [{ key: 'tea', keywords: ['茶'] }] },
    invoice: { items: [] },
    qualifies: false,
    reasonKey: 'rules.item_groups.no_items',
  },
  {
    name: 'total below the minimum',
    rules: { minAmount: { basis: 'total', amountMinor: 20_000 } },
    qualifies: false,
    reasonKey: 'rules.min_amount.below_minimum',
  },
  {
    name: 'total exactly the minimum',
    rules: { minAmount: { basis: 'total', amountMinor: 15_000 } },
    qualifies: true,
  },
  {
    name: 'matched amount (tea 50 + egg 13 = 63) below 70',
    rules: {
      itemGroups: [{ key: 'tea', keywords: ['茶'] }],
      minAmount: { basis: 'matched', amountMinor: 7_000 },
    },
    qualifies: false,
    reasonKey: 'rules.min_amount.below_minimum',
  },
  {
    name: 'total unknown (typed text) with a total threshold',
    rules: { minAmount: { basis: 'total', amountMinor: 100 } },
    invoice: { totalAmountMinor: null },
    qualifies: false,
    reasonKey: 'rules.min_amount.unknown',
  },
  {
    name: 'store allowed by a name pattern with a wildcard',
    rules: { stores: { allow: { namePatterns: ['全家*'] } } },
    qualifies: true,
  },
  {
    name: 'store not in the allow list',
    rules: { stores: { allow: { namePatterns: ['7-ELEVEN*', '統一超商*'] } } },
    qualifies: false,
    reasonKey: 'rules.stores.not_allowed',
  },
  {
    name: 'store allowed by seller BAN',
    rules: { stores: { allow: { sellerBans: ['24549210'] } } },
    qualifies: true,
  },
  {
    name: 'store allowed by an address fragment written with 台 (the invoice says 臺)',
    rules: { stores: { allow: { addressFragments: ['台北市'] } } },
    qualifies: true,
  },
  {
    name: 'store denied by address fragment',
    rules: { stores: { deny: { addressFragments: ['中山區'] } } },
    qualifies: false,
    reasonKey: 'rules.stores.denied',
  },
  {
    name: 'deny wins over allow',
    rules: { stores: { allow: { namePatterns: ['全家'] }, deny: { sellerBans: ['24549210'] } } },
    qualifies: false,
    reasonKey: 'rules.stores.denied',
  },
  {
    name: 'allow list and a seller nobody knows yet',
    rules: { stores: { allow: { namePatterns: ['全家'] } } },
    invoice: { sellerBan: null, sellerName: null, sellerAddress: null },
    qualifies: false,
    reasonKey: 'rules.stores.unknown',
  },
  {
    name: 'daily cap reached',
    rules: { caps: { perMemberPerDay: 2 } },
    context: { memberAcceptedToday: 2 },
    qualifies: false,
    reasonKey: 'rules.cap_per_day.reached',
  },
  {
    name: 'daily cap not reached',
    rules: { caps: { perMemberPerDay: 2 } },
    context: { memberAcceptedToday: 1 },
    qualifies: true,
  },
  {
    name: 'campaign cap reached',
    rules: { caps: { perMemberPerCampaign: 5 } },
    context: { memberAcceptedInCampaign: 5 },
    qualifies: false,
    reasonKey: 'rules.cap_per_campaign.reached',
  },
];

describe('evaluateCampaignRules (table)', () => {
  test.each(rows)('$name', (row) => {
    const decision = evaluateCampaignRules({
      campaign: campaignWith(row.rules, {}, row.campaign),
      invoice: { ...baseInvoice, ...row.invoice },
      registeredAt: row.registeredAt ? new Date(row.registeredAt) : registeredAt,
      context: { ...noCounts, ...row.context },
    });

    expect(decision.qualifies).toBe(row.qualifies);
    expect(decision.qualifies).toBe(decision.verdicts.every((verdict) => verdict.passed));
    if (row.reasonKey) expect(firstFailedVerdict(decision)?.reasonKey).toBe(row.reasonKey);
    else expect(firstFailedVerdict(decision)).toBeUndefined();
  });
});

describe('matched items and rewards', () => {
  test('when groups match, then matched items, their amount and the reward quantities follow the settings', () => {
    const campaign = campaignWith(
      {
        itemGroups: [
          { key: 'tea', keywords: ['茶'], excludeKeywords: ['蛋'] },
          { key: 'snack', keywords: ['chips', '洋芋片'] },
        ],
      },
      {
        points: { basis: 'matched', stepAmountMinor: 1_000, perStep: 1, bonusPerGroup: { tea: 5 } },
        entries: { perProof: 1, perAmountStep: { basis: 'total', stepAmountMinor: 10_000, perStep: 1 } },
        instantWin: { enabled: true },
      },
    );

    const decision = evaluateCampaignRules({
      campaign,
      invoice: baseInvoice,
      registeredAt,
      context: noCounts,
    });

    expect(decision.qualifies).toBe(true);
    expect(decision.matchedItems.map((item) => [item.lineNo, item.groups])).toEqual([
      [1, ['tea']],
      [3, ['snack']],
    ]);
    expect(decision.matchedAmountMinor).toBe(8_900);
    expect(decision.matchedGroups).toEqual(['tea', 'snack']);
    // floor(89 / 10) = 8 points + 5 bonus for tea; entries 1 per proof + floor(150 / 100) = 1.
    expect(decision.rewards).toEqual({ points: 13, entries: 2, instantWin: true });
  });

  test('when a proof does not qualify, then it earns nothing', () => {
    const campaign = campaignWith(
      { excludeVoided: true },
      { points: { stepAmountMinor: 1_000 }, entries: { perProof: 3 } },
    );

    const decision = evaluateCampaignRules({
      campaign,
      invoice: { ...baseInvoice, voided: true },
      registeredAt,
      context: noCounts,
    });

    expect(decision.rewards).toEqual({ points: 0, entries: 0, instantWin: false });
  });

  test('when caps per proof are set, then points and entries stop there', () => {
    const campaign = campaignWith(
      {},
      {
        points: { stepAmountMinor: 100, maxPerProof: 20 },
        entries: { perAmountStep: { stepAmountMinor: 100 }, maxPerProof: 3 },
      },
    );

    const decision = evaluateCampaignRules({
      campaign,
      invoice: baseInvoice,
      registeredAt,
      context: noCounts,
    });

    expect(decision.rewards).toEqual({ points: 20, entries: 3, instantWin: false });
  });

  test('without item groups, the matched amount is the invoice total', () => {
    const decision = evaluateCampaignRules({
      campaign: campaignWith({}, { points: { basis: 'total', stepAmountMinor: 1_000 } }),
      invoice: baseInvoice,
      registeredAt,
      context: noCounts,
    });

    expect(decision.matchedAmountMinor).toBe(15_000);
    expect(decision.rewards.points).toBe(15);
  });
});

describe('campaign settings schema', () => {
  test('when settings are valid, then defaults are filled in', () => {
    const result = parseCampaignSettings({ rules: {}, rewards: {} });

    expect(result).toMatchObject({
      ok: true,
      rules: { excludeBuyerBan: true, excludeVoided: true, upload: { windowDays: 3, graceHours: 12 } },
      rewards: { instantWin: { enabled: false } },
    });
  });

  test.each([
    [{ rules: { itemGroups: [{ key: 'Tea!', keywords: ['茶'] }] }, rewards: {} }, 'rules.itemGroups.0.key'],
    [{ rules: { itemGroups: [{ key: 'tea', keywords: [] }] }, rewards: {} }, 'rules.itemGroups.0.keywords'],
    [{ rules: { minAmount: { basis: 'matched', amountMinor: 100 } }, rewards: {} }, 'rules.minAmount.basis'],
    [
      { rules: { minAmount: { basis: 'total', amountMinor: 10.5 } }, rewards: {} },
      'rules.minAmount.amountMinor',
    ],
    [
      { rules: { stores: { deny: { sellerBans: ['1234'] } } }, rewards: {} },
      'rules.stores.deny.sellerBans.0',
    ],
    [{ rules: {}, rewards: { points: { stepAmountMinor: 0 } } }, 'rewards.points.stepAmountMinor'],
    [
      {
        rules: { itemGroups: [{ key: 'tea', keywords: ['茶'] }] },
        rewards: { points: { stepAmountMinor: 100, bonusPerGroup: { coffee: 1 } } },
      },
      'rewards.points.bonusPerGroup.coffee',
    ],
    [{ rules: {}, rewards: { points: { basis: 'matched', stepAmountMinor: 100 } } }, 'rewards'],
  ])('when settings are %j, then the issue names %s', (input, path) => {
    const result = parseCampaignSettings(input);

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path)).toContain(path);
  });
});

describe('campaign time zone helpers', () => {
  test.each([
    ['2024-11-05T15:59:59Z', 'Asia/Taipei', '2024-11-05'],
    ['2024-11-05T16:00:00Z', 'Asia/Taipei', '2024-11-06'],
    ['2024-11-05T16:30:00Z', 'Asia/Bangkok', '2024-11-05'],
    ['2024-11-05T17:00:00Z', 'Asia/Bangkok', '2024-11-06'],
  ])('%s is %s local date %s', (instant, zone, date) => {
    expect(localDateOf(new Date(instant), zone)).toBe(date);
  });

  test.each([
    ['2024-11-06', 'Asia/Taipei', '2024-11-05T16:00:00.000Z'],
    ['2024-11-06', 'Asia/Bangkok', '2024-11-05T17:00:00.000Z'],
    ['2024-03-10', 'America/New_York', '2024-03-10T05:00:00.000Z'],
  ])('local midnight of %s in %s is %s', (date, zone, instant) => {
    expect(startOfLocalDay(date, zone).toISOString()).toBe(instant);
  });
});
