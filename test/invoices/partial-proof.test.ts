import { describe, expect, test } from '@jest/globals';
import {
  completeWithDate,
  findPartialProof,
  findPrintedProofKeys,
  parseProofText,
  proofFromPrintedKeys,
  purchaseDateRange,
  readDateAnswer,
  recentDays,
} from '../../core/invoices/index.js';

/** Issue #15: part of a proof is kept and completed, not refused. */
describe('findPartialProof', () => {
  test('when the 19-character barcode comes alone, then number, code and period are kept and the date is missing', () => {
    expect(parseProofText('10404UZ176908720122')).toMatchObject({ kind: 'invalid' });

    expect(findPartialProof(' *10404UZ176908720122* ')).toEqual({
      missing: 'invoice_date',
      from: 'barcode',
      invoiceNumber: 'UZ17690872',
      randomCode: '0122',
      period: '10404',
    });
  });

  test('when a right QR code comes alone, then it is kept and the left one is missing', () => {
    expect(findPartialProof('**口罩:1:210:牛奶:1:25')).toEqual({
      missing: 'left_qr',
      right: '**口罩:1:210:牛奶:1:25',
    });
  });

  test('when the text is a whole proof, chat, or a barcode with a bad period, then it is not partial', () => {
    expect(findPartialProof('10404UZ176908720122 2015-04-02')).toBeUndefined();
    expect(findPartialProof('AB12345678 1131105 1234')).toBeUndefined();
    expect(findPartialProof('hello')).toBeUndefined();
    expect(findPartialProof('10403UZ176908720122')).toBeUndefined();
  });
});

describe('the purchase date asked for', () => {
  const barcode = findPartialProof('11312AB123456781234') as Extract<
    ReturnType<typeof findPartialProof>,
    { missing: 'invoice_date' }
  >;

  test('when the period is over, then all its days may be picked; while it runs, only those up to today', () => {
    expect(purchaseDateRange(barcode, '2025-01-20')).toEqual({ min: '2024-11-01', max: '2024-12-31' });
    expect(purchaseDateRange(barcode, '2024-11-05')).toEqual({ min: '2024-11-01', max: '2024-11-05' });
    expect(purchaseDateRange(barcode, '2024-10-30')).toBeUndefined();
    expect(recentDays({ min: '2024-11-01', max: '2024-11-05' }, 3)).toEqual([
      '2024-11-05',
      '2024-11-04',
      '2024-11-03',
    ]);
  });

  test.each([
    ['2024-11-05', '2024-11-05'],
    ['2024/11/5', '2024-11-05'],
    ['113/11/05', '2024-11-05'],
    ['113年11月5日', '2024-11-05'],
    ['1131105', '2024-11-05'],
    ['20241105', '2024-11-05'],
    ['11/5', '2024-11-05'],
    ['11月5日', '2024-11-05'],
  ])('when the member answers %s, then the day is %s', (text, date) => {
    expect(readDateAnswer(text, { min: '2024-11-01', max: '2024-12-31' })).toEqual({ ok: true, date });
  });

  test('when a range crosses new year, then a month and day alone take the year that fits', () => {
    expect(readDateAnswer('12/30', { min: '2024-12-05', max: '2025-01-10' })).toEqual({
      ok: true,
      date: '2024-12-30',
    });
  });

  test('when the answer is a day outside the range, not a real day, or not a date, then it says so', () => {
    const range = { min: '2024-11-01', max: '2024-12-31' };
    expect(readDateAnswer('2024-10-31', range)).toEqual({ ok: false, reason: 'invoice_date.outside_period' });
    expect(readDateAnswer('2024-11-31', range)).toEqual({ ok: false, reason: 'invoice_date.invalid' });
    expect(readDateAnswer('hello', range)).toBeUndefined();
    expect(readDateAnswer('AB12345678 1131105 1234', range)).toBeUndefined();
  });

  test('when the date is known, then the barcode and the date make a proof the parser takes', () => {
    const parsed = parseProofText(completeWithDate(barcode, '2024-11-05'));

    expect(parsed).toMatchObject({
      kind: 'einvoice',
      invoice: {
        invoiceNumber: 'AB12345678',
        invoiceDate: '2024-11-05',
        randomCode: '1234',
        source: 'barcode',
      },
    });
  });
});

describe('the number and random code printed on an e-invoice proof', () => {
  const printed = [
    '統一超商股份有限公司',
    '電子發票證明聯',
    '113年07-08月',
    'BN-61755155',
    '2024-08-05 17:11:00',
    '隨機碼 4632   總計 335',
  ];

  test('when OCR reads number, code, period and a date inside it, then it is an e-invoice to verify', () => {
    const keys = findPrintedProofKeys(printed);

    expect(keys).toEqual({
      invoiceNumber: 'BN61755155',
      randomCode: '4632',
      period: '11308',
      date: '2024-08-05',
    });
    expect(proofFromPrintedKeys(keys!)).toMatchObject({
      kind: 'einvoice',
      invoice: {
        invoiceNumber: 'BN61755155',
        invoiceDate: '2024-08-05',
        randomCode: '4632',
        period: '11308',
      },
    });
  });

  test('when the date read does not fit the period (a misread), then the date is asked, the reading offered', () => {
    const misread = printed.map((line) => line.replace('2024-08-05', '2024-03-05'));

    expect(proofFromPrintedKeys(findPrintedProofKeys(misread)!)).toEqual({
      kind: 'partial',
      partial: {
        missing: 'invoice_date',
        from: 'photo',
        invoiceNumber: 'BN61755155',
        randomCode: '4632',
        period: '11308',
      },
    });
  });

  test('when no date was read, then it is part of a proof; without the random code, nothing', () => {
    expect(
      proofFromPrintedKeys(findPrintedProofKeys(printed.filter((line) => !line.startsWith('2024')))!),
    ).toMatchObject({
      kind: 'partial',
      partial: { invoiceNumber: 'BN61755155', period: '11308' },
    });
    expect(findPrintedProofKeys(printed.filter((line) => !line.startsWith('隨機碼')))).toBeUndefined();
  });
});
