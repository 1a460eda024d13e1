import { describe, expect, test } from '@jest/globals';
import { parseReceiptText } from '../../core/receipts/index.js';

const now = new Date('2025-06-01T00:00:00Z');
type Row = { text: string; confidence: number; words?: { text: string; confidence: number }[] };
const row = (text: string | Row): Row => (typeof text === 'string' ? { text, confidence: 0.93 } : text);
/** A row as tesseract gives it word by word, its amount (the last word) read at `amountConfidence`. */
const unsure = (text: string, amountConfidence: number): Row => ({
  text,
  confidence: 0.9,
  words: text
    .split(' ')
    .map((word, i, words) => ({ text: word, confidence: i === words.length - 1 ? amountConfidence : 0.93 })),
});

/** A Thai receipt (the synthetic parts' layout) whose item rows are `items`. */
const thaiReceipt = (items: (string | Row)[], header = 'ใบเสร็จรับเงิน / ใบกํากับภาษีอย่างย่อ') =>
  parseReceiptText(
    [
      row('ร้านชำ ลุงสมศักดิ์'),
      row('สาขา 001 ถ . พระปกเกล้า อ . เมือง เชียงราย'),
      row('เลขประจําตัวผู้เสียภาษี 4633982490291'),
      row(header),
      row('วันที่ 26/05/2567 13:13'),
      ...items.map(row),
      row('รวมทั้งสิ้น 400.00'),
      row('ภาษีมูลค่าเพิ่ม 7% 26.17'),
    ],
    { now },
  );

const quantitiesAndAmounts = (receipt: ReturnType<typeof thaiReceipt>) =>
  receipt.fields.items.map((item) => [item.quantity, item.amountMinor]);

describe('findItems — an item whose amount OCR pushed onto the next row', () => {
  test('when the quantity and name are read on one row and the amount alone on the next, then the item keeps its quantity', () => {
    // th-receipt-w41 of the held-out tuning part (seed 20261207, 84 photos), as tesseract read it.
    const receipt = thaiReceipt(['3 ข้าว หอมม ะลิ 5 กก', '219.00', '1 โค้ก 1.25 ล 181.00']);

    expect(quantitiesAndAmounts(receipt)).toEqual([
      [3, 21900],
      [1, 18100],
    ]);
    expect(receipt.fields.items[0]!.name).toBe('ข้าวหอมมะลิ');
  });

  test('when rows of the header were not recognised as such, then the item opens at its quantity row', () => {
    // th-receipt-w6 of seed 20261311: the date and the receipt's title misread, so the items start at the top.
    const receipt = thaiReceipt(['3 แมเมจิ 830 นมล', '270.25', '1 ขนมปังฟาร์มเฮ้าส์ 129.75'], 'ใบคํากับภาษี');

    expect(quantitiesAndAmounts(receipt)[0]).toEqual([3, 27025]);
  });

  test('when the name row prints a size as long as its name, then it still opens the item whose amount is on the next row', () => {
    // th-receipt-t9 of the made tuning part (84 photos), as tesseract read it.
    const receipt = thaiReceipt(['1 โค้ก 1.25 ล', '40.00', '1 นําปลาทิพรส 360.00']);

    expect(quantitiesAndAmounts(receipt)).toEqual([
      [1, 4000],
      [1, 36000],
    ]);
  });

  test('when the price row prints its own quantity, then that one counts', () => {
    const receipt = thaiReceipt(['3 นมเมจิ 830 มล', '2 x 200.00', '1 โค้ก 1.25 ล 200.00']);

    expect(quantitiesAndAmounts(receipt)[0]).toEqual([2, 20000]);
  });
});

