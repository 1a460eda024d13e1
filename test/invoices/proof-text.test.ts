import { describe, expect, test } from '@jest/globals';
import {
  parseCarrierText,
  parseInvoiceText,
  parseProofText,
  type ParseReason,
} from '../../core/invoices/index.js';

const TEXT_INVOICE = {
  salesAmount: null,
  totalAmount: null,
  buyerBan: null,
  sellerBan: null,
  encrypt: null,
  items: [],
  itemsComplete: false,
  source: 'text',
};

/** The period by hand: ROC year (3 digits) + the even month closing the two-month period. */
function periodFor(isoDate: string): string {
  const rocYear = String(Number(isoDate.slice(0, 4)) - 1911).padStart(3, '0');
  const evenMonth = String(Math.ceil(Number(isoDate.slice(5, 7)) / 2) * 2).padStart(2, '0');
  return `${rocYear}${evenMonth}`;
}

describe('parseProofText on typed invoices', () => {
  test.each([
    ['AB12345678 1131105 1234', 'AB12345678', '2024-11-05', '1234'],
    ['AB-12345678 113/11/05 1234', 'AB12345678', '2024-11-05', '1234'],
    ['ab12345678 2024/11/05 1234', 'AB12345678', '2024-11-05', '1234'],
    ['AB 12345678 2024-11-05 0042', 'AB12345678', '2024-11-05', '0042'],
    ['ＡＢ１２３４５６７８　１１３年１１月５日　１２３４', 'AB12345678', '2024-11-05', '1234'],
    ['ｘｙ－８７６５４３２１ ２０２４．０２．２９ ９８７６', 'XY87654321', '2024-02-29', '9876'],
    ['發票號碼:AB-12345678，日期:113年1月5日，隨機碼:1234，謝謝', 'AB12345678', '2024-01-05', '1234'],
    [
      'Hi! my invoice is QZ00000001 from 20241231, random code 5555 thanks',
      'QZ00000001',
      '2024-12-31',
      '5555',
    ],
    ['1234 AB12345678 1131105', 'AB12345678', '2024-11-05', '1234'],
    ['ใบกำกับภาษี AB12345678 วันที่ 2024/11/05 รหัส 1234', 'AB12345678', '2024-11-05', '1234'],
    ['AB12345678\n113.11.05\n隨機碼 0001', 'AB12345678', '2024-11-05', '0001'],
    ['AB12345678 99/12/31 1234', 'AB12345678', '2010-12-31', '1234'],
    ['AB1234567811311051234', 'AB12345678', '2024-11-05', '1234'],
    ['AB12345678/1131105/1234', 'AB12345678', '2024-11-05', '1234'],
    ['AB12345678 113 11 05 1234', 'AB12345678', '2024-11-05', '1234'],
    ['AB12345678 1131105 1234 總計 1,200 元', 'AB12345678', '2024-11-05', '1234'],
  ])('when someone types %j, then it is that invoice', (text, invoiceNumber, invoiceDate, randomCode) => {
    const result = parseProofText(text);

    expect(result).toEqual({
      kind: 'einvoice',
      warnings: [],
      invoice: {
        ...TEXT_INVOICE,
        invoiceNumber,
        invoiceDate,
        randomCode,
        period: periodFor(invoiceDate),
      },
    });
  });

  test.each<[string, ParseReason[]]>([
    ['AB-12345678', ['invoice_date.missing', 'random_code.missing']],
    ['AB12345678 1131105', ['random_code.missing']],
    ['AB12345678 1234', ['invoice_date.missing']],
    ['AB12345678 1131345 1234', ['invoice_date.invalid']],
    ['AB12345678 113/02/30 1234', ['invoice_date.invalid']],
    ['AB12345678 2023/02/29 1234', ['invoice_date.invalid']],
    ['AB12345678 1131105 2024/11/06 1234', ['invoice_date.ambiguous']],
    ['AB1234567 1131105 1234', ['invoice_number.invalid']],
    ['A12345678 1131105 1234', ['invoice_number.invalid']],
    ['ABC123456789 1131105 1234', ['invoice_number.invalid']],
    ['AB12345678 CD87654321 1131105 1234', ['invoice_number.ambiguous']],
    ['12345678 1131105 1234', ['invoice_number.missing']],
    ['AB12345678 1131105 123', ['random_code.invalid']],
    ['AB12345678 1131105 隨機碼 12345', ['random_code.invalid']],
    ['AB12345678 1131105 1234 5678', ['random_code.ambiguous']],
    ['AB12345678 113年11-12月 1234', ['invoice_date.missing']],
  ])('when someone types %j, then it says exactly what is wrong', (text, reasons) => {
    const result = parseProofText(text);

    expect(result.kind).toBe('invalid');
    expect(result.kind === 'invalid' && result.errors.map((error) => error.reason)).toEqual(reasons);
  });

  test('when the random code may be left out (paper invoice flow), then typed text without it parses', () => {
    const result = parseInvoiceText('AB12345678 113/11/05', { requireRandomCode: false });

    expect(result).toMatchObject({ ok: true, invoice: { invoiceNumber: 'AB12345678', randomCode: null } });
  });

  test.each([
    'hello',
    '我的點數',
    'points',
    '/balance',
    '/points',
    '1234',
    'help me please',
    '',
    '   ',
    'ok 12345678',
    '2024/11/05',
    '今天 11/05',
  ])('when the text is %j, then it is not a proof', (text) => {
    expect(parseProofText(text)).toEqual({ kind: 'not_a_proof' });
  });
});

