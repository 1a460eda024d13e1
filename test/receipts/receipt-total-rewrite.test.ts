import { describe, expect, test } from '@jest/globals';
import { parseReceiptText } from '../../core/receipts/index.js';
import { combineReadings, passSource } from '../../core/receipts/receipt-reader.js';

// A labelled total taken as misread and rewritten from the receipt's own sums (issue 15, brief rcpt item 1).
const now = new Date('2019-01-01T00:00:00Z');
const receipt = (...lines: string[]) =>
  parseReceiptText(
    lines.map((text) => ({ text })),
    { now },
  );

// 600.00 + 183.75 = 783.75, and 51.27 is the VAT 7/107 of 783.75: two sums agree on 783.75.
const thaiReceipt = (total: string) =>
  receipt(
    'ร้านโชคดีพาณิชย์',
    'วันที่ 25/04/2567 22:20',
    '2 ข้าวหอมมะลิ 5 กก 600.00',
    '1 นมเมจิ 830 มล 183.75',
    `รวมทั้งสิ้น ${total}`,
    'ภาษีมูลค่าเพิ่ม 7% 51.27',
  );

describe('the total — a labelled amount rewritten from what two sums agree on', () => {
  test('when the label reads look-alike digits (1 for 7), then the total is the sums’ amount, marked, and not read as sure', () => {
    const read = thaiReceipt('183.75');

    expect(read.fields.totalMinor).toBe(78375);
    expect(read.fields.totalReadAs).toBe(18375);
    expect(read.confidence.totalAmount).toBeLessThan(0.9);
  });

  test('when the label differs by a digit OCR does not read for the other (4 for 7), then it is not taken as misread', () => {
    const read = thaiReceipt('783.45');

    expect(read.fields.totalMinor).toBe(78345);
    expect(read.fields.totalReadAs).toBeUndefined();
  });

  test('when the label is read as the sums say, then nothing is rewritten', () => {
    const read = thaiReceipt('783.75');

    expect(read.fields.totalMinor).toBe(78375);
    expect(read.fields.totalReadAs).toBeUndefined();
  });

  test('when the first total and its rounding make what cash − change says, then that is the total, not marked as a misread', () => {
    const read = receipt(
      'POPULAR BOOK CO. (M) SDN BHD',
      'Date: 27/03/2018',
      'CORR. PEN 7.65',
      'PROFS RING FILE 6.99',
      'Total RM Incl. of GST 14.64',
      'Rounding Adj 0.01',
      'Total RM 14.85',
      'Cash 50.00',
      'CHANGE 35.35',
    );

    expect(read.fields.totalMinor).toBe(1465);
    expect(read.fields.totalReadAs).toBeUndefined();
  });

  test('when two independent passes rewrote the total alike, then their agreement does not make it sure', () => {
    const rewritten = thaiReceipt('183.75');
    const surest = { ...rewritten, confidence: { ...rewritten.confidence, totalAmount: 0.85 } };

    const combined = combineReadings(
      [surest, surest],
      [1, 1],
      [passSource('base'), passSource('base', { secondOpinion: true })],
    );

    expect(combined.fields.totalMinor).toBe(78375);
    expect(combined.fields.totalReadAs).toBe(18375);
    expect(combined.confidence.totalAmount).toBeLessThan(0.9);
  });
});
