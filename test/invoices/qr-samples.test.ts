import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import iconv from 'iconv-lite';
import {
  checkParsedInvoice,
  parseBarcode,
  parseEInvoiceQr,
  parseProofText,
  recoverBig5Mojibake,
  type ParsedInvoice,
} from '../../core/invoices/index.js';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), '../fixtures/tw-einvoice');
type Sample = { kind: string; value: unknown; notes: string };
const samples = JSON.parse(readFileSync(join(fixtures, 'samples.json'), 'utf8')) as Sample[];
type Label = {
  invoiceNumber: string;
  date: string;
  randomCode: string;
  totalAmount: number;
  salesAmount: number;
  sellerBan: string;
  buyerBan: string | null;
  items: { name: string; quantity: number; unitPrice: number }[];
  qrLeft: string;
  qrRight: string;
};
const labels = JSON.parse(readFileSync(join(fixtures, 'synthetic-labels.json'), 'utf8')) as Label[];

type HeadExpectation = Pick<
  ParsedInvoice,
  | 'invoiceNumber'
  | 'invoiceDate'
  | 'randomCode'
  | 'period'
  | 'salesAmount'
  | 'totalAmount'
  | 'buyerBan'
  | 'sellerBan'
  | 'encrypt'
>;

/** What each left QR of samples.json says in its fixed 77 characters (read from the notes and by hand). */
const LEFT_QR_HEADS: Record<string, HeadExpectation & { warnings: string[] }> = {
  AB11223344: {
    invoiceNumber: 'AB11223344',
    invoiceDate: '2013-05-23',
    randomCode: '9999',
    period: '10206',
    salesAmount: 324,
    totalAmount: 340,
    buyerBan: null,
    sellerBan: '01234567',
    encrypt: 'ydXZt4LAN1UHN/j1juVcRA==',
    warnings: ['seller_ban.checksum'],
  },
  QQ00081524: {
    invoiceNumber: 'QQ00081524',
    invoiceDate: '2011-08-01',
    randomCode: '3966',
    period: '10008',
    salesAmount: 20,
    totalAmount: 20,
    buyerBan: '12345678',
    sellerBan: '28433892',
    encrypt: 'qk90D8qgCwuEvOngCZaEdaw=',
    warnings: ['buyer_ban.checksum'],
  },
  CA63388616: {
    invoiceNumber: 'CA63388616',
    invoiceDate: '2018-04-27',
    randomCode: '1406',
    period: '10704',
    salesAmount: 62,
    totalAmount: 65,
    buyerBan: null,
    sellerBan: '24789457',
    encrypt: '3A2IzH97mHFMn89HdKcQCQ==',
    warnings: [],
  },
  TZ62958842: {
    invoiceNumber: 'TZ62958842',
    invoiceDate: '2017-05-29',
    randomCode: '9104',
    period: '10606',
    salesAmount: 75,
    totalAmount: 75,
    buyerBan: null,
    sellerBan: '42327458',
    encrypt: '1ddZFPeX1laqgQNOdA5c9Q==',
    warnings: [],
  },
  US39029416: {
    invoiceNumber: 'US39029416',
    invoiceDate: '2017-05-31',
    randomCode: '6190',
    period: '10606',
    salesAmount: 0x73,
    totalAmount: 0x79,
    buyerBan: null,
    sellerBan: '01802176',
    encrypt: 'CS3YtzYENN9DUqZ2BbN07Q==',
    warnings: [],
  },
  UR48527733: {
    invoiceNumber: 'UR48527733',
    invoiceDate: '2017-05-31',
    randomCode: '2165',
    period: '10606',
    salesAmount: 0,
    totalAmount: 218,
    buyerBan: null,
    sellerBan: '53027197',
    encrypt: '9l1ICOgouWwDO7BQgC4rrw==',
    warnings: [],
  },
  CC00000002: {
    invoiceNumber: 'CC00000002',
    invoiceDate: '2023-05-03',
    randomCode: '4977',
    period: '11206',
    salesAmount: 44,
    totalAmount: 46,
    buyerBan: '88117125',
    sellerBan: '83598406',
    encrypt: 'Z8ky39vOriHtxA4Kc5s4zg==',
    warnings: [],
  },
  ZZ18003921: {
    invoiceNumber: 'ZZ18003921',
    invoiceDate: '2023-02-03',
    randomCode: '3321',
    period: '11202',
    salesAmount: 0,
    totalAmount: 10,
    buyerBan: null,
    sellerBan: '53538851',
    encrypt: 'ArHRuIogr+53dRHxChr5Tw==',
    warnings: [],
  },
  FF00000001: {
    invoiceNumber: 'FF00000001',
    invoiceDate: '2023-02-03',
    randomCode: '1440',
    period: '11202',
    salesAmount: 19,
    totalAmount: 20,
    buyerBan: null,
    sellerBan: '01012145',
    encrypt: 'GQVWH99zBlXEGWDbB0LloA==',
    warnings: [],
  },
  AC12367705: {
    invoiceNumber: 'AC12367705',
    invoiceDate: '2025-06-09',
    randomCode: '6121',
    period: '11406',
    salesAmount: 0xee,
    totalAmount: 0xfa,
    buyerBan: '55880710',
    sellerBan: '12345678',
    encrypt: 'Kl5uSAlhCfQMd3WjsCxKiQ==',
    warnings: ['seller_ban.checksum'],
  },
  HO24634102: {
    invoiceNumber: 'HO24634102',
    invoiceDate: '2021-09-08',
    randomCode: '8888',
    period: '11010',
    salesAmount: 0x99999999,
    totalAmount: 0x99999999,
    buyerBan: '24634102',
    sellerBan: '24634102',
    encrypt: 'ydXZt4LAN1UHN/j1juVcRA==',
    warnings: [],
  },
};

