import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { generateEInvoicePayloads } from '../../bench/support/einvoice-payloads.js';
import {
  checkParsedInvoice,
  isValidBusinessId,
  parseBarcode,
  parseCarrierText,
  parseEInvoiceQr,
  parseInvoiceText,
  parseProofText,
  type InvoiceParseResult,
  type ParsedInvoice,
  type ParseIssue,
  type ProofTextResult,
} from '../../core/invoices/index.js';

const RUNS = { numRuns: 400 };
const generatedPayloads = generateEInvoicePayloads(200, 11);

/**
 * The invariant every yielded invoice must keep: its own checks pass, except a business-ID checksum
 * failure, which the parser must then have reported as a warning.
 */
function expectSelfConsistent(invoice: ParsedInvoice, warnings: ParseIssue[]) {
  for (const issue of checkParsedInvoice(invoice)) {
    expect(['buyer_ban.checksum', 'seller_ban.checksum']).toContain(issue.reason);
    expect(warnings).toContainEqual(issue);
  }
}

function expectInvoiceResult(result: InvoiceParseResult) {
  if (result.ok) expectSelfConsistent(result.invoice, result.warnings);
  else expect(result.errors.length).toBeGreaterThan(0);
}

function expectProofResult(result: ProofTextResult) {
  if (result.kind === 'einvoice') expectSelfConsistent(result.invoice, result.warnings);
  if (result.kind === 'invalid') expect(result.errors.length).toBeGreaterThan(0);
  if (result.kind === 'carrier') {
    expect(result.carrier.barcode).toMatch(/^\/[0-9A-Z.+-]{7}$/);
    expect(result.carrier.verificationCode).toMatch(/^[0-9A-Za-z]{4,16}$/);
    if (result.carrier.dateFrom) expect(result.carrier.dateFrom <= result.carrier.dateTo!).toBe(true);
  }
}

const digits = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: length, maxLength: length });
const pad = (value: number, width: number) => String(value).padStart(width, '0');
const validBan = digits(7).map((seven) => {
  for (let last = 0; last <= 9; last++) if (isValidBusinessId(`${seven}${last}`)) return `${seven}${last}`;
  return `${seven}0`;
});
const isoDate = fc
  .date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2110-12-31T00:00:00Z'), noInvalidDate: true })
  .map((date) => date.toISOString().slice(0, 10));
const invoiceNumber = fc
  .tuple(
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'),
    digits(8),
  )
  .map(([a, b, rest]) => `${a}${b}${rest}`);
const itemName = fc.oneof(
  fc.constantFrom('乾電池', '口罩', '牛奶', '九二無鉛', '御茶園特撰冰釀綠茶', 'Coca Cola 600ml', '尖叫雞/隻'),
  fc
    .string({ unit: fc.constantFrom(...'中文字測試商品ABCxyz 0123'), minLength: 1, maxLength: 12 })
    .filter((s) => s.trim() === s && s !== ''),
);
const item = fc.record({
  name: itemName,
  quantity: fc.integer({ min: 1, max: 99 }),
  unitPrice: fc.integer({ min: 0, max: 99999 }),
});

