import { describe, expect, test } from '@jest/globals';
import { parseReceiptText } from '../../core/receipts/index.js';
import { spaceGluedWords } from '../../core/receipts/store-name-spacing.models.js';

describe('store names read without their spaces (issue #15: the name as the receipt prints it)', () => {
  test.each([
    ['ACMEINTERNATIONALSDNBHD', 'ACME INTERNATIONAL SDN BHD'],
    ['MAJUSTATIONERYSHOP', 'MAJU STATIONERY SHOP'],
    ['MAJU STATIONERYSHOP', 'MAJU STATIONERY SHOP'],
    ['BUDI HARDWARESDN BHD', 'BUDI HARDWARE SDN BHD'],
    ['BUDI HARDWARESDN.BHD', 'BUDI HARDWARE SDN BHD'],
    ['TANJUNGENTERPRISE', 'TANJUNG ENTERPRISE'],
    ['RESTAURANTMAWAR MAWAR HOUSE', 'RESTAURANT MAWAR MAWAR HOUSE'],
    ['PSTATIONERY &OFFICESUPPLIES', 'P STATIONERY &OFFICE SUPPLIES'],
    ['BlueLotus Sdn Bhd', 'Blue Lotus Sdn Bhd'],
  ])('when OCR glued the words of a name (%s), then the spaces are put back: %s', (read, expected) => {
    expect(spaceGluedWords(read)).toBe(expected);
  });

  test.each([
    // A company word at the end of an English word or a name, not glued to it.
    'SMART TRADING',
    'WALMART',
    'STATIONERS & PRINTERS',
    'STATIONARY SHOP',
    // Two capitalised words of fewer than four letters each side: a name of its own.
    'McDonald Sdn Bhd',
    'MacArthur Cafe',
    // A chain of the lexicon printed as one word.
    'FamilyMart',
    // Not a Latin name.
    '全聯實業股份有限公司',
    'SUPERMARKET',
  ])('when a name is printed as it reads (%s), then it is kept', (name) => {
    expect(spaceGluedWords(name)).toBe(name);
  });

  test('when a receipt name row is read glued, then the store name has its spaces and the same letters', () => {
    const receipt = parseReceiptText(
      [
        'ACMEINTERNATIONALSDNBHD',
        '(123456-A)',
        'NO 12 JALAN MAWAR 3',
        '81200 JOHOR BAHRU',
        'DATE: 03/04/2018',
        'TOTAL 12.50',
      ].map((text) => ({ text })),
      { now: new Date('2019-01-01T00:00:00Z') },
    );
    expect(receipt.fields.storeName).toBe('ACME INTERNATIONAL SDN BHD');
  });
});
