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

  test('when the total before its rounding is labelled and the rounded one too, then the rounded one is paid, not marked as a misread', () => {
    // SROIE tuning 573 as PaddleOCR read it: 27.27 and 27.25 are two digits apart, the rounding's doing, not OCR's.
    const read = receipt(
      'MR. D.I.Y. (M) SDN BHD',
      'Date: 30-06-18',
      'Total Incl.GST RM 27.27',
      'ROUNDING ADJUSTMENT -RM 0.02',
      'TOTAL ROUNDED RM 27.25',
      'CASH RM 30.00',
      'CHANGE RM 2.75',
    );

    expect(read.fields.totalMinor).toBe(2725);
    expect(read.fields.totalReadAs).toBeUndefined();
  });

  // Total 14.64 + rounding 0.01 and cash − change say 14.65; the TOTAL ROUNDED row was read 14.85 (review F4).
  const roundedReceipt = (rounded: string) =>
    parseReceiptText(
      [
        'KEDAI RUNCIT MAJU SDN BHD',
        'Date: 30-06-18',
        'ITEM A 10.00',
        'ITEM B 4.64',
        'Total Incl.GST RM 14.64',
        'ROUNDING ADJ RM 0.01',
        `TOTAL ROUNDED RM ${rounded}`,
        'CASH RM 20.00',
        'CHANGE RM 5.35',
      ].map((text) => ({ text, confidence: 0.97 })),
      { now },
    );

  test('when the rounded total row is read as another amount than the sums agree on, then the sums’ amount is paid but not read as sure', () => {
    const misread = roundedReceipt('14.85');
    const right = roundedReceipt('14.65');

    expect(misread.fields.totalMinor).toBe(1465);
    expect(misread.confidence.totalAmount).toBeLessThan(0.9);
    expect(right.fields.totalMinor).toBe(1465);
    expect(right.confidence.totalAmount).toBeGreaterThanOrEqual(0.9);
  });

  // Two passes of independent sources (so agreement adds its 0.05), each with its total read just under the bar.
  const combineJustUnder = (...readings: ReturnType<typeof parseReceiptText>[]) =>
    combineReadings(
      readings.map((reading) => ({ ...reading, confidence: { ...reading.confidence, totalAmount: 0.85 } })),
      [1, 1],
      [passSource('base'), passSource('base', { secondOpinion: true })],
    );

  test('when two independent passes rewrote the total alike, then their agreement does not make it sure', () => {
    const rewritten = thaiReceipt('183.75');

    const combined = combineJustUnder(rewritten, rewritten);

    expect(combined.fields.totalMinor).toBe(78375);
    expect(combined.fields.totalReadAs).toBe(18375);
    expect(combined.confidence.totalAmount).toBeLessThan(0.9);
  });

  test('when two independent passes chose a total their rounded total row contradicts, then their agreement does not make it sure', () => {
    const contradicted = roundedReceipt('14.85');

    const combined = combineJustUnder(contradicted, contradicted);

    expect(contradicted.fields.totalContradictedBy).toBe(1485);
    expect(combined.fields.totalMinor).toBe(1465);
    expect(combined.fields.totalContradictedBy).toBe(1485);
    expect(combined.confidence.totalAmount).toBeLessThan(0.9);
  });

  test('when only one of two agreeing passes read the rounded total row against the total, then the total is still not sure', () => {
    const agreeing = roundedReceipt('14.65');

    const combined = combineJustUnder(agreeing, roundedReceipt('14.85'));

    expect(agreeing.fields.totalContradictedBy).toBeUndefined();
    expect(combined.fields.totalMinor).toBe(1465);
    expect(combined.fields.totalContradictedBy).toBe(1485);
    expect(combined.confidence.totalAmount).toBeLessThan(0.9);
  });
});
