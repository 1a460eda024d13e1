import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from '@jest/globals';
import { projectRoot } from '../../core/shared/paths.js';
import {
  classifyMofAnswerCode,
  mofAnswerDateToIso,
  normalizeMofInvoice,
  parseMofNumber,
  periodOfIsoDate,
  signMofParameters,
  toJavaDateObject,
} from '../../core/verification/verification.models.js';
import type { PlatformAction } from '../../core/verification/index.js';

type Fixture = { value: Record<string, unknown>; source: string; notes: string };
const answers: Fixture[] = JSON.parse(
  readFileSync(join(projectRoot, 'test/fixtures/mof/api-answers.json'), 'utf8'),
) as Fixture[];

function normalized(raw: Record<string, unknown>, action: PlatformAction) {
  const result = normalizeMofInvoice(raw, action);
  if (!result.ok) throw new Error(result.reason);
  return result.invoice;
}

describe('normalizeMofInvoice on the real answers of samples.json', () => {
  test('a qryInvHeader answer becomes a header-level invoice with a consumer buyer', () => {
    const raw = answers[0]!.value;

    const invoice = normalized(raw, 'qryInvHeader');

    expect(invoice).toMatchObject({
      invoiceNumber: 'GL53778311',
      invoiceDate: '2022-12-02',
      invoiceTime: '10:51:06',
      period: '11112',
      status: 'valid',
      statusText: '已確認',
      sellerBan: '28414044',
      buyerBan: null,
      currency: 'TWD',
      totalAmount: null,
      level: 'header',
      items: [],
    });
    expect(invoice.raw).toBe(raw);
  });

  test('a qryInvDetail answer carries its items as numbers, and the total is their sum', () => {
    const invoice = normalized(answers[1]!.value, 'qryInvDetail');

    expect(invoice.level).toBe('detail');
    expect(invoice.items).toEqual([
      { rowNum: 1, name: '克寧奶粉', quantity: 1, unitPrice: 699, amount: 699, amountMinor: 69900 },
    ]);
    expect(invoice.totalAmount).toBe(699);
    expect(invoice.totalAmountMinor).toBe(69900);
  });

  test('a discount row (unit price 0, negative amount) lowers the total', () => {
    const invoice = normalized(answers[2]!.value, 'qryInvDetail');

    expect(invoice.items.map((item) => item.amount)).toEqual([70, -35]);
    expect(invoice.totalAmount).toBe(35);
    expect(invoice.sellerAddress).toBe('基隆市中正區北寧路２號');
  });

  test('decimal quantities and prices survive (fuel)', () => {
    const invoice = normalized(answers[4]!.value, 'qryInvDetail');

    expect(invoice.items[0]).toMatchObject({ quantity: 4.731, unitPrice: 31.3, amount: 148 });
    expect(invoice.sellerAddress).toBe('');
  });

  test('a carrier list element uses the java.util.Date time for its date, and keeps its amount', () => {
    const list = answers[6]!.value as { details: Record<string, unknown>[] };

    const invoice = normalized(list.details[0]!, 'carrierInvChk');

    expect(invoice.invoiceDate).toBe('2012-07-09');
    expect(invoice.totalAmount).toBe(81);
    expect(invoice.currency).toBe('USD');
    expect(invoice.buyerBan).toBe('12345678');
    expect(invoice.period).toBeNull(); // the spec example says "YYYMM"
    expect(invoice.invoiceTime).toBeNull();
  });

  test.each([
    [{ invNum: 'XX', invDate: '20221202' }, /invNum/],
    [{ invNum: 'GL53778311', invDate: '2022-13-45' }, /invDate/],
    [{ invNum: 'GL53778311', invDate: '20221202', details: 'x' }, /details/],
    [
      {
        invNum: 'GL53778311',
        invDate: '20221202',
        details: [{ quantity: 'one', unitPrice: '1', amount: '1' }],
      },
      /non-numeric/,
    ],
  ])('an unreadable answer %j gives a reason instead of throwing', (raw, reason) => {
    const result = normalizeMofInvoice(raw as Record<string, unknown>, 'qryInvDetail');

    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.reason).toMatch(reason);
  });

  test('a voided invoice is voided, whatever else it says', () => {
    const invoice = normalized({ ...answers[0]!.value, invStatus: '已作廢' }, 'qryInvHeader');

    expect(invoice.status).toBe('voided');
  });

  test('buyer 00000000 means a consumer', () => {
    expect(normalized({ ...answers[0]!.value, buyerBan: '00000000' }, 'qryInvHeader').buyerBan).toBeNull();
  });
});

describe('MoF formats', () => {
  test.each([
    ['2024-11-05', '11312'],
    ['2024-01-31', '11302'],
    ['2024-02-01', '11302'],
    ['2015-04-30', '10404'],
    ['2025-12-31', '11412'],
  ])('the period of %s is %s', (date, period) => {
    expect(periodOfIsoDate(date)).toBe(period);
  });

  test.each([
    ['20221202', '2022-12-02'],
    ['2022/12/02', '2022-12-02'],
    ['20220231', undefined],
    [{ time: '1341763200000' }, '2012-07-09'],
    [{ time: 'soon' }, undefined],
    [42, undefined],
  ])('the answer date %j is %s', (value, iso) => {
    expect(mofAnswerDateToIso(value)).toBe(iso);
  });

  test('the java.util.Date of the carrier list round-trips through mofAnswerDateToIso', () => {
    const java = toJavaDateObject('2024-03-01', '00:30:00');

    expect(java).toMatchObject({ year: '124', month: '2', date: '1', timezoneOffset: '-480' });
    expect(mofAnswerDateToIso(java)).toBe('2024-03-01');
  });

  test.each([
    ['699', 699],
    ['-35', -35],
    ['4.731', 4.731],
    ['1,200', 1200],
    ['', undefined],
    ['12a', undefined],
    [null, undefined],
  ])('the API number %j is %s', (value, expected) => {
    expect(parseMofNumber(value)).toBe(expected);
  });

  test.each([
    ['200', 'ok'],
    ['914', 'not_found'],
    ['915', 'not_found'],
    ['953', 'carrier_rejected'],
    ['950', 'query_limit'],
    ['903', 'bad_request'],
    ['998', 'rejected'],
    ['951', 'retryable'],
    ['999', 'retryable'],
    ['123', 'retryable'],
  ])('answer code %s is %s', (code, kind) => {
    expect(classifyMofAnswerCode(code)).toBe(kind);
  });

  test('the signature is the HMAC-SHA256 of the sorted parameters, without the signature itself', () => {
    const a = signMofParameters({ b: '2', a: '1', signature: 'old' }, 'key');
    const b = signMofParameters({ a: '1', b: '2' }, 'key');

    expect(a).toBe(b);
    // HMAC-SHA256("a=1&b=2", "key"), Base64.
    expect(a).toBe('s8GGJuesgTlcHTeWbH7iJYppZ6Gz/e+0+jObsZ3HOw4=');
    expect(signMofParameters({ a: '1', b: '2' }, 'other')).not.toBe(a);
  });
});