describe('itemsAddingUpTo — item amounts read again by the receipt total', () => {
  test('when an amount lost its decimal point (159 75), then it is read as the amount that makes the items add up to the total', () => {
    // th-receipt-w15 of the held-out tuning part (seed 20261207, 84 photos), its amounts made to total 400.00.
    const receipt = thaiReceipt(['3 มาม่า รสหมูสับ 228 25', '3 ไข่ไก่เบอร์ 1 แพ็ค 10 144.00', '1 ไข่ไก่ 27.75']);

    expect(quantitiesAndAmounts(receipt)).toEqual([
      [3, 22825],
      [3, 14400],
      [1, 2775],
    ]);
  });

  test('when an amount was read with a stray point among its units (1.02.75), then it is read as the amount that makes the items add up', () => {
    // th-receipt-t37 of the made tuning part (84 photos), its amounts made to total 400.00.
    const receipt = thaiReceipt([
      '2 ข้าวหอมมะลิ 5 กก 1.02.75',
      '3 นมเมจิ 830 มล 264.75',
      '1 ขนมปังฟาร์มเฮ้าส์ 32.50',
    ]);

    expect(quantitiesAndAmounts(receipt)).toEqual([
      [2, 10275],
      [3, 26475],
      [1, 3250],
    ]);
  });

  test('when an amount lost its decimal point with no gap (13250), then it is read as cents, repaired, and the items are not read as sure', () => {
    // th-receipt-t6 of the made tuning part (84 photos), its amounts made to total 400.00.
    const receipt = thaiReceipt(['3 น้าดื่มสิงห์ 1.5 ล 198.00', '2 มาม่า รสหมูสับ 13250', '1 ข้าวหอมมะลิ 69.50']);

    expect(quantitiesAndAmounts(receipt)).toEqual([
      [3, 19800],
      [2, 13250],
      [1, 6950],
    ]);
    expect(receipt.fields.items.map((item) => item.repaired ?? false)).toEqual([false, true, false]);
    expect(receipt.confidence.items).toBeLessThan(0.9);
  });

  test('when a bare number ending a row does not make the items add up as cents, then it is not read as an amount', () => {
    const receipt = thaiReceipt(['3 น้าดื่มสิงห์ 1.5 ล 198.00', '2 มาม่า รสหมูสับ 13250', '1 ข้าวหอมมะลิ 60.50']);

    expect(receipt.fields.items.some((item) => item.repaired)).toBe(false);
    expect(receipt.fields.items.map((item) => item.amountMinor)).not.toContain(13250);
  });

  test('when one amount, the one OCR was least sure of, is a digit or two from what the others leave of the total, then it is read as that amount', () => {
    // th-receipt-w16 of the held-out tuning part (seed 20261207): 72.75 read 12.15, its 7s read as 1s.
    const receipt = thaiReceipt([
      '3 ข้าวหอมมะลิ 5 กก 154.25',
      unsure('2 น้ำดื่มสิงห์ 1.5 ล 12.15', 0.6),
      '2 ไข่ไก่ 173.00',
    ]);

    expect(quantitiesAndAmounts(receipt)).toEqual([
      [3, 15425],
      [2, 7275],
      [2, 17300],
    ]);
  });

  test('when the amounts are far from the total or two of them could be the misread one, then they are kept as read', () => {
    const far = thaiReceipt(['3 ข้าวหอมมะลิ 5 กก 154.25', '3 น้ำดื่มสิงห์ 1.5 ล 19.95', '2 ไข่ไก่ 62.50']);
    // 400.00 − 200.00 leaves 200.00 for either row read 208.00: no telling which.
    const either = thaiReceipt(['1 นมเมจิ 830 มล 208.00', '1 นมเมจิ 830 มล 208.00']);

    expect(quantitiesAndAmounts(far)).toEqual([
      [3, 15425],
      [3, 1995],
      [2, 6250],
    ]);
    expect(quantitiesAndAmounts(either)).toEqual([
      [1, 20800],
      [1, 20800],
    ]);
  });
});