/** A well-formed QR pair and the invoice it encodes. */
const qrPair = fc
  .record({
    invoiceNumber,
    invoiceDate: isoDate,
    randomCode: digits(4),
    salesAmount: fc.integer({ min: 0, max: 0xffffffff }),
    totalAmount: fc.integer({ min: 0, max: 0xffffffff }),
    buyerBan: fc.option(validBan, { nil: null }),
    sellerBan: validBan,
    encrypt: fc.string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/='),
      minLength: 24,
      maxLength: 24,
    }),
    items: fc.array(item, { minLength: 0, maxLength: 6 }),
    encoding: fc.constantFrom<0 | 1 | 2>(0, 1, 2),
    cutFraction: fc.double({ min: 0, max: 1, noNaN: true }),
    bytes: fc.boolean(),
  })
  .map((spec) => {
    const [year, month, day] = spec.invoiceDate.split('-').map(Number) as [number, number, number];
    const head =
      `${spec.invoiceNumber}${pad(year - 1911, 3)}${pad(month, 2)}${pad(day, 2)}${spec.randomCode}` +
      `${spec.salesAmount.toString(16).padStart(8, '0')}${spec.totalAmount.toString(16).padStart(8, '0')}` +
      `${spec.buyerBan ?? '00000000'}${spec.sellerBan}${spec.encrypt}`;
    const itemText = spec.items.map((i) => `${i.name}:${i.quantity}:${i.unitPrice}`).join(':');
    const prefix = `${head}:**********:${spec.items.length}:${spec.items.length}:${spec.encoding}:`;
    let itemPayload: Buffer;
    if (spec.encoding === 0) itemPayload = iconv.encode(itemText, 'big5');
    else if (spec.encoding === 1) itemPayload = Buffer.from(itemText, 'utf8');
    else itemPayload = Buffer.from(Buffer.from(itemText, 'utf8').toString('base64'), 'latin1');
    const cut = Math.floor(itemPayload.length * spec.cutFraction);
    const leftBytes = Buffer.concat([Buffer.from(prefix, 'latin1'), itemPayload.subarray(0, cut)]);
    const rightBytes = Buffer.concat([Buffer.from('**', 'latin1'), itemPayload.subarray(cut)]);
    // Text input only makes sense when the cut falls between characters (as a real scanner's text does).
    const left = spec.bytes || spec.encoding === 0 ? leftBytes : leftBytes.toString('utf8');
    const right = spec.bytes || spec.encoding === 0 ? rightBytes : rightBytes.toString('utf8');
    return { spec, left, right };
  });

const mutation = fc.record({
  kind: fc.constantFrom('replace', 'delete', 'insert', 'truncate', 'swap', 'duplicate'),
  position: fc.double({ min: 0, max: 1, noNaN: true }),
  char: fc.oneof(
    fc.constantFrom(...'0123456789ABCDEFabcdefZ:*=+/ ', '中', '\uFFFD', '\u0000'),
    fc.string({ minLength: 1, maxLength: 1 }),
  ),
});
type Mutation = { kind: string; position: number; char: string };
function mutate(text: string, mutations: Mutation[]): string {
  let value = text;
  for (const m of mutations) {
    const at = Math.floor(m.position * value.length);
    if (m.kind === 'replace') value = value.slice(0, at) + m.char + value.slice(at + 1);
    if (m.kind === 'delete') value = value.slice(0, at) + value.slice(at + 1);
    if (m.kind === 'insert') value = value.slice(0, at) + m.char + value.slice(at);
    if (m.kind === 'truncate') value = value.slice(0, at);
    if (m.kind === 'swap' && at + 1 < value.length)
      value = value.slice(0, at) + value[at + 1] + value[at] + value.slice(at + 2);
    if (m.kind === 'duplicate') value = value.slice(0, at) + value.slice(at, at + 5) + value.slice(at);
  }
  return value;
}

