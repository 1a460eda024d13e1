import { describe, expect, test } from '@jest/globals';
import { toTraditional } from '../../core/ocr/index.js';
import { COMPANY_WORDS } from '../../core/receipts/data/company-words.data.js';
import { STORE_CHAINS } from '../../core/receipts/data/store-chains.data.js';
import { correctStoreName, parseReceiptText } from '../../core/receipts/index.js';

describe('the chain lexicon (core/receipts/data/store-chains.data.ts)', () => {
  test('when the data file is read, then every name is unique, trimmed and non-empty', () => {
    for (const names of Object.values(STORE_CHAINS)) {
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toBe(name.trim());
      expect(names.every((name) => name.length >= 2)).toBe(true);
    }
  });

  test.each([
    ['梁爾富國際股份有限公司台南店', '萊爾富國際股份有限公司台南店', 1],
    ['統一超商股份有限公司新竹門巿', '統一超商股份有限公司新竹門巿', 0],
    ['全聯實業股仿有限公司嘉義店', '全聯實業股份有限公司嘉義店', 1],
    ['ท็อปส์ มาร์เกิต', 'ท็อปส์ มาร์เก็ต', 1],
    ['ซีเจ เอ็กซ์เพรซ', 'ซีเจ เอ็กซ์เพรส', 1],
  ])('when OCR bent a chain name (%s), then the chain is put back', (read, expected, edits) => {
    const corrected = correctStoreName(read);
    expect(corrected.value).toBe(expected);
    expect(corrected.chain).toBeDefined();
    expect(corrected.edits).toBe(edits);
  });

  test.each([
    ['R&C VENTURE SON BHD', 'R&C VENTURE SDN BHD'],
    ['BEMED (SP) SDH. BHZ', 'BEMED (SP) SDN BHD'],
    ['Dion Realties 5dn 8hd', 'Dion Realties Sdn Bhd'],
    ['99 SPEED MART S/8', '99 SPEED MART S/B'],
  ])('when a legal suffix is bent (%s), then it reads %s', (read, expected) => {
    expect(correctStoreName(read).value).toBe(expected);
  });

  test('when the company words are read (core/receipts/data/company-words.data.ts), then each is unique, upper case, of 4 letters or more', () => {
    expect(new Set(COMPANY_WORDS).size).toBe(COMPANY_WORDS.length);
    for (const word of COMPANY_WORDS) expect(word).toMatch(/^[A-Z]{4,}$/);
  });

  test.each([
    ['99 SPEED NART S/B', '99 SPEED MART S/B'],
    ['LIAN HING STATIONEPY SDN BHD', 'LIAN HING STATIONERY SDN BHD'],
    ['Golden Restauramt', 'Golden Restaurant'],
    ['SYARIKAT PERNIAGAAM GIN KEE', 'SYARIKAT PERNIAGAAN GIN KEE'],
  ])('when OCR bent one letter of a company word (%s), then it reads %s', (read, expected) => {
    expect(correctStoreName(read).value).toBe(expected);
  });

  test('when a word is a company word glued to another or a name one letter off, then it is kept', () => {
    // A letter more or less is a glued word ("K STATIONERY" read as one), not a slip.
    expect(correctStoreName('KSTATIONERY & OFFICE SUPPLIES').value).toBe('KSTATIONERY & OFFICE SUPPLIES');
    expect(correctStoreName('ZAWIAJAYA FOOD NBEVERAGE SDN BHD').value).toBe(
      'ZAWIAJAYA FOOD NBEVERAGE SDN BHD',
    );
    // Letters that do not look alike (MARI is a word, not MART bent), and the store's own words.
    expect(correctStoreName('KEDAI MARI MAKAN').value).toBe('KEDAI MARI MAKAN');
    expect(correctStoreName('SANYO STATIONERY SHOP').value).toBe('SANYO STATIONERY SHOP');
    expect(correctStoreName('LEONG HENG SHELL SERVICE STATION').value).toBe(
      'LEONG HENG SHELL SERVICE STATION',
    );
  });

  test('when a short or Latin name is one letter off, then nothing is changed (another word, not a slip)', () => {
    expect(correctStoreName('全冢').value).toBe('全冢');
    expect(correctStoreName('TOPS MARKEL').chain).toBeUndefined();
    expect(correctStoreName('GOLDEN SCOOP').value).toBe('GOLDEN SCOOP');
  });

  test('when a chain is printed exactly, then it is not taken for another chain a few characters off', () => {
    expect(correctStoreName('來來超商股份有限公司板橋店').chain).toBe('來來超商股份有限公司');
    expect(correctStoreName('來來超商股份有限公司板橋店').value).toBe('來來超商股份有限公司板橋店');
  });

  test('when only the generic words match ("好好超商股份有限公司"), then it is another store, not a slip', () => {
    expect(correctStoreName('好好超商股份有限公司').chain).toBeUndefined();
    expect(correctStoreName('好好超商股份有限公司').value).toBe('好好超商股份有限公司');
  });

  test('when a Hi-Life paper invoice is read with 梁 for 萊, then the store name is the chain name', () => {
    const receipt = parseReceiptText(
      [
        '統一發票(收銀機)',
        '113年07-08月',
        'NB-81592732',
        '梁爾富國際股份有限公司高雄店',
        '高雄市苓雅區四維三路10號',
        '統一編號 41308128',
        '113/07/06 16:15',
        '茶裏王日式綠茶600ml x1 105TX',
        '總計 $105',
      ].map((text) => ({ text })),
      { now: new Date('2025-01-01T00:00:00Z') },
    );
    expect(receipt.fields.storeName).toBe('萊爾富國際股份有限公司高雄店');
  });
});

describe('toTraditional (PaddleOCR answers some characters in simplified form)', () => {
  test('when a line holds simplified characters, then they are mapped one by one, Taiwan forms kept', () => {
    expect(toTraditional('莱尔富国际股份有限公司台北店 统一编号 总计 12.00')).toBe(
      '萊爾富國際股份有限公司台北店 統一編號 總計 12.00',
    );
    expect(toTraditional('Total 12.00')).toBe('Total 12.00');
  });
});
