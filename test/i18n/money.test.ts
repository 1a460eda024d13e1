import { describe, expect, test } from '@jest/globals';
import { formatMoneyMinor } from '../../core/i18n/money.js';

/** The console's language tags (console-app/src/format.ts) and the rule checker's. */
const TAGS = { 'zh-TW': 'zh-TW', th: 'th-TH-u-ca-gregory', en: 'en-GB' } as const;

describe('money as Taiwanese and Thai readers write it (formatMoneyMinor)', () => {
  test.each(Object.entries(TAGS))(
    'in %s, New Taiwan dollars are NT$ without cents and baht are ฿ with satang',
    (_, tag) => {
      expect(formatMoneyMinor(5_000, 'TWD', tag)).toBe('NT$50');
      expect(formatMoneyMinor(123_400, 'TWD', tag)).toBe('NT$1,234');
      expect(formatMoneyMinor(5_000, 'THB', tag)).toBe('฿50.00');
      expect(formatMoneyMinor(8_950, 'THB', tag)).toBe('฿89.50');
      expect(formatMoneyMinor(-5_000, 'TWD', tag)).toBe('-NT$50');
    },
  );

  test('a TWD amount that has cents keeps them rather than show a rounded sum', () => {
    expect(formatMoneyMinor(1_250, 'TWD', 'zh-TW')).toBe('NT$12.50');
  });

  test('another currency is left to Intl, and an unknown code still reads as an amount', () => {
    expect(formatMoneyMinor(5_000, 'USD', 'en-GB')).toBe('US$50.00');
    expect(formatMoneyMinor(5_000, 'XYZ', 'en-GB')).toMatch(/XYZ\s?50\.00/);
  });
});