describe('QR parsing properties', () => {
  test('a well-formed QR pair parses back to exactly what it encodes, in either order', () => {
    fc.assert(
      fc.property(qrPair, fc.boolean(), ({ spec, left, right }, swap) => {
        // Text with a UTF-8 character cut in two cannot exist; skip those cuts for text input.
        if (typeof left === 'string' && (left.includes('\uFFFD') || (right as string).includes('\uFFFD')))
          return;
        const result = swap ? parseEInvoiceQr(right, left) : parseEInvoiceQr(left, right);

        expect(result.ok).toBe(true);
        if (!result.ok) return;
        expect(result.invoice).toEqual({
          invoiceNumber: spec.invoiceNumber,
          invoiceDate: spec.invoiceDate,
          randomCode: spec.randomCode,
          period: result.invoice.period,
          salesAmount: spec.salesAmount,
          totalAmount: spec.totalAmount,
          buyerBan: spec.buyerBan,
          sellerBan: spec.sellerBan,
          encrypt: spec.encrypt,
          items: spec.items,
          itemsComplete: true,
          source: 'qr',
        });
        expect(result.warnings).toEqual([]);
        expectSelfConsistent(result.invoice, result.warnings);
      }),
      RUNS,
    );
  });

  test('random bytes and random text never throw and never yield an inconsistent invoice', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.uint8Array({ maxLength: 200 }),
        ),
        fc.option(fc.oneof(fc.string({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 })), {
          nil: undefined,
        }),
        (left, right) => {
          expectInvoiceResult(parseEInvoiceQr(left, right));
        },
      ),
      { numRuns: 1000 },
    );
  });

  const realPayloads = generateEInvoicePayloads(50, 7);

  test('mutated QR payloads never throw and never yield an inconsistent invoice', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...realPayloads),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (payload, mutations, mutateRight) => {
          const left = mutate(payload.qrLeft, mutations);
          const right = mutateRight ? mutate(payload.qrRight, mutations) : payload.qrRight;

          expectInvoiceResult(parseEInvoiceQr(left, right));
          expectInvoiceResult(parseEInvoiceQr(Buffer.from(left, 'utf8')));
          expectProofResult(parseProofText(`${left}\n${right}`));
        },
      ),
      { numRuns: 1000 },
    );
  });

  test('a mutated date or number never comes out as a different valid invoice unless the mutation kept it well-formed', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...realPayloads),
        fc.integer({ min: 0, max: 20 }),
        fc.constantFrom(...'0123456789X'),
        (payload, index, char) => {
          const left = payload.qrLeft.slice(0, index) + char + payload.qrLeft.slice(index + 1);
          const result = parseEInvoiceQr(left, payload.qrRight);
          if (!result.ok) return;
          expect(left.slice(0, 10)).toBe(result.invoice.invoiceNumber);
          expect(result.invoice.randomCode).toBe(left.slice(17, 21));
        },
      ),
      RUNS,
    );
  });

  test('the bench generator’s payloads parse back to their truth (QR, barcode + date, typed text)', () => {
    for (const payload of generatedPayloads) {
      expect(parseEInvoiceQr(payload.qrLeft, payload.qrRight)).toEqual({
        ok: true,
        invoice: payload.invoice,
        warnings: [],
      });
      const typed = parseProofText(payload.typedText);
      expect(typed).toMatchObject({
        kind: 'einvoice',
        invoice: {
          invoiceNumber: payload.invoice.invoiceNumber,
          invoiceDate: payload.invoice.invoiceDate,
          randomCode: payload.invoice.randomCode,
          period: payload.invoice.period,
          source: 'text',
        },
      });
      expect(parseProofText(`${payload.barcode} ${payload.invoice.invoiceDate}`)).toMatchObject({
        kind: 'einvoice',
        invoice: { invoiceNumber: payload.invoice.invoiceNumber, source: 'barcode' },
      });
    }
  });
});