const BARCODES: Record<string, { period: string; invoiceNumber: string; randomCode: string }> = {
  '10404UZ176908720122': { period: '10404', invoiceNumber: 'UZ17690872', randomCode: '0122' },
  '11206CC000000024977': { period: '11206', invoiceNumber: 'CC00000002', randomCode: '4977' },
  '11202ZZ180039213321': { period: '11202', invoiceNumber: 'ZZ18003921', randomCode: '3321' },
  '11406AC123677056121': { period: '11406', invoiceNumber: 'AC12367705', randomCode: '6121' },
};

const leftSamples = samples.filter((sample) => sample.kind === 'left_qr').map((s) => s.value as string);
const barcodeSamples = samples.filter((sample) => sample.kind === 'barcode').map((s) => s.value as string);
const rightOf = (prefix: string) =>
  samples.find((sample) => sample.kind === 'right_qr' && (sample.value as string).startsWith(prefix))!
    .value as string;

function parseOk(left: string | Uint8Array, right?: string | Uint8Array) {
  const result = parseEInvoiceQr(left, right);
  if (!result.ok) throw new Error(`expected a parsed invoice, got ${JSON.stringify(result.errors)}`);
  return result;
}

describe('parseEInvoiceQr on the samples', () => {
  test('every sample left QR and barcode has an expectation', () => {
    expect(leftSamples).toHaveLength(13);
    for (const value of leftSamples) expect(LEFT_QR_HEADS[value.slice(0, 10)]).toBeDefined();
    expect(barcodeSamples.sort()).toEqual(Object.keys(BARCODES).sort());
  });

  test.each(leftSamples)('when the left QR %s is parsed alone, then its fixed fields come out', (value) => {
    const { warnings: expectedWarnings, ...expected } = LEFT_QR_HEADS[value.slice(0, 10)]!;

    const { invoice, warnings } = parseOk(value);

    expect(invoice).toMatchObject({ ...expected, source: 'qr' });
    expect(warnings.map((warning) => warning.reason).filter((r) => r.includes('ban'))).toEqual(
      expectedWarnings,
    );
    expect(checkParsedInvoice(invoice).map((issue) => issue.reason)).toEqual(expectedWarnings);
  });

  test.each(barcodeSamples)(
    'when the barcode %s is parsed, then period, number and code come out',
    (value) => {
      expect(parseBarcode(value)).toEqual({ ok: true, barcode: BARCODES[value] });
      expect(parseBarcode(`*${value}*`)).toEqual({ ok: true, barcode: BARCODES[value] });
    },
  );

  test('a sample barcode and its QR agree on number, random code and period', () => {
    for (const [code, expected] of Object.entries(BARCODES)) {
      const head = LEFT_QR_HEADS[expected.invoiceNumber];
      if (!head) continue;
      expect({ code, period: head.period, randomCode: head.randomCode }).toEqual({
        code,
        period: expected.period,
        randomCode: expected.randomCode,
      });
    }
  });

  /** Items of the samples whose recorded items all sit in the left code (paired with an empty right QR). */
  const LEFT_ONLY_ITEMS: Record<string, ParsedInvoice['items']> = {
    CA63388616: [{ name: '尖叫雞/隻', quantity: 1, unitPrice: 75 }],
    TZ62958842: [
      { name: '菠蘿', quantity: 1, unitPrice: 35 },
      { name: '日式紅豆', quantity: 1, unitPrice: 40 },
    ],
    UR48527733: [{ name: '餐飲', quantity: 1, unitPrice: 218 }],
    CC00000002: [{ name: 'Carlee Ullrich', quantity: 1, unitPrice: 44 }],
    ZZ18003921: [{ name: '橡皮擦', quantity: 1, unitPrice: 10 }],
    FF00000001: [{ name: '橡皮擦', quantity: 2, unitPrice: 10 }],
  };

  test.each(Object.entries(LEFT_ONLY_ITEMS))(
    'when %s is read with its empty right QR, then its items are complete',
    (number, items) => {
      const { invoice } = parseOk(
        leftSamples.find((value) => value.startsWith(number))!,
        '**',
      );

      expect(invoice.items).toEqual(items);
      expect(invoice.itemsComplete).toBe(true);
    },
  );

  const officialItems = [
    { name: '乾電池', quantity: 1, unitPrice: 105 },
    { name: '口罩', quantity: 1, unitPrice: 210 },
    { name: '牛奶', quantity: 1, unitPrice: 25 },
  ];

  test.each([0, 1])(
    'when the official example (flag %i) is joined with its right QR in either order, then all three items come out',
    (flag) => {
      const left = leftSamples.find((value) => value.includes(`:3:3:${flag}:`))!;
      const right = rightOf('**口罩');

      for (const [a, b] of [
        [left, right],
        [right, left],
      ]) {
        const { invoice } = parseOk(a!, b);
        expect(invoice.items).toEqual(officialItems);
        expect(invoice.itemsComplete).toBe(true);
      }
    },
  );

  test('when the Base64 example (flag 2) is joined with its right QR, then the split Base64 decodes to the items', () => {
    const left = leftSamples.find((value) => value.includes(':3:3:2:'))!;

    const { invoice } = parseOk(left, rightOf('**OjE6'));

    expect(invoice.items).toEqual(officialItems);
    expect(invoice.itemsComplete).toBe(true);
  });

  test('when only the left official example is read, then the invoice is identified but its items are incomplete', () => {
    const { invoice } = parseOk(leftSamples[0]!);

    expect(invoice.items).toEqual([officialItems[0]]);
    expect(invoice.itemsComplete).toBe(false);
  });

  test('when the fuel receipt arrives as Shift_JIS mojibake of Big5, then the name is recovered with decimal quantity and price', () => {
    const { invoice } = parseOk(
      leftSamples.find((value) => value.startsWith('US39029416'))!,
      '**',
    );

    expect(invoice.items).toEqual([{ name: '九二無鉛', quantity: 5.2, unitPrice: 23.3 }]);
    expect(invoice.itemsComplete).toBe(true);
    expect(recoverBig5Mojibake('九二無鉛')).toBeUndefined();
  });

  test('when the Amego example records its only item in the right QR, then the item comes from the right QR', () => {
    const left = leftSamples.find((value) => value.startsWith('AC12367705'))!;

    const { invoice } = parseOk(left, rightOf('**口香糖'));

    expect(invoice.items).toEqual([{ name: '口香糖', quantity: 10, unitPrice: 10 }]);
    // 1 item recorded of 2 on the invoice: the printer left one out.
    expect(invoice.itemsComplete).toBe(false);
  });

  test('when a right QR comes alone, then the left one is reported missing', () => {
    expect(parseEInvoiceQr(rightOf('**口罩'))).toEqual({
      ok: false,
      errors: [{ field: 'qr', reason: 'qr.left_missing' }],
    });
  });
});