describe('itemsAddingUpTo — only digits OCR reads one for another are repaired (review F9)', () => {
  /** A receipt whose item rows are `items`, its total backed by the cash paid and the change given. */
  const cashReceipt = (items: (string | Row)[], total: string, cash: string, change: string) =>
    parseReceiptText(
      [
        row('KEDAI RUNCIT MAJU JAYA'),
        row('NO 12 JALAN BESAR 81000 KULAI JOHOR'),
        row('DATE: 26/05/2025 13:13'),
        ...items.map(row),
        row(`TOTAL ${total}`),
        row(`CASH ${cash}`),
        row(`CHANGE ${change}`),
      ],
      { now },
    );

  test('when a row was lost rather than misread, then the amounts read stay as read', () => {
    // A third row lost: 23.50 − 8.50 leaves 15.00, two digits from 12.90, but 2 → 5 and 9 → 0 are not misreads.
    const receipt = cashReceipt(['ORANGE JUICE 12.90', 'MILO 8.50'], '23.50', '50.00', '26.50');

    expect(receipt.fields.totalMinor).toBe(2350);
    expect(quantitiesAndAmounts(receipt)).toEqual([
      [1, 1290],
      [1, 850],
    ]);
    expect(receipt.fields.items.some((item) => item.repaired)).toBe(false);
  });

  test('when a round amount was lost and OCR was sure of the amounts it read, then they stay as read even if look-alikes (review F1)', () => {
    // A 3.00 row lost: 24.40 − 8.50 leaves 15.90, 12.90 with its 2 read for a 5 (a look-alike pair).
    const sure = cashReceipt(['ORANGE JUICE 12.90', 'MILO 8.50'], '24.40', '50.00', '25.60');
    // OCR unsure of 12.90 but less sure of 8.50: nothing says which amount it would have misread.
    const lessSureOfAnother = cashReceipt(
      [unsure('ORANGE JUICE 12.90', 0.85), unsure('MILO 8.50', 0.8)],
      '24.40',
      '50.00',
      '25.60',
    );

    for (const receipt of [sure, lessSureOfAnother]) {
      expect(receipt.fields.totalMinor).toBe(2440);
      expect(quantitiesAndAmounts(receipt)).toEqual([
        [1, 1290],
        [1, 850],
      ]);
      expect(receipt.fields.items.some((item) => item.repaired)).toBe(false);
      expect(receipt.confidence.items).toBeLessThan(0.9);
    }
  });

  test('when one amount, the one OCR was least sure of, is the rest of the total with look-alike digits misread, then it is repaired and the items are not read as sure', () => {
    // 783.75 printed, read 183.15: a 7 read as 1, twice.
    const receipt = cashReceipt(
      [unsure('BERAS 5KG 183.15', 0.7), 'TELUR 30 BIJI 23.40'],
      '807.15',
      '1000.00',
      '192.85',
    );

    expect(receipt.fields.totalMinor).toBe(80715);
    expect(quantitiesAndAmounts(receipt)).toEqual([
      [1, 78375],
      [1, 2340],
    ]);
    expect(receipt.fields.items[0]!.repaired).toBe(true);
    expect(receipt.confidence.items).toBeLessThan(0.9);
  });

  test('when the repaired amount is within the total check of what was read, then the items are still not read as sure', () => {
    // 183.75 printed, read 183.15: the read sum is 0.60 short of 207.15, close enough for the items-sum check.
    const receipt = cashReceipt(
      [unsure('BERAS 5KG 183.15', 0.7), 'TELUR 30 BIJI 23.40'],
      '207.15',
      '250.00',
      '42.85',
    );

    expect(quantitiesAndAmounts(receipt)).toEqual([
      [1, 18375],
      [1, 2340],
    ]);
    expect(receipt.confidence.items).toBeLessThan(0.9);
  });
});

describe('findItems — a name wrapped over two rows whose second starts with a number (review F4)', () => {
  const namesAndQuantities = (receipt: ReturnType<typeof thaiReceipt>) =>
    receipt.fields.items.map((item) => [item.name, item.quantity, item.amountMinor]);

  test('when the second row is a pack count, then the name keeps its first row and the quantity stays 1', () => {
    const receipt = thaiReceipt(['GREEN TEA', '12 PACK CARTON', '36.00']);

    expect(namesAndQuantities(receipt)).toEqual([['GREEN TEA 12 PACK CARTON', 1, 3600]]);
  });

  test('when the second row is a size, then the name keeps its first row', () => {
    const receipt = thaiReceipt(['ORANGE JUICE', '1 LITRE BOTTLE', '12.90']);

    expect(namesAndQuantities(receipt)).toEqual([['ORANGE JUICE 1 LITRE BOTTLE', 1, 1290]]);
  });

  test('when the header was not recognised (its tax ID row among the rows above), then the item still opens at its quantity row', () => {
    // th-receipt-t20 of the made tuning part (84), as tesseract read it: the date missed, the title misread.
    const receipt = parseReceiptText(
      [
        'ซนยปอรมารเกตีไทยเจรณิ',
        'สาขา 004 ถ.เจรญิประดษิฐ์อ.ุเมอึงปตัตานี',
        'เลขประจจิตวัผเสยีภาษี 1435781837684',
        'ใบเสรจ็รบัเงนิ / ใบกรวักบัภาษอียา่งยอ',
        '2 ขนมปงัฟารม์เฮาัส์',
        '170.50',
        '1 ไขไก่เบอร์ 1 แพค็ 10 87.25',
        'รวมทั้งสิ้น 257.75',
      ].map(row),
      { now },
    );

    expect(receipt.fields.items.map((item) => [item.quantity, item.amountMinor])).toEqual([
      [2, 17050],
      [1, 8725],
    ]);
  });

  test('when a Thai name wraps onto a row starting with its size, then the name keeps its first row', () => {
    const receipt = thaiReceipt(['น้ำส้มคั้น', '2 ลิตร ขวดใหญ่', '59.00']);

    expect(receipt.fields.items).toHaveLength(1);
    expect(receipt.fields.items[0]!.name).toMatch(/^น้ำส้มคั้น 2 ลิตร/);
    expect(receipt.fields.items[0]!.quantity).toBe(1);
  });
});