describe('barcode, typed text and carrier properties', () => {
  test('random and mutated barcodes never throw; an accepted one is well-formed', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({
            unit: fc.constantFrom(...'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ*'),
            minLength: 15,
            maxLength: 23,
          }),
          fc.string(),
          fc
            .constantFrom(...generatedPayloads.map((p) => p.barcode))
            .chain((code) =>
              fc
                .tuple(fc.integer({ min: 0, max: 18 }), fc.constantFrom(...'0123456789AZ-'))
                .map(([at, char]) => code.slice(0, at) + char + code.slice(at + 1)),
            ),
        ),
        (value) => {
          const result = parseBarcode(value);
          if (result.ok) {
            expect(result.barcode.invoiceNumber).toMatch(/^[A-Z]{2}\d{8}$/);
            expect(result.barcode.randomCode).toMatch(/^\d{4}$/);
            expect(result.barcode.period).toMatch(/^\d{3}(0[2468]|1[02])$/);
          }
          expectProofResult(parseProofText(value));
          expectProofResult(parseProofText(`${value} 2024/11/05`));
        },
      ),
      { numRuns: 1000 },
    );
  });

  const DATE_STYLES = [
    (y: number, m: number, d: number) => `${pad(y - 1911, 3)}${pad(m, 2)}${pad(d, 2)}`,
    (y: number, m: number, d: number) => `${y - 1911}/${pad(m, 2)}/${pad(d, 2)}`,
    (y: number, m: number, d: number) => `${y - 1911}年${m}月${d}日`,
    (y: number, m: number, d: number) => `${y}/${m}/${d}`,
    (y: number, m: number, d: number) => `${y}-${pad(m, 2)}-${pad(d, 2)}`,
    (y: number, m: number, d: number) => `${y}${pad(m, 2)}${pad(d, 2)}`,
  ];

  test('typed invoices in any style, order and surrounding words parse to exactly their values', () => {
    fc.assert(
      fc.property(
        invoiceNumber,
        isoDate,
        digits(4),
        fc.integer({ min: 0, max: DATE_STYLES.length - 1 }),
        fc.constantFrom('', '-'),
        fc.boolean(),
        fc.constantFrom(
          ['', '', ''],
          ['發票', '日期', '隨機碼'],
          ['invoice', 'on', 'code'],
          ['ใบเสร็จ', 'วันที่', 'รหัส'],
        ),
        fc.constantFrom<[number, number, number]>([0, 1, 2], [1, 0, 2], [2, 0, 1], [0, 2, 1]),
        (number, date, code, style, separator, lower, words, order) => {
          const [y, m, d] = date.split('-').map(Number) as [number, number, number];
          const numberText = `${number.slice(0, 2)}${separator}${number.slice(2)}`;
          const parts = [
            `${words[0]} ${lower ? numberText.toLowerCase() : numberText}`,
            `${words[1]} ${DATE_STYLES[style]!(y, m, d)}`,
            `${words[2]} ${code}`,
          ];
          const text = order.map((index) => parts[index]).join(' ');

          const result = parseInvoiceText(text);

          expect(result).toMatchObject({
            ok: true,
            invoice: { invoiceNumber: number, invoiceDate: date, randomCode: code },
          });
        },
      ),
      RUNS,
    );
  });

  test('random and mutated texts never throw and never yield an inconsistent invoice or carrier', () => {
    const seeds = [
      ...generatedPayloads.slice(0, 30).map((p) => p.typedText),
      '/ABC+123 abcd1234 2024/11/01-2024/11/30',
      '10404UZ176908720122 104/03/15',
    ];
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 120 }),
          fc.string({ unit: 'grapheme', maxLength: 60 }),
          fc.string({ unit: fc.constantFrom(...'0123456789ABab/-.: 年月日隨機碼＋／１Ａ+'), maxLength: 60 }),
          fc
            .tuple(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 3 }))
            .map(([seed, mutations]) => mutate(seed, mutations)),
        ),
        (text) => {
          expectProofResult(parseProofText(text));
          expectInvoiceResult(parseInvoiceText(text));
          const carrier = parseCarrierText(text);
          if (carrier.ok) expectProofResult({ kind: 'carrier', carrier: carrier.carrier });
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('non-string input is tolerated (a JSON body can carry anything)', () => {
    for (const value of [undefined, null, 42, {}, []] as unknown as string[]) {
      expect(parseProofText(value)).toEqual({ kind: 'not_a_proof' });
      expect(parseBarcode(value).ok).toBe(false);
      expect(parseCarrierText(value).ok).toBe(false);
      expect(parseInvoiceText(value).ok).toBe(false);
      expect(parseEInvoiceQr(value).ok).toBe(false);
    }
  });
});
