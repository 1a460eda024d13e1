import { describe, expect, test } from '@jest/globals';
import { parseReceiptText } from '../../core/receipts/index.js';
import { isThaiLabelRow } from '../../core/receipts/receipt-thai-labels.models.js';
import {
  cleanName,
  composeSaraAm,
  PASSED_OVER_NAME_CAP,
  readsAsName,
} from '../../core/receipts/receipt-store.models.js';

const thai = (...lines: string[]) =>
  parseReceiptText(
    lines.map((text) => ({ text, confidence: 0.93 })),
    { now: new Date('2026-01-01T00:00:00Z') },
  );

describe('Thai label rows are never the store name (issue #15)', () => {
  test.each([
    ['รวมทั้งสิ้น'],
    ['รวมทงสน'],
    ['รวมทจงั้สนี้'],
    ['ยอดรวม'],
    ['ภาษีมูลค่าเพิ่ม 7%'],
    ['เงินสด'],
    ['เงินทอน'],
    ['สาขา 004'],
    ['รวม 3 รายการ'],
    ['ใบกำกับภาษี'],
  ])('when a row reads %s, then it is a label row', (text) => {
    expect(isThaiLabelRow(text)).toBe(true);
  });

  test.each([
    ['ร้านรวมมิตร'],
    ['รวมใจ'],
    ['เงินสุข'],
    ['สาขา 004 ถ.เจริญประดิษฐ์ อ.เมือง ปัตตานี'],
    ['โลตัส'],
    ['Big C'],
  ])('when a row reads %s, then it is not a label row (a name keeps its label words)', (text) => {
    expect(isThaiLabelRow(text)).toBe(false);
  });

  test('when the total label is read apart from its amount above the items, then the store is the name row, not the label', () => {
    const receipt = thai(
      'รวมทั้งสิ้น',
      'สมบูรณ์ผล',
      'เลขประจําตัวผู้เสียภาษี 5005020441849',
      'วันที่ 20/12/2567 12:55',
      '1 นมเมจิ 830 มล 83.25',
      '83.25',
    );
    expect(receipt.fields.storeName).toBe('สมบูรณ์ผล');
  });
});

describe('a Thai page row that reads as no name (issue #15)', () => {
  test.each([
    ['aa', false],
    ['ll l', false],
    ['ววว', false],
    ['กข', false],
    ['โลตัส', true],
    ['บิ๊กซี', true],
    ['Big C', true],
  ])('when the row reads %s, then readsAsName is %s', (text, expected) => {
    expect(readsAsName(text)).toBe(expected);
  });

  test.each([['aa ‘'], ['aaa'], ['ว ว ว']])(
    'when the top row reads %s, then the next row is the name, and not surely',
    (top) => {
      const receipt = thai(
        top,
        'สมบูรณ์ผล',
        'สาขา 003 ถ.ราษฎร์อุทิศ อ.เมือง สุราษฎร์ธานี',
        'วันที่ 20/12/2567 12:55',
        '1 นมเมจิ 830 มล 83.25',
        'รวมทั้งสิ้น 83.25',
      );
      expect(receipt.fields.storeName).toBe('สมบูรณ์ผล');
      expect(receipt.confidence.storeName).toBeLessThanOrEqual(PASSED_OVER_NAME_CAP);
    },
  );
});

describe('a lone Thai letter after the word a Thai name ends with (issue #15)', () => {
  test.each([
    ['ร้านค้า.โชคดีพาณิชย์ป', 'ร้านค้า.โชคดีพาณิชย์'],
    ['ร้านค้า โชคดีพาณิชย์ ร', 'ร้านค้า โชคดีพาณิชย์'],
    ['เจริญการค้าก', 'เจริญการค้า'],
  ])('when %s is read, then the lone letter is a speck: %s', (read, expected) => {
    expect(cleanName(read)).toBe(expected);
  });

  test.each([['มินิมาร์ท'], ['แฟมิลี่มาร์ท'], ['โชคดีพาณิชย์'], ['ร้านค้า 99'], ['สมบูรณ์ผล']])(
    'when %s is read, then its last letter is its own',
    (read) => {
      expect(cleanName(read)).toBe(read);
    },
  );
});

describe('sara am in a Thai name as tesseract writes it (issue #15)', () => {
  test.each([
    ['ร้านชําลุงสมศักดิ์', 'ร้านชำลุงสมศักดิ์'],
    ['ร้านชำ ลุงสมศักดิ์', 'ร้านชำ ลุงสมศักดิ์'],
    ['ค่ํา', 'ค่ำ'],
    ['คํ่า', 'ค่ำ'],
    ['น้ําดื่ม', 'น้ำดื่ม'],
  ])('when a name reads %s, then it is %s', (read, name) => {
    expect(composeSaraAm(read)).toBe(name);
    expect(cleanName(read)).toBe(name);
  });

  test('when the store row reads sara am as nikhahit and sara aa, then the store name has sara am', () => {
    const receipt = thai(
      'ร้านชํา ลุงสมศักดิ์',
      'สาขา 001 ถ.พระปกเกล้า อ.เมือง เชียงราย',
      'เลขประจําตัวผู้เสียภาษี 5005020441849',
      'วันที่ 20/12/2567 12:55',
      '1 นมเมจิ 830 มล 83.25',
      'รวมทั้งสิ้น 83.25',
    );
    // Thai words of one row are read together (`compact`).
    expect(receipt.fields.storeName).toBe('ร้านชำลุงสมศักดิ์');
  });
});
