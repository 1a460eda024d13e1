import { describe, expect, test } from '@jest/globals';
import { parseReceiptText } from '../../core/receipts/index.js';
import { needsRefinement, passVoteWeight } from '../../core/receipts/receipt-reader.js';

// Features that hold across receipts (issue #15): rows as OCR returns them, with boxes where print size
// matters (the height of a row is its print size).
const now = new Date('2019-01-01T00:00:00Z');
const rows = (...spec: [text: string, height?: number][]) =>
  spec.map(([text, height = 20], i) => ({
    text,
    confidence: 0.95,
    box: { x0: 40, y0: i * 40, x1: 400, y1: i * 40 + height },
  }));
const storeOf = (input: ReturnType<typeof rows>) => parseReceiptText(input, { now }).fields.storeName;

describe('store name — a name printed on two rows', () => {
  test('when the row below the name has its print size and the registration number follows, then both rows are the name', () => {
    const input = rows(
      ['RESTAURANT LAMAN', 34],
      ['LAMAN CORNER', 34],
      ['002693074-K', 33],
      ['13,JLN TASIK UTAMA 8', 31],
      ['TOTAL 9.90', 30],
    );
    expect(storeOf(input)).toBe('RESTAURANT LAMAN LAMAN CORNER');
  });

  test('when the row below is printed smaller, is an address, or another name row follows, then the name is one row', () => {
    expect(
      storeOf(rows(['RESTAURANT LAMAN', 34], ['LAMAN CORNER', 22], ['002693074-K'], ['TOTAL 9.90'])),
    ).toBe('RESTAURANT LAMAN');
    expect(
      storeOf(rows(['RESTAURANT LAMAN', 34], ['JALAN TASIK', 34], ['002693074-K'], ['TOTAL 9.90'])),
    ).toBe('RESTAURANT LAMAN');
    expect(
      storeOf(rows(['RESTAURANT LAMAN', 34], ['LAMAN CORNER', 34], ['OPEN DAILY', 34], ['TOTAL 9.90'])),
    ).toBe('RESTAURANT LAMAN');
    // A name that already ends in its legal suffix is whole.
    expect(
      storeOf(rows(['LAMAN FOOD SDN BHD', 34], ['LAMAN CORNER', 34], ['(12345-K)'], ['TOTAL 9.90'])),
    ).toBe('LAMAN FOOD SDN BHD');
  });
});

describe('Taiwan invoice numbers only on Taiwanese receipts', () => {
  const receipt = (...lines: string[]) =>
    parseReceiptText(
      lines.map((text) => ({ text })),
      { now },
    );

  test('when a Malaysian receipt prints a bill number shaped like one ("CS00012441"), then it is no paper invoice and needs no further pass', () => {
    const read = receipt(
      'KEDAI MAJU SDN BHD',
      'Tax Invoice No: CS00012441',
      'Date: 27/03/2018',
      'TOTAL RM 21.20',
      'CASH 50.00',
      'CHANGE 28.80',
    );
    expect(read.fields.invoiceNumber).toBeUndefined();
    expect(read.kind).toBe('receipt');
    expect(needsRefinement(read)).toBe(false);
  });

  test('when a Taiwanese paper invoice prints it, then it is still read', () => {
    const read = receipt(
      '統一發票(收銀機)',
      'XY-74684675',
      '統一編號 19447163',
      '113/12/27 09:15',
      '總計 $306',
    );
    expect(read.fields.invoiceNumber).toBe('XY74684675');
  });
});

describe('the vote over OCR passes', () => {
  const page = (count: number) => Array.from({ length: count }, () => ({}));

  test('when the page read as one block kept the rows of the first pass, then it counts fully', () => {
    expect(passVoteWeight('block', page(11), page(11))).toBe(1);
    expect(passVoteWeight('block', page(40), page(37))).toBe(1);
  });

  test('when the block pass joined columns into fewer rows, then it counts half', () => {
    expect(passVoteWeight('block', page(40), page(25))).toBe(0.5);
    expect(passVoteWeight('large', page(40), page(25))).toBe(1);
  });
});

describe('further OCR passes only where they can change the outcome', () => {
  const read = (date: string, confidence: number) =>
    parseReceiptText(
      [
        { text: 'KEDAI MAJU SDN BHD', confidence },
        { text: `Date: ${date} 12:17`, confidence },
        { text: 'TOTAL RM 21.20', confidence },
        { text: 'CASH 50.00', confidence },
        { text: 'CHANGE 28.80', confidence },
      ],
      { now },
    );

  test('when the only doubt is the order of day and month ("06/02/18", read surely), then no further pass is asked', () => {
    expect(read('06/02/18', 0.95).confidence.date).toBeLessThan(0.7);
    expect(needsRefinement(read('06/02/18', 0.95))).toBe(false);
  });

  test('when OCR was unsure of the date row, or the year is bent, then another pass is asked', () => {
    expect(needsRefinement(read('06/02/18', 0.6))).toBe(true);
    expect(needsRefinement(read('06-02-2618', 0.95))).toBe(true);
  });
});
