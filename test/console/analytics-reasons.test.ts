import { describe, expect, it } from '@jest/globals';
import type { RuleName } from '../../core/campaigns/campaigns.rules.js';
import { REVIEW_REJECT_REASONS } from '../../core/review/review.models.js';
import { reasonLabel } from '../../console-app/src/pages/analytics/reasons.js';

const LOCALES = ['en', 'zh-TW', 'th'] as const;
/** Every rule a refusal can name: adding a rule to RuleName without a label here fails to compile. */
const RULES: Record<RuleName, string> = {
  currency: 'mismatch',
  purchase_date: 'too_late',
  registration_window: 'closed',
  register_within_days: 'too_late',
  voided: 'voided',
  buyer_ban: 'b2b',
  stores: 'not_allowed',
  item_groups: 'missing_group',
  min_amount: 'below_minimum',
  cap_per_day: 'reached',
  cap_per_campaign: 'reached',
};

describe('rejection reasons on the funnel', () => {
  it('names every rule and every reviewer reason in each console language', () => {
    const codes = [
      ...Object.entries(RULES).map(([rule, verdict]) => `rules.${rule}.${verdict}`),
      ...REVIEW_REJECT_REASONS.map((reason) => `review.${reason}`),
      'rules.failed',
      'verification.not_uploaded',
      'verification.unreadable',
      'verification.random_code_mismatch',
    ];
    for (const locale of LOCALES)
      for (const code of codes) {
        const label = reasonLabel(code, locale);
        expect({ code, locale, label: label && label !== code }).toEqual({ code, locale, label: true });
      }
    expect(reasonLabel('rules.min_amount.below_minimum', 'zh-TW')).toBe('未達最低金額');
    expect(reasonLabel('review.products_not_eligible', 'th')).toBe('สินค้าไม่ร่วมรายการ');
  });

  it('leaves a code it does not know to be shown as it is', () => {
    expect(reasonLabel('rules.some_new_rule.failed', 'en')).toBeNull();
    expect(reasonLabel('review.toString', 'en')).toBeNull();
    expect(reasonLabel('something.else', 'th')).toBeNull();
  });
});
