import { describe, expect, test } from '@jest/globals';
import { parseReceiptText } from '../../core/receipts/index.js';
import { rankStoreRows, STORE_ROW_WEIGHTS } from '../../core/receipts/receipt-store.models.js';
import { toLines } from '../../core/receipts/receipt-lines.models.js';

const now = new Date('2018-12-31T00:00:00Z');
const lines = (text: string) => text.split('\n').map((row) => ({ text: row, confidence: 0.95 }));
const read = (text: string) => parseReceiptText(lines(text), { now }).fields.storeName;

describe('store name — features that hold across receipts', () => {
  test('every row is scored as the weighted sum of its features', () => {
    const { scored } = rankStoreRows(toLines(lines('KEDAI BUKU MAJU\nNO 9 JALAN 1\nTOTAL 9.90')), {
      thai: false,
      chinese: false,
    });
    for (const row of scored) {
      const sum = Object.entries(row.features).reduce(
        (total, [name, value]) => total + STORE_ROW_WEIGHTS[name as keyof typeof STORE_ROW_WEIGHTS] * value,
        0,
      );
      expect(row.score).toBeCloseTo(sum, 9);
    }
    expect(scored[0]!.value).toBe('KEDAI BUKU MAJU');
  });

  test('when a company printed below the date (the customer billed) carries a company word, then the seller above still wins', () => {
    expect(
      read(
        'GARDENIA BAKERIES\nLot 3, Jalan Pelabur 23/1\nTAX INVOICE\nDate: 18/09/2017\nMAKASSAR FRESH MARKET SDN BHD\nGROUND FLOOR NO.4\nTOTAL 9.90',
      ),
    ).toBe('GARDENIA BAKERIES');
  });

  test('when OCR reads an I into the legal suffix ("SDN BHID") and look-alike letters into the registration ("(I393S6X)"), then the entity row is read as one', () => {
    expect(read('GARDENIA BAKERIES (KL) SDN BHID (I393S6X)\nLot 3, Jalan Pelabur\nTOTAL 9.90')).toBe(
      'GARDENIA BAKERIES (KL) SDN BHD',
    );
  });

  test('when a business\'s registration number with its state\'s letters ("(JM0517726-X)") is printed below a row, then that row is the name, not a handwritten line above', () => {
    expect(read('tan woon yann\nYONGFATT\n(JM0517726-X)\nNO.122, JALAN DEDAP 13\nTOTAL 9.90')).toBe(
      'YONGFATT',
    );
    expect(read('tan woon yann\nYONGFATT\n(M0517726)\nNO.122, JALAN DEDAP 13\nTOTAL 9.90')).toBe('YONGFATT');
  });
});
