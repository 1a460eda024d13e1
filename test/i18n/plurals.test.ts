import { describe, expect, it } from '@jest/globals';
import { getTranslator } from '../../core/i18n/index.js';

describe("the bot's answers count in the member's language", () => {
  it('English says one point and one entry, and plurals otherwise', () => {
    const t = getTranslator('en');
    expect(t('result.accepted.earned', { count: 1 })).toBe('You earned 1 point');
    expect(t('result.accepted.earned', { count: 12 })).toBe('You earned 12 points');
    expect(t('result.accepted.entries', { count: 1 })).toBe('1 lottery entry');
    expect(t('result.accepted.entries', { count: 3 })).toBe('3 lottery entries');
    expect(t('result.accepted.held', { count: 1 })).toBe('Accepted: 1 point is waiting for you');
    expect(t('result.accepted.balance', { count: 0 })).toBe('Balance: 0 points');
    expect(t('points.balance', { count: 1 })).toBe('1 point');
  });

  it('Chinese and Thai keep their one form for every count', () => {
    for (const locale of ['zh-TW', 'th'] as const) {
      const t = getTranslator(locale);
      const one = t('result.accepted.earned', { count: 1 });
      expect(one).toContain('1');
      expect(one).toBe(t('result.accepted.earned', { count: 7 }).replace('7', '1'));
      expect(one).not.toMatch(/point/);
    }
  });
});
