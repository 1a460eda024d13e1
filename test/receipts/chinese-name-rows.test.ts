import { describe, expect, test } from '@jest/globals';
import type { OcrEngine } from '../../core/ocr/index.js';
import { parseReceiptText, readReceiptImage } from '../../core/receipts/index.js';
import { restoreDroppedCharacters } from '../../core/receipts/chinese-name-rows.models.js';
import { TW_TOWNSHIPS } from '../../core/receipts/data/tw-townships.data.js';
import { rereadChineseNameRow } from '../../core/receipts/receipt-name-rows.js';
import { bentTownship, mendBranchPlace } from '../../core/receipts/tw-branch-places.models.js';
import { answer, cropsReadAs, page, row } from './support/ocr-rows.js';

const now = new Date('2025-06-01T00:00:00Z');

describe('restoreDroppedCharacters — characters PaddleOCR dropped from a Chinese name row, put back', () => {
  test.each([
    // tw-paper-w8 of the held-out tuning part: both crops read the 麵 PaddleOCR left out.
    ['阿忠線店', ['阿忠麵線店', '阿忠麵線店'], '阿忠麵線店'],
    // tw-paper-w27: the crops misread other characters, each its own way; where they agree is 麵 alone.
    ['阿忠線店', ['隅皿麵線店', '際忠麵線店'], '阿忠麵線店'],
    // Spaces and specks a single-line read puts between characters are no characters.
    ['阿忠線店', ['阿 忠 麵 線 店', '_ 阿忠麵線店'], '阿忠麵線店'],
  ])('when the page read %s and both crops %j, then the row is %s', (page, crops, expected) => {
    expect(restoreDroppedCharacters(page, crops)).toBe(expected);
  });

  test.each([
    // The crops disagree on the character dropped (tw-paper-w14): which one is a guess.
    ['阿忠線店', ['阿忠頰線店', '阿忠麵線店']],
    // One crop alone is no vote.
    ['阿忠線店', ['阿忠麵線店']],
    // The crops read another character where the page read one: PaddleOCR's stays (tw-paper-w3, 興 read 與).
    ['新興五金行', ['新與五金行', '新與五金行']],
    // What the crops add is not a Han character.
    ['阿忠線店', ['阿忠_線店', '阿忠_線店']],
    // Two characters missing, each put back as well as the other: which first is a guess.
    ['阿忠店', ['阿忠麵線店', '阿忠麵線店']],
  ])('when the page read %s and the crops %j, then the page reading stays', (page, crops) => {
    expect(restoreDroppedCharacters(page, crops)).toBe(page);
  });
});

/** A TW paper invoice as PaddleOCR reads it, the seller's name row fourth. */
const paperInvoice = (seller: string, address = '彰化縣鹿港鎮中山路100號') =>
  [
    '統一發票(收銀機)',
    '113年01-02月',
    'VX-23664443',
    seller,
    address,
    '統一編號 69345073',
    '113/01/22 10:05',
    '麵線 x1 80TX',
    '總計 $80',
  ].map((text, index) => row(text, index, 0.94));

describe('rereadChineseNameRow — a doubtful Chinese store name read again by tesseract', () => {
  test('when PaddleOCR dropped a character of a one-shop name, then both crops read with chi_tra put it back', async () => {
    const tesseract = cropsReadAs('阿忠麵線店', '阿忠麵線店');

    const reread = await rereadChineseNameRow(paperInvoice('阿忠線店'), {
      page: await page(),
      engine: tesseract.engine,
      now,
    });

    expect(parseReceiptText(reread.lines, { now }).fields.storeName).toBe('阿忠麵線店');
    expect(reread.changed).toBe(1);
    // The grey crop and the binarised one, each read as one line with traditional Chinese alone.
    expect(tesseract.requests.map((request) => [request.languages, request.singleLine])).toEqual([
      [['chi_tra'], true],
      [['chi_tra'], true],
    ]);
  });

  test('when the store is a chain of the lexicon read exactly (sure), then its row is not read again', async () => {
    const tesseract = cropsReadAs('全家便利商店股份有限公司', '全家便利商店股份有限公司');

    const reread = await rereadChineseNameRow(paperInvoice('全家便利商店股份有限公司'), {
      page: await page(),
      engine: tesseract.engine,
      now,
    });

    expect(tesseract.requests).toHaveLength(0);
    expect(reread.changed).toBe(0);
  });

  test('when PaddleOCR read the page and tesseract is the second engine, then the reader puts the dropped character back', async () => {
    const paddle: OcrEngine = {
      name: 'paddle',
      recognize: async () => answer('paddle', paperInvoice('阿忠線店'), 0.94),
      close: async () => undefined,
    };
    const tesseract = cropsReadAs('阿忠麵線店', '阿忠麵線店');

    const reading = await readReceiptImage(await page(), {
      ocrEngine: paddle,
      secondEngine: tesseract.engine,
      languages: ['eng', 'chi_tra'],
      now,
    });

    expect(reading.fields.storeName).toBe('阿忠麵線店');
    // A one-shop name no lexicon vouches for stays under 0.9.
    expect(reading.confidence.storeName).toBeLessThan(0.9);
    expect(reading.timings.passes?.map((pass) => pass.name)).toContain('tesseract:name-row-chi');
  });
});

