import { describe, expect, test } from '@jest/globals';
import {
  campaignRewardsSchema,
  campaignRulesSchema,
  evaluateCampaignRules,
  firstFailedVerdict,
} from '../../core/campaigns/index.js';
import { rulesInvoiceFromReading, type ReceiptReading } from '../../core/receipts/index.js';

/** Issue #10: a receipt is judged in the currency it states, and in the campaign's only when it states none. */
const reading = (currency: ReceiptReading['currency']) => ({
  currency,
  fields: {
    date: '2026-11-20',
    storeName: 'KK Super Mart',
    totalMinor: 15_000,
    items: [{ name: 'Green tea', quantity: 2, amountMinor: 15_000 }],
  },
});

const twdCampaign = {
  timezone: 'Asia/Taipei',
  currency: 'TWD' as const,
  purchaseFrom: '2026-11-01',
  purchaseTo: '2026-11-30',
  registerFrom: new Date('2026-10-31T16:00:00Z'),
  registerTo: new Date('2026-12-07T15:59:59Z'),
  rules: campaignRulesSchema.parse({}),
  rewards: campaignRewardsSchema.parse({ points: { basis: 'total', stepAmountMinor: 1_000, perStep: 1 } }),
};

const judge = (currency: ReceiptReading['currency']) =>
  evaluateCampaignRules({
    campaign: twdCampaign,
    invoice: rulesInvoiceFromReading(reading(currency), 'TWD')!,
    registeredAt: new Date('2026-11-21T04:00:00Z'),
    context: { memberAcceptedToday: 0, memberAcceptedInCampaign: 0 },
  });

describe('the currency a receipt is judged in', () => {
  test('a receipt that states no currency is judged in the campaign’s (never silently in baht)', () => {
    expect(rulesInvoiceFromReading(reading('UNKNOWN'), 'TWD')?.currency).toBe('TWD');
    expect(judge('UNKNOWN').qualifies).toBe(true);
  });

  test('a ringgit receipt on a NT$ campaign keeps its currency and is refused for it, not read as dollars', () => {
    const decision = judge('MYR');

    expect(rulesInvoiceFromReading(reading('MYR'), 'TWD')?.currency).toBe('MYR');
    expect(decision.qualifies).toBe(false);
    expect(firstFailedVerdict(decision)).toMatchObject({
      rule: 'currency',
      params: { expected: 'TWD', actual: 'MYR' },
    });
  });

  test('a baht receipt on a NT$ campaign is refused for its currency too', () => {
    expect(firstFailedVerdict(judge('THB'))).toMatchObject({ rule: 'currency' });
  });
});
