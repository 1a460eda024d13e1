import { describe, expect, test } from '@jest/globals';
import {
  isDateInPeriod,
  isValidBusinessId,
  isValidInvoiceDate,
  isValidPeriod,
  normalizeItemName,
  parseRocCompactDate,
  periodDateRange,
  periodOfDate,
  toRocCompactDate,
} from '../../core/invoices/index.js';

describe('isValidBusinessId', () => {
  test.each([
    // Real sellers from the samples (checksum sums 20–50, all divisible by 10 as well).
    ['24789457', true],
    ['42327458', true],
    ['01802176', true],
    ['53027197', true],
    ['28433892', true],
    ['53538851', true],
    ['01012145', true],
    ['28414044', true],
    ['42092179', true],
    ['28441577', true],
    // 7th digit 7 whose sum (28 counted as 10) is already divisible: valid either way.
    ['10458575', true],
    // 7th digit 7, sum 14: only the "28 counts as 1" reading (sum + 1 = 15) makes it valid.
    ['10000073', true],
    ['10000078', true],
    // Sum 35 / 45: valid under the current divisor 5, invalid under the old divisor 10.
    ['25079339', true],
    ['86737166', true],
    ['20000003', true],
    // Invalid checksums: dummy IDs from test environments and the MoF spec example.
    ['12345678', false],
    ['01234567', false],
    ['10000075', false],
    ['10000076', false],
    ['24789458', false],
    // 7th digit not 7: the +1 rule does not apply (sum 14).
    ['10000067', false],
    // Format
    ['2478945', false],
    ['247894570', false],
    ['2478945A', false],
    ['', false],
    ['２４７８９４５７', false],
  ])('isValidBusinessId(%j) is %s', (value, expected) => {
    expect(isValidBusinessId(value)).toBe(expected);
  });
});

describe('invoice periods and ROC dates', () => {
  test.each([
    ['2024-01-01', '11302'],
    ['2024-02-29', '11302'],
    ['2024-03-01', '11304'],
    ['2024-11-05', '11312'],
    ['2024-12-31', '11312'],
    ['2011-08-01', '10008'],
    ['2010-07-15', '09908'],
  ])('the period of %s is %s', (date, period) => {
    expect(periodOfDate(date)).toBe(period);
    expect(isDateInPeriod(date, period)).toBe(true);
  });

  test.each([
    ['11312', { from: '2024-11-01', to: '2024-12-31' }],
    ['11302', { from: '2024-01-01', to: '2024-02-29' }],
    ['11202', { from: '2023-01-01', to: '2023-02-28' }],
    ['10404', { from: '2015-03-01', to: '2015-04-30' }],
  ])('period %s runs %o', (period, range) => {
    expect(periodDateRange(period)).toEqual(range);
  });

  test.each(['11311', '11300', '11314', '1131', '113122', 'abcde', '08812'])(
    'period %j is not a period (odd month, out of range or not yyyMM)',
    (period) => {
      expect(isValidPeriod(period)).toBe(false);
      expect(periodDateRange(period)).toBeUndefined();
    },
  );

  test('a date outside the number’s period is not in it', () => {
    expect(isDateInPeriod('2024-10-31', '11312')).toBe(false);
    expect(isDateInPeriod('2025-01-01', '11312')).toBe(false);
    expect(isDateInPeriod('2024-02-30', '11302')).toBe(false);
  });

  test.each([
    ['1131105', '2024-11-05'],
    ['1000801', '2011-08-01'],
    ['1130229', '2024-02-29'],
    ['1120229', undefined],
    ['1131301', undefined],
    ['1131100', undefined],
    ['113110', undefined],
    ['0001105', undefined],
  ])('ROC %s is %s', (roc, iso) => {
    expect(parseRocCompactDate(roc)).toBe(iso);
    if (iso) expect(toRocCompactDate(iso)).toBe(roc);
  });

  test('invoice dates must be real calendar dates in the window', () => {
    expect(isValidInvoiceDate('2024-02-29')).toBe(true);
    expect(isValidInvoiceDate('2023-02-29')).toBe(false);
    expect(isValidInvoiceDate('1999-12-31')).toBe(false);
    expect(isValidInvoiceDate('2024-1-05')).toBe(false);
  });
});

describe('normalizeItemName', () => {
  test.each([
    ['ＣＯＣＡ　ＣＯＬＡ　６００ｍｌ', 'cocacola600ml'],
    ['Coca Cola 600ML', 'cocacola600ml'],
    ['  御茶園 特撰冰釀綠茶 ', '御茶園特撰冰釀綠茶'],
    ['ｶﾞﾑ', 'ガム'],
    ['', ''],
  ])('normalizeItemName(%j) is %j', (name, expected) => {
    expect(normalizeItemName(name)).toBe(expected);
  });
});
