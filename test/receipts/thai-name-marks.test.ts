import { describe, expect, test } from '@jest/globals';
import { thaiMarksLost } from '../../core/receipts/thai-name-marks.models.js';

describe('thaiMarksLost — a Thai row tesseract read without its marks above the line', () => {
  test('when a name of six consonants or more reads no vowel, tone mark or thanthakhat above them, then its marks were lost', () => {
    expect(thaiMarksLost('รานชา ลุงสมศกด')).toBe(true);
    expect(thaiMarksLost('รานคาปลกศรนวลการคา')).toBe(true);
  });

  test.each([
    // Read with its marks.
    ['ร้านชำ ลุงสมศักดิ์'],
    ['ร้านชํา ลุงสมศักดิ์'],
    ['ซีเจ เอ็กซ์เพรส'],
    // Short: a word of a few letters may have none.
    ['บานสวน'],
    ['โลตส'],
    // Latin letters are no Thai row.
    ['Tops Market Sukhumvit'],
  ])('when the row reads %s, then nothing says its marks were lost', (text) => {
    expect(thaiMarksLost(text)).toBe(false);
  });
});