describe('findItems — TW paper invoice rows as PaddleOCR reads a turned or sheared photo (issue 15)', () => {
  /** A TW paper invoice (the synthetic parts' layout) whose rows between the date and 總計 are `rows`. */
  const paperInvoice = (rows: string[], total: string) =>
    parseReceiptText(
      [
        '統一發票（收銀機）',
        '113年07-08月',
        'QC-84849267',
        '大潤發流通事業股份有限公司內湖店',
        '台北市內湖區舊宗路一段188號',
        '統一編號21257391',
        '113/07/21 12:57',
        ...rows,
        `總計 $${total}`,
      ].map(row),
      { now },
    );

  test('when the amount is read on a row of its own, then the quantity printed after the name above counts', () => {
    // tw-paper-t20 of the made tuning part (84).
    const invoice = paperInvoice(['統一布丁x2', '289TX', '舒跑運動飲料xl', '124TX', '共2'], '413');

    expect(quantitiesAndAmounts(invoice)).toEqual([
      [2, 28900],
      [1, 12400],
    ]);
  });

  test('when a name prints its size, then the size is not taken for the amount', () => {
    // tw-paper-t13: `600ml` read as an amount of 600.
    const invoice = paperInvoice(['林鳯營鮮乳x3', '200TX', '可口可樂600mlx3', '195TX', '共2項'], '395');

    expect(quantitiesAndAmounts(invoice)).toEqual([
      [3, 20000],
      [3, 19500],
    ]);
  });

  test('when the amounts are read a row above their names, then each goes with the name below it', () => {
    // tw-paper-t42: the photo turned, the amount column read higher than the names.
    const invoice = paperInvoice(
      ['44TX', '義美小泡芙×1', '243TX', '光泉米x3', '299TX', '舒跑運動飮料×1', '共3項'],
      '586',
    );

    expect(quantitiesAndAmounts(invoice)).toEqual([
      [1, 4400],
      [3, 24300],
      [1, 29900],
    ]);
  });

  test('when the amounts are read a row below their names, then each goes with the name above it', () => {
    // tw-paper-t37: the last amount read on the item count's row.
    const invoice = paperInvoice(['光泉米x3', '林鳯營鮮乳x3 156TX', '共2項 215TX'], '371');

    expect(quantitiesAndAmounts(invoice)).toEqual([
      [3, 15600],
      [3, 21500],
    ]);
  });
});

describe('findItems — the name of a Thai row OCR spaced inside its words', () => {
  test('when the row is read with spaces inside its Thai words, then the name is cut before its amount, no digit of it kept', () => {
    // The amount's place is in the row as read; the name is compacted after it is cut (review by "thai", 2026-12-07).
    const receipt = thaiReceipt(['1 ยา สี ฟัน คอล เกต 100.00', '2 ข้าว หอม มะลิ 5 กก 300.00']);

    expect(receipt.fields.items.map((item) => item.name)).toEqual(['ยาสีฟันคอลเกต', 'ข้าวหอมมะลิ']);
    expect(quantitiesAndAmounts(receipt)).toEqual([
      [1, 10000],
      [2, 30000],
    ]);
  });
});