describe('parseProofText on barcodes', () => {
  test('when the 19-character barcode comes with a date inside its period, then it is that invoice', () => {
    expect(parseProofText('10404UZ176908720122 104/03/15')).toMatchObject({
      kind: 'einvoice',
      invoice: {
        invoiceNumber: 'UZ17690872',
        invoiceDate: '2015-03-15',
        randomCode: '0122',
        period: '10404',
        source: 'barcode',
      },
    });
  });

  test.each<[string, ParseReason[]]>([
    ['10404UZ176908720122', ['invoice_date.missing']],
    ['*10404UZ176908720122* 2015/05/01', ['invoice_date.outside_period']],
    ['10403UZ176908720122 2015/03/15', ['period.invalid']],
  ])('when the barcode text is %j, then it says what is wrong', (text, reasons) => {
    const result = parseProofText(text);

    expect(result.kind === 'invalid' && result.errors.map((error) => error.reason)).toEqual(reasons);
  });
});

describe('parseProofText on pasted QR payloads', () => {
  const left =
    'TZ62958842106052991040000004B0000004B00000000423274581ddZFPeX1laqgQNOdA5c9Q==:**********:2:2:1:菠蘿:1:35:日式紅豆:1:40';

  test.each([
    ['left alone', left],
    ['left then right on one line', `${left} **`],
    ['right first, then left', `**\n${left}`],
    ['with words before', `here is my invoice ${left}`],
  ])('when the QR text is pasted (%s), then the invoice comes out', (_case, text) => {
    expect(parseProofText(text)).toMatchObject({
      kind: 'einvoice',
      invoice: {
        invoiceNumber: 'TZ62958842',
        totalAmount: 75,
        source: 'qr',
        items: [{ name: '菠蘿' }, { name: '日式紅豆' }],
      },
    });
  });

  test('when a truncated left QR is pasted, then it is reported too short', () => {
    expect(parseProofText(left.slice(0, 60))).toEqual({
      kind: 'invalid',
      errors: [{ field: 'qr', reason: 'qr.too_short' }],
    });
  });

  test('when a left QR carries a month 13, then the date is reported invalid', () => {
    const bad = `${left.slice(0, 13)}13${left.slice(15)}`;

    expect(parseProofText(bad)).toEqual({
      kind: 'invalid',
      errors: [{ field: 'invoiceDate', reason: 'invoice_date.invalid' }],
    });
  });
});

describe('parseProofText on mobile barcode carriers', () => {
  test.each([
    ['/ABC+123 abcd1234', { barcode: '/ABC+123', verificationCode: 'abcd1234' }],
    ['/abc.123 驗證碼 Pass1234', { barcode: '/ABC.123', verificationCode: 'Pass1234' }],
    [
      '手機條碼 ／ＡＢ１２３－Ｚ 驗證碼：ｘｙｚ９ 113/11/01~113/11/30',
      { barcode: '/AB123-Z', verificationCode: 'xyz9', dateFrom: '2024-11-01', dateTo: '2024-11-30' },
    ],
    [
      'carrier /XCCYDHQ code 9a9a from 2024/11/01 to 2024/11/30',
      { barcode: '/XCCYDHQ', verificationCode: '9a9a', dateFrom: '2024-11-01', dateTo: '2024-11-30' },
    ],
    [
      '/ABC+123 abcd1234 2024/11/01-2024/11/30',
      { barcode: '/ABC+123', verificationCode: 'abcd1234', dateFrom: '2024-11-01', dateTo: '2024-11-30' },
    ],
  ])('when someone types %j, then it is that carrier', (text, carrier) => {
    expect(parseProofText(text)).toEqual({ kind: 'carrier', carrier });
    expect(parseCarrierText(text)).toEqual({ ok: true, carrier });
  });

  test.each<[string, ParseReason[]]>([
    ['/ABC+123', ['verification_code.missing']],
    ['/ABC+12 abcd1234', ['carrier_barcode.invalid']],
    ['/ABC+123 驗證碼 ab', ['verification_code.invalid']],
    ['/ABC+123 abcd1234 2024/11/01', ['date_range.incomplete']],
    ['/ABC+123 abcd1234 2024/11/30-2024/11/01', ['date_range.reversed']],
    ['/ABC+123 abcd1234 2024/11/01-2024/13/30', ['date_range.invalid']],
  ])('when someone types %j, then it says what is wrong', (text, reasons) => {
    const result = parseProofText(text);

    expect(result.kind === 'invalid' && result.errors.map((error) => error.reason)).toEqual(reasons);
  });
});