describe("Taiwan's townships (core/receipts/data/tw-townships.data.ts)", () => {
  test('when the data file is read, then it holds the 22 counties and cities and their 368 townships, each once', () => {
    expect(Object.keys(TW_TOWNSHIPS)).toHaveLength(22);
    const towns = Object.values(TW_TOWNSHIPS);
    expect(towns.flat()).toHaveLength(368);
    for (const [city, names] of Object.entries(TW_TOWNSHIPS)) {
      expect(city).toMatch(/^[\u3400-\u9FFF]{2}[市縣]$/u);
      expect(new Set(names).size).toBe(names.length);
      for (const name of names) expect(name).toMatch(/^[\u3400-\u9FFF]{1,3}[區鄉鎮市]$/u);
    }
    expect(TW_TOWNSHIPS['桃園市']).toContain('中壢區');
    expect(TW_TOWNSHIPS['臺中市']).toContain('中區');
  });
});

describe('bentTownship — the township an address OCR bent still names', () => {
  test.each([
    // PaddleOCR has no 壢: 中壢區 read 中區, 中縣區, 中品; the city bent too.
    ['桃園市中區中正路200號', '中壢區'],
    ['桃園市中縣區中正路200號', '中壢區'],
    ['桃園市中品中正路200號', '中壢區'],
    ['桃國市中堰區中正路200號', '中壢區'],
    ['彰化鹿港鎮中山路100號', '鹿港鎮'],
  ])('when the address reads %s, then it names %s', (address, township) => {
    expect(bentTownship(address)).toBe(township);
  });

  test.each([
    // Read exactly: nothing to mend (臺 and 台 one character).
    ['台北市萬華區漢中街50號'],
    ['臺中市中區自由路10號'],
    // Nothing like an address.
    ['統一編號 69345073'],
  ])('when the address reads %s, then no bent township is named', (address) => {
    expect(bentTownship(address)).toBeUndefined();
  });
});

describe('mendBranchPlace — a branch named after its township, bent alike in the name and the address', () => {
  test.each([
    ['康是美股份有限公司中店', '桃園市中區中正路200號', '康是美股份有限公司中壢店'],
    ['康是美股份有限公司中提店', '桃國市中堰區中正路200號', '康是美股份有限公司中壢店'],
    ['康是美股份有限公司中靂店', '桃園市中品中正路200號', '康是美股份有限公司中壢店'],
  ])('when the name reads %s over %s, then it is %s', (name, address, mended) => {
    expect(mendBranchPlace(name, '康是美股份有限公司', address)).toBe(mended);
  });

  test.each([
    // The address read exactly: the branch has its own name (a road, a landmark), not bent by the address.
    ['台灣松本清股份有限公司西門店', '台灣松本清股份有限公司', '台北市萬華區漢中街50號'],
    // A branch two characters away from the township the bent address names is another place.
    ['康是美股份有限公司站前店', '康是美股份有限公司', '桃園市中區中正路200號'],
    // No branch, or no address.
    ['康是美股份有限公司', '康是美股份有限公司', '桃園市中區中正路200號'],
    ['康是美股份有限公司中店', '康是美股份有限公司', undefined],
    // A branch read right, one character from a township the bent address names, keeps the character the
    // address prints: it is another place (a road, the next township), not a bend (review F4).
    ['全家便利商店股份有限公司中正店', '全家便利商店股份有限公司', '台北市中山邑中山北路二段10號'],
    ['全家便利商店股份有限公司永和店', '全家便利商店股份有限公司', '新北市中和邑中正路100號'],
  ])('when the name reads %s (chain %s) over %s, then nothing is mended', (name, chain, address) => {
    expect(mendBranchPlace(name, chain, address)).toBeUndefined();
  });

  test('when a chain invoice reads its branch and address bent alike, then the name has the township and stays under 0.9', () => {
    const receipt = parseReceiptText(paperInvoice('康是美股份有限公司中店', '桃園市中區中正路200號'), {
      now,
    });

    expect(receipt.fields.storeName).toBe('康是美股份有限公司中壢店');
    expect(receipt.confidence.storeName).toBeLessThan(0.9);
  });
});