describe('parseEInvoiceQr on raw bytes', () => {
  const head = 'AB112233441020523999900000144000001540000000001234567ydXZt4LAN1UHN/j1juVcRA==';

  test('when Big5 bytes (flag 0) are split mid-character between the codes, then the joined bytes decode', () => {
    const itemBytes = iconv.encode('乾電池:1:105:口罩:1:210:牛奶:1:25', 'big5');
    const cut = itemBytes.indexOf(iconv.encode('罩', 'big5')) + 1; // inside 罩's two bytes
    const left = Buffer.concat([
      Buffer.from(`${head}:**********:3:3:0:`, 'latin1'),
      itemBytes.subarray(0, cut),
    ]);
    const right = Buffer.concat([Buffer.from('**', 'latin1'), itemBytes.subarray(cut)]);

    const { invoice } = parseOk(right, left);

    expect(invoice.invoiceNumber).toBe('AB11223344');
    expect(invoice.items.map((item) => item.name)).toEqual(['乾電池', '口罩', '牛奶']);
    expect(invoice.itemsComplete).toBe(true);
  });

  test('when UTF-8 bytes (flag 1) arrive, then the names decode as UTF-8', () => {
    const left = Buffer.from(`${head}:**********:1:1:1:橡皮擦:2:10`, 'utf8');

    const { invoice } = parseOk(left, Buffer.from('**'));

    expect(invoice.items).toEqual([{ name: '橡皮擦', quantity: 2, unitPrice: 10 }]);
  });

  test('when Big5 was read as Shift_JIS, then the names are recovered, including Windows private-use bytes', () => {
    // The README's example: 九五無鉛 (95 unleaded) as a phone scanner shows it.
    expect(recoverBig5Mojibake('､E､ｭｵLｹ]')).toBe('九五無鉛');
    // 林鳳營鮮乳: the byte pair F1 C0 of 鳳 lands in CP932's user-defined area (U+E000…).
    const privateUse = String.fromCharCode(0xe000 + 1 * 188 + (0xc0 - 0x80 + 63));
    const mojibake = `ｪLｻ${privateUse}${iconv.decode(Buffer.from([0xe7, 0xc2]), 'cp932')}Aｨﾅ`;
    expect(recoverBig5Mojibake(mojibake)).toBe('林鳳營鮮乳');
    // Bytes the scanner already lost (U+FFFD) cannot be recovered: the text is left as it is.
    expect(recoverBig5Mojibake('ｲﾎ､@ｦﾗﾀ\uFFFDﾄﾑ')).toBeUndefined();
    expect(recoverBig5Mojibake('plain text')).toBeUndefined();
  });

  test('when a Big5-flagged text arrives as Latin-1 mojibake, then the Big5 reading is recovered', () => {
    const latin1 = iconv.encode('乾電池', 'big5').toString('latin1');
    const { invoice } = parseOk(`${head}:**********:1:1:0:${latin1}:1:105`, '**');

    expect(invoice.items).toEqual([{ name: '乾電池', quantity: 1, unitPrice: 105 }]);
  });
});

