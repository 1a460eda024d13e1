import { describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import type { OcrEngine, OcrLine, OcrRequest } from '../../core/ocr/index.js';
import { parseReceiptText } from '../../core/receipts/index.js';
import { COLUMN_ROW_HEIGHT, rereadAmountColumn } from '../../core/receipts/receipt-amount-column.js';
import {
  amountColumnWorthRereading,
  columnAmounts,
  planAmountColumn,
  withColumnAmounts,
} from '../../core/receipts/receipt-amount-column.models.js';
import { answer } from './support/ocr-rows.js';

const now = new Date('2025-06-01T00:00:00Z');
const ROW_TOP = 25;
const ROW_STEP = 40;
const ROW_HEIGHT = 30;

/**
 * The `index`th row of a page as tesseract reads it: its words left to right from x = 100 (60 px each), an amount
 * ending the row (`86.25`) right-aligned at x = 700 as the amount column prints it.
 */
const placed = (text: string, index: number, confidence = 0.93): OcrLine => {
  const y0 = ROW_TOP + index * ROW_STEP;
  const y1 = y0 + ROW_HEIGHT;
  const words = text.split(' ');
  const amount = /^\d[\d,.]*\d$/.test(words.at(-1) ?? '') && words.length > 1 ? words.pop() : undefined;
  const boxes = words.map((word, i) => ({
    text: word,
    confidence,
    box: { x0: 100 + i * 60, y0, x1: 150 + i * 60, y1 },
  }));
  if (amount) boxes.push({ text: amount, confidence, box: { x0: 620, y0, x1: 700, y1 } });
  return {
    text,
    confidence,
    box: { x0: 100, y0, x1: amount ? 700 : 100 + words.length * 60, y1 },
    words: boxes,
  };
};

/** A Thai receipt (the synthetic parts' layout) as tesseract read it: its item rows, then the total 321.75. */
const page = (items: string[]) =>
  [
    'โลตัส',
    'สาขา 0245 ถ.บางนา-ตราด เขตบางนา กรุงเทพฯ',
    'เลขประจำตัวผู้เสียภาษี 4510045327911',
    'ใบเสร็จรับเงิน/ใบกำกับภาษีอย่างย่อ',
    'วันที่ 30/01/2568 07:47',
    ...items,
    'รวมทั้งสิ้น 321.75',
    'ภาษีมูลค่าเพิ่ม 7% 21.05',
  ].map((text, index) => placed(text, index));

/** th-receipt-t21 of the made tuning part (84 photos): a shaded photo whose whole item amount column OCR missed. */
const columnMissed = page(['1 ไข่ไก่ เบอร์ 1 แพ็ค10', '2 ข้าวหอมมะลิ 5กก', '1 ขนมปังฟาร์มเฮ้าส์', '1 น้ำดื่มสิงห์ 1.5ล']);

/** The page's middle of row `index`. */
const middleOf = (index: number) => ROW_TOP + index * ROW_STEP + ROW_HEIGHT / 2;

/** The column read as `texts`, one amount beside each row from the first item row (5) on, `off` px from its middle. */
const columnRead = (texts: string[], off: (i: number) => number = () => 0) =>
  texts.map((text, i) => ({ text, confidence: 0.96, middle: middleOf(5 + i) + off(i) }));

describe('amountColumnWorthRereading — only items that do not add up to the total', () => {
  test('when the items add up to the total, then the column is not read again', () => {
    const parsed = parseReceiptText(page(['1 ไข่ไก่ 300.00', '1 มาม่า 21.75']), { now });

    expect(amountColumnWorthRereading(parsed)).toBe(false);
  });

  test('when no item amount was read, or one was misread, then it is', () => {
    const misread = parseReceiptText(page(['1 ไข่ไก่ 300.00', '1 มาม่า 27.15']), { now });

    expect(amountColumnWorthRereading(parseReceiptText(columnMissed, { now }))).toBe(true);
    expect(amountColumnWorthRereading(misread)).toBe(true);
  });
});

describe('planAmountColumn — where the amount column is on the page', () => {
  test('when the item rows show no amount, then the column is placed by the total amount, from the first item row to the total row', () => {
    const plan = planAmountColumn(columnMissed)!;

    expect(plan.itemRows).toEqual([5, 6, 7, 8]);
    expect(plan.rowHeight).toBe(ROW_HEIGHT);
    expect(plan.box).toEqual({
      x0: 620 - ROW_HEIGHT,
      y0: ROW_TOP + 5 * ROW_STEP - 9,
      x1: 700 + ROW_HEIGHT,
      y1: ROW_TOP + 9 * ROW_STEP + ROW_HEIGHT + 9,
    });
  });

  test('when no amount is printed on the item or total rows, then there is no column to read', () => {
    const rows = page(['1 ไข่ไก่', '1 มาม่า']).map((row, index) => (index === 7 ? placed('รวมทั้งสิ้น', 7) : row));

    expect(planAmountColumn(rows)).toBeUndefined();
  });
});

describe('withColumnAmounts — each amount read in the column goes to the item row at its height', () => {
  test('when the column is read a little off the rows, then each amount goes to the nearest row within half a row', () => {
    const plan = planAmountColumn(columnMissed)!;
    const amounts = columnRead(['34.00', '152.00', '49.50', '86.25', '321.75'], (i) =>
      i % 2 === 0 ? 10 : -10,
    );

    const rows = withColumnAmounts(columnMissed, plan, amounts);

    expect(rows.slice(5, 9).map((row) => row.text)).toEqual([
      '1 ไข่ไก่ เบอร์ 1 แพ็ค10 34.00',
      '2 ข้าวหอมมะลิ 5กก 152.00',
      '1 ขนมปังฟาร์มเฮ้าส์ 49.50',
      '1 น้ำดื่มสิงห์ 1.5ล 86.25',
    ]);
    expect(rows[9]!.text).toBe('รวมทั้งสิ้น 321.75');
  });

  test('when a row printed an amount OCR bent, then the column amount replaces it; a row nothing lies beside keeps its own', () => {
    const rows = page(['1 ไข่ไก่ 70,15', '1 มาม่า 251.00']);
    const plan = planAmountColumn(rows)!;

    const merged = withColumnAmounts(rows, plan, [{ text: '70.75', confidence: 0.9, middle: middleOf(5) }]);

    expect(merged[5]!.text).toBe('1 ไข่ไก่ 70.75');
    expect(merged[6]!.text).toBe('1 มาม่า 251.00');
  });

  test('when a row printed an amount OCR bent past reading, a cent digit read as a speck, then the column amount replaces all of it', () => {
    const rows = page(['2 โค้ก 1.25 ล 132, 2¢', '1 ยาสีฟัน 18.2F', '3 ไข่ไก่ 14 02:', '1 นมเมจิ 830 มล']);
    const plan = planAmountColumn(rows)!;
    const merged = withColumnAmounts(rows, plan, columnRead(['132.25', '18.25', '14.25', '157.00']));

    expect(merged.slice(5, 9).map((row) => row.text)).toEqual([
      '2 โค้ก 1.25 ล 132.25',
      '1 ยาสีฟัน 18.25',
      '3 ไข่ไก่ 14.25',
      '1 นมเมจิ 830 มล 157.00',
    ]);
  });
});

describe('columnAmounts — the amounts the column was read as', () => {
  test('when a row holds an amount, a point bent to a space, or no amount, then each amount is taken at its page height', () => {
    const box = (y: number) => ({ x0: 0, y0: y, x1: 80, y1: y + 20 });

    const amounts = columnAmounts(
      [
        { text: '34.00', confidence: 0.9, box: box(0) },
        { text: '90 15', confidence: 0.8, box: box(40) },
        { text: '—', confidence: 0.3, box: box(80) },
      ],
      (y) => 100 + y / 2,
    );

    expect(amounts).toEqual([
      { text: '34.00', confidence: 0.9, middle: 105 },
      { text: '90.15', confidence: 0.8, middle: 125 },
    ]);
  });
});

/** A page of plain paper (the engine in these tests reads the crop as told, whatever it shows). */
const blankPage = () =>
  sharp({ create: { width: 800, height: 600, channels: 3, background: '#f0f0f0' } })
    .png()
    .toBuffer();

describe('rereadAmountColumn — the column read alone when the items do not add up', () => {
  /** A tesseract that reads the column crop as `texts`, one row each at the item rows' heights from row 5 on. */
  const columnReadAs = (texts: string[], confidence = 0.95, plan = planAmountColumn(columnMissed)!) => {
    const requests: OcrRequest[] = [];
    const scale = Math.max(1, COLUMN_ROW_HEIGHT / plan.rowHeight);
    const border = Math.round(COLUMN_ROW_HEIGHT / 2);
    const engine: OcrEngine = {
      name: 'tesseract',
      recognize: async (request) => {
        requests.push(request);
        const lines = texts.map((text, i) => {
          const middle = border + (middleOf(5 + i) - plan.box.y0) * scale;
          const box = { x0: 10, y0: middle - 15, x1: 90, y1: middle + 15 };
          return { text, confidence, box, words: [{ text, confidence, box }] };
        });
        return answer('tesseract', lines, confidence);
      },
      close: async () => undefined,
    };
    return { engine, requests };
  };
  /** The page `rows` (the column-missed one unless given) read, its column then read as `texts`. */
  const rereadAs = async (texts: string[], rows = columnMissed, confidence = 0.95) => {
    const { engine, requests } = columnReadAs(texts, confidence);
    const parsed = parseReceiptText(rows, { now });
    const page = await blankPage();
    const reread = await rereadAmountColumn(parsed, {
      page,
      rows: [rows],
      engine,
      languages: ['eng', 'tha'],
      now,
    });
    return { parsed, reread, requests };
  };

  test('when the column read makes the items add up to the total, then the items are those, read once in column mode', async () => {
    const { parsed, reread, requests } = await rereadAs(['34.00', '152.00', '49.50', '86.25', '321.75']);

    expect(parsed.fields.items).toHaveLength(0);
    expect(reread.parsed.fields.items.map((item) => [item.quantity, item.amountMinor])).toEqual([
      [1, 3400],
      [2, 15200],
      [1, 4950],
      [1, 8625],
    ]);
    expect(reread.parsed.fields.totalMinor).toBe(32175);
    expect(requests.map((request) => request.layout)).toEqual(['column']);
    expect(reread.reads).toHaveLength(1);
  });

  test('when OCR doubted an amount of the column, then the items it gave are not read as sure, though they add up', async () => {
    const column = ['34.00', '152.00', '49.50', '86.25', '321.75'];
    const sure = await rereadAs(column, columnMissed, 0.95);
    const doubted = await rereadAs(column, columnMissed, 0.3);

    const amounts = (items: { quantity: number; amountMinor: number }[]) =>
      items.map((item) => [item.quantity, item.amountMinor]);
    expect(amounts(doubted.reread.parsed.fields.items)).toEqual(amounts(sure.reread.parsed.fields.items));
    expect(amounts(doubted.reread.parsed.fields.items)).toHaveLength(4);
    expect(sure.reread.parsed.confidence.items).toBeGreaterThanOrEqual(0.9);
    expect(doubted.reread.parsed.confidence.items).toBeLessThan(0.9);
  });

  test("when the first pass lost every amount, the total's too, then the column is placed by the page read again as one block", async () => {
    const lostAll = columnMissed.map((row, index) => (index === 9 ? placed('รวมทั้งสิ้น', 9) : row));
    const { engine, requests } = columnReadAs(['34.00', '152.00', '49.50', '86.25', '321.75']);
    const parsed = parseReceiptText(columnMissed, { now });
    const page = await blankPage();

    const reread = await rereadAmountColumn(parsed, {
      page,
      rows: [lostAll, columnMissed],
      engine,
      languages: ['eng', 'tha'],
      now,
    });

    expect(planAmountColumn(lostAll)).toBeUndefined();
    expect(requests).toHaveLength(1);
    expect(reread.parsed.fields.items.map((item) => item.amountMinor)).toEqual([3400, 15200, 4950, 8625]);
  });

  test('when the column read does not make the items add up, then the reading stays as it was', async () => {
    const { parsed, reread } = await rereadAs(['34.00', '152.00', '49.50', '86.15', '321.75']);

    expect(reread.parsed).toBe(parsed);
  });

  test('when the items already add up, then nothing is read', async () => {
    const { parsed, reread, requests } = await rereadAs([], page(['1 ไข่ไก่ 300.00', '1 มาม่า 21.75']));

    expect(reread.parsed).toBe(parsed);
    expect(requests).toHaveLength(0);
  });
});
