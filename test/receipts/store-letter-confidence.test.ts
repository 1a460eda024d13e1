import { describe, expect, test } from '@jest/globals';
import { parseReceiptText } from '../../core/receipts/index.js';
import { STORE_SURE } from '../../core/receipts/receipt-name-rows.js';
import { SURE_LETTER } from '../../core/receipts/receipt-store.models.js';

const now = new Date('2018-12-31T00:00:00Z');
/** Rows as PaddleOCR gives them: one word a row, its least sure letter beside its mean (`leastLetter`). */
const rows = (text: string, leastLetter?: (row: string) => number | undefined) =>
  text.split('\n').map((row) => {
    const least = leastLetter?.(row);
    return {
      text: row,
      confidence: 0.97,
      words: [{ text: row, confidence: 0.97, ...(least === undefined ? {} : { leastLetter: least }) }],
    };
  });
const storeConfidence = (input: ReturnType<typeof rows>) =>
  parseReceiptText(input, { now }).confidence.storeName ?? 0;
const RECEIPT = 'KEDAI BUKU MAJU\nNO 9 JALAN 1, TAMAN MAJU\n18/09/2017\nTOTAL 9.90';

describe("store name — the confidence from the engine's own letter probabilities", () => {
  test('when every letter of the name row is read surely, then the name is sure enough to decide on', () => {
    expect(storeConfidence(rows(RECEIPT, () => 0.99))).toBeGreaterThanOrEqual(STORE_SURE);
  });

  test('when one letter of the name row is a near coin toss, then the name stays under 0.9 (review)', () => {
    expect(storeConfidence(rows(RECEIPT, (row) => (row.startsWith('KEDAI') ? 0.66 : 0.99)))).toBeLessThan(
      STORE_SURE,
    );
    // Just under the threshold is unsure too.
    expect(
      storeConfidence(rows(RECEIPT, (row) => (row.startsWith('KEDAI') ? SURE_LETTER - 0.01 : 0.99))),
    ).toBeLessThan(STORE_SURE);
  });

  test('when the engine gives no letter probabilities (tesseract), then the name stays under 0.9 as before', () => {
    expect(storeConfidence(rows(RECEIPT))).toBeLessThan(STORE_SURE);
  });

  test('when the name runs onto a second row and a letter of that row is unsure, then the name stays under 0.9', () => {
    const twoRows = 'POPULAR BOOK\nCO. (M) SDN BHD\nNO 9 JALAN 1, TAMAN MAJU\n18/09/2017\nTOTAL 9.90';
    expect(
      parseReceiptText(
        rows(twoRows, () => 0.99),
        { now },
      ).fields.storeName,
    ).toBe('POPULAR BOOK CO. (M) SDN BHD');
    expect(storeConfidence(rows(twoRows, () => 0.99))).toBeGreaterThanOrEqual(STORE_SURE);
    expect(storeConfidence(rows(twoRows, (row) => (row.startsWith('CO.') ? 0.6 : 0.99)))).toBeLessThan(
      STORE_SURE,
    );
  });
});