describe('parseEInvoiceQr on damaged item areas', () => {
  const head = 'CA63388616107042714060000003e0000004100000000247894573A2IzH97mHFMn89HdKcQCQ==';

  test.each([
    ['a non-numeric quantity', ':**********:2:2:1:茶:x:35:水:1:20', [], 'items.malformed'],
    ['a missing encoding flag', ':**********:2:2', [], 'items.malformed'],
    [
      'more items than recorded',
      ':**********:1:1:1:茶:1:35:水:1:20',
      [
        { name: '茶', quantity: 1, unitPrice: 35 },
        { name: '水', quantity: 1, unitPrice: 20 },
      ],
      'items.count_mismatch',
    ],
    ['bad Base64', ':**********:1:1:2:@@@@', [], 'items.undecodable'],
  ])(
    'when the item area has %s, then the invoice still parses, items are incomplete and a warning says why',
    (_case, area, items, reason) => {
      const { invoice, warnings } = parseOk(`${head}${area}`, '**');

      expect(invoice.invoiceNumber).toBe('CA63388616');
      expect(invoice.items).toEqual(items);
      expect(invoice.itemsComplete).toBe(false);
      expect(warnings).toContainEqual({ field: 'items', reason });
    },
  );

  test('when the flag is 3 (cross-border), then two leading 10-character amount fields are not taken as an item', () => {
    const { invoice } = parseOk(
      `${head}:**********:1:1:3:0000012.50:0000013.13:Cloud subscription:1:400`,
      '**',
    );

    expect(invoice.items).toEqual([{ name: 'Cloud subscription', quantity: 1, unitPrice: 400 }]);
    expect(invoice.itemsComplete).toBe(true);
  });
});

describe('parseEInvoiceQr on the synthetic proofs (known truth)', () => {
  test.each(labels.map((label) => [label.invoiceNumber, label] as const))(
    'when %s is read from both codes, then every field and item matches the label',
    (_number, label) => {
      const { invoice } = parseOk(label.qrLeft, label.qrRight);

      expect(invoice).toMatchObject({
        invoiceNumber: label.invoiceNumber,
        invoiceDate: label.date,
        randomCode: label.randomCode,
        salesAmount: label.salesAmount,
        totalAmount: label.totalAmount,
        buyerBan: label.buyerBan,
        sellerBan: label.sellerBan,
        items: label.items,
        itemsComplete: true,
      });
      expect(parseProofText(`${label.qrLeft}\n${label.qrRight}`)).toMatchObject({
        kind: 'einvoice',
        invoice,
      });
    },
  );

  test.each(labels.map((label) => [label.invoiceNumber, label] as const))(
    'when only the left code of %s is read, then no item is invented from a cut field',
    (_number, label) => {
      const { invoice } = parseOk(label.qrLeft);

      expect(invoice.itemsComplete).toBe(false);
      for (const [index, item] of invoice.items.entries()) expect(item).toEqual(label.items[index]);
    },
  );
});
