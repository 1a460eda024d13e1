import { describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import type { OcrEngine, OcrEngineName, OcrLanguage, OcrLine, OcrRequest } from '../../core/ocr/index.js';
import { parseReceiptText, readReceiptImage } from '../../core/receipts/index.js';
import {
  cropRow,
  otsuThreshold,
  ROW_CROP_HEIGHT,
  rereadStoreRows,
  rereadThaiNameRow,
  storeNameRows,
} from '../../core/receipts/receipt-name-rows.js';
import {
  chooseNameRowReading,
  nameRowFlaws,
  nameRowLetters,
  nameRowWorthRereading,
} from '../../core/receipts/receipt-name-rows.models.js';
import { answer, cropsReadAs, page, row } from './support/ocr-rows.js';

const now = new Date('2019-01-01T00:00:00Z');

/** A receipt's rows: the name first, then what any receipt prints under it. */
const receipt = (name: string, confidence = 0.95) => [
  row(name, 0, confidence),
  row('NO.31G&33G, JALAN SETIA INDAH X', 1),
  row('TEL: 03-3362 4137', 2),
  row('DATE: 27/03/2018', 3),
  row('TOTAL 79.50', 4),
];

/** An engine that reads every crop as `text`, and records what it was asked. */
const rowEngine = (name: OcrEngineName, text: string, confidence: number) => {
  const requests: OcrRequest[] = [];
  const engine: OcrEngine = {
    name,
    recognize: async (request) => {
      requests.push(request);
      return answer(name, [row(text, 0, confidence)], confidence);
    },
    close: async () => undefined,
  };
  return { engine, requests };
};

describe('otsuThreshold — where ink ends and paper begins', () => {
  test('when a crop holds dark ink and light paper, then the threshold falls between them', () => {
    const pixels = Uint8Array.from([...Array<number>(30).fill(40), ...Array<number>(70).fill(210)]);

    const threshold = otsuThreshold(pixels);

    expect(threshold).toBeGreaterThanOrEqual(40);
    expect(threshold).toBeLessThan(210);
  });
});

describe('cropRow — a store name row cut from the page for a second look', () => {
  test('when a 30-px row is cut, then it is enlarged to the crop height and binarised to black and white', async () => {
    const crop = await cropRow(await page(), { x0: 100, y0: 25, x1: 500, y1: 55 });

    const { data, info } = await sharp(crop!).raw().toBuffer({ resolveWithObject: true });
    const levels = new Set<number>();
    for (let i = 0; i < data.length; i += info.channels) levels.add(data[i]!);
    expect([...levels].sort((a, b) => a - b)).toEqual([0, 255]);
    // The row (30 px) scaled to ROW_CROP_HEIGHT, with paper above and below it.
    expect(info.height).toBeGreaterThan(ROW_CROP_HEIGHT);
  });

  test('when the grey crop is asked for, then its paper keeps its grey', async () => {
    const crop = await cropRow(await page(), { x0: 100, y0: 25, x1: 500, y1: 55 }, { binarise: false });

    const { data } = await sharp(crop!).raw().toBuffer({ resolveWithObject: true });
    expect(data.some((value) => value > 0 && value < 255)).toBe(true);
  });

  test('when more paper at the sides is asked for, then the crop is wider by that many row heights', async () => {
    const box = { x0: 100, y0: 25, x1: 400, y1: 55 };
    const reader = await sharp(await cropRow(await page(), box, { binarise: false })).metadata();
    const wide = await sharp(await cropRow(await page(), box, { binarise: false, sidePaper: 3 })).metadata();

    // 2.5 more row heights (30 px) each side, scaled with the row to the crop height.
    const scale = ROW_CROP_HEIGHT / 30;
    expect(wide.width! - reader.width!).toBeCloseTo(2 * 2.5 * 30 * scale, -1);
  });

  test('when a box is too small to hold a letter, then nothing is cut', async () => {
    expect(await cropRow(await page(), { x0: 100, y0: 25, x1: 102, y1: 27 })).toBeUndefined();
  });
});

describe('nameRowLetters — the letters a name row says', () => {
  test('when a reading has digits for letters, a bent legal suffix and a registration number, then only the name letters are compared', () => {
    expect(nameRowLetters('YONG S00N FATT S/R (81497-P)')).toBe('YONGSOONFATTSBP');
    expect(nameRowLetters('LAN HING STATIONERY SON BHD')).toBe(nameRowLetters('LANHINGSTATIONERYSDNBHD'));
  });
});

describe('nameRowLetters — Thai sara am', () => {
  test('when one reading writes sara am as nikhahit + sara aa and another lost the nikhahit, then their letters differ', () => {
    expect(nameRowLetters('ร้านชําลุงสมศักดี')).toBe(nameRowLetters('ร้านชำ ลุงสมศักดิ์'));
    expect(nameRowLetters('รานชา ลุงสมศกด')).not.toBe(nameRowLetters('ร้านชำ ลุงสมศักดิ์'));
  });
});

describe('nameRowWorthRereading — which name rows another look may read better', () => {
  test('when a row was read surely and whole, then it is not worth another look', () => {
    expect(nameRowFlaws('SUPER SEVEN CASH & CARRY SDN BHD')).toBe(0);
    expect(nameRowWorthRereading({ text: 'SUPER SEVEN CASH & CARRY SDN BHD', confidence: 0.94 })).toBe(false);
    // A registration number's digits are not letters read as digits.
    expect(nameRowWorthRereading({ text: 'R&C VENTURE SDN BHD (1191015-W)', confidence: 0.92 })).toBe(false);
  });

  test('when the recogniser was unsure of a row, then it is worth another look', () => {
    expect(nameRowWorthRereading({ text: 'CARDENIA BAKERIES(KL)SDN BHID', confidence: 0.86 })).toBe(true);
  });

  test('when a surely read row has glued words or digits among letters, then it is worth another look', () => {
    expect(nameRowFlaws('SANYOSTATIONERYSHOP')).toBe(1);
    expect(nameRowFlaws('eC08Way.com SDN BHD')).toBe(1);
    expect(nameRowWorthRereading({ text: 'SANYOSTATIONERYSHOP', confidence: 0.95 })).toBe(true);
    expect(nameRowWorthRereading({ text: 'URBAN 1DEA SDN BHD', confidence: 0.92 })).toBe(true);
  });
});

describe('chooseNameRowReading — which reading of a name row to keep', () => {
  const page = (text: string, confidence = 0.95) => ({ text, confidence, source: 'page' });

  test('when both second looks read a letter the page pass misread, then their reading is kept', () => {
    const chosen = chooseNameRowReading(page('SANYOSTATIONERYSHOP'), [
      { text: 'SANYU STATIONERY SHOP', confidence: 0.71, source: 'tesseract' },
      { text: 'SANYU STATIONERY SHOP', confidence: 0.95, source: 'paddle' },
    ]);

    expect(nameRowLetters(chosen.text)).toBe('SANYUSTATIONERYSHOP');
  });

  test('when each look reads the row differently, then the reading closest to the others wins (one digit-for-letter fewer)', () => {
    const chosen = chooseNameRowReading(page('eC08Way.com SDN BHD(509213A)', 0.82), [
      { text: 'eCosway.com SON BHD (509213A)', confidence: 0.73, source: 'tesseract' },
      { text: 'eCosway.com SON BHD(509213A)', confidence: 0.84, source: 'paddle' },
    ]);

    expect(nameRowLetters(chosen.text)).toBe('ECOSWAYCOMSDNBHDA');
  });

  test('when one unsure look dissents and the other drops a letter, then the page pass keeps its reading', () => {
    const chosen = chooseNameRowReading(page('YONG S00N FATT S/B (81497-P)', 0.92), [
      { text: 'YONG SOK FATT S72 (R1497-P)', confidence: 0.47, source: 'tesseract' },
      { text: 'YONG S0N FATT S/B (81497-P)', confidence: 0.9, source: 'paddle' },
    ]);

    expect(chosen.source).toBe('page');
  });

  test('when every look agrees, then the page pass keeps its reading', () => {
    const chosen = chooseNameRowReading(page('URBAN IDEA SDN BHD'), [
      { text: 'URBAN IDEA SON BHD', confidence: 0.9, source: 'tesseract' },
    ]);

    expect(chosen.source).toBe('page');
  });
});

describe('storeNameRows — the rows a store name was read from', () => {
  test('when a company name wraps its legal suffix onto the next row, then both rows are read again', () => {
    const lines = [
      row('POPULAR BOOK', 0),
      row('CO. (M) SDN BHD', 1),
      row('NO 8, JALAN 7/118B', 2),
      row('TOTAL 10.00', 3),
    ];

    expect(storeNameRows(lines)).toEqual([0, 1]);
  });

  test('when the name is one row, then only that row is read again', () => {
    expect(storeNameRows(receipt('SANYU STATIONERY SHOP'))).toEqual([0]);
  });
});

describe('rereadStoreRows — a second look at a doubtful store name', () => {
  test('when both engines read the name row alike and the page pass misread a letter, then the row is replaced', async () => {
    const tesseract = rowEngine('tesseract', 'SANYU STATIONERY SHOP', 0.71);
    const paddle = rowEngine('paddle', 'SANYU STATIONERY SHOP', 0.95);

    const reread = await rereadStoreRows(receipt('SANYOSTATIONERYSHOP'), {
      page: await page(),
      engines: [tesseract.engine, paddle.engine],
      languages: ['eng'],
      now,
    });

    expect(reread.lines[0]!.text).toBe('SANYU STATIONERY SHOP');
    expect(reread.lines[0]!.confidence).toBe(0.95);
    expect(reread.changed).toBe(1);
    expect(reread.reads.map((read) => read.engine)).toEqual(['tesseract', 'paddle']);
    // Each engine reads the crop as one line.
    expect([...tesseract.requests, ...paddle.requests].every((request) => request.singleLine)).toBe(true);
  });

  /** `rereadStoreRows` with tesseract alone looking again, reading every crop as `text`. */
  const rereadByTesseract = async (lines: OcrLine[], text: string, languages: OcrLanguage[] = ['eng']) => {
    const tesseract = rowEngine('tesseract', text, 0.9);
    const reread = await rereadStoreRows(lines, {
      page: await page(),
      engines: [tesseract.engine],
      languages,
      now,
    });
    return { reread, requests: tesseract.requests };
  };

  test('when the store is doubtful but its row was read surely and whole, then the row is not read again', async () => {
    const { reread, requests } = await rereadByTesseract(
      receipt('SUPER SEVEN CASH & CARRY SDN BHD', 0.94),
      'SUPER SEVEN CASH & CARRY SDN 3HD',
    );

    expect(requests).toHaveLength(0);
    expect(reread.rows).toBe(0);
    expect(reread.lines[0]!.text).toBe('SUPER SEVEN CASH & CARRY SDN BHD');
  });

  test('when a name on two rows has one row read unsurely, then only that row is read again', async () => {
    const lines = [
      row('POPULAR BOOK', 0, 0.97),
      row('CO. (M} SDN BHD', 1, 0.84),
      row('NO 8, JALAN 7/118B', 2),
      row('DATE: 27/03/2018', 3),
      row('TOTAL 10.00', 4),
    ];

    const { reread, requests } = await rereadByTesseract(lines, 'CO. (M) SDN BHD');

    expect(storeNameRows(lines)).toEqual([0, 1]);
    expect(requests).toHaveLength(1);
    expect(reread.rows).toBe(1);
  });

  test('when the store is a chain read exactly, then its row is not read again', async () => {
    const { reread, requests } = await rereadByTesseract(receipt('OK MART', 0.99), 'OK MART');

    expect(requests).toHaveLength(0);
    expect(reread.rows).toBe(0);
  });

  test('when the name is printed in Thai, then its row is not read again (measured on Latin names only)', async () => {
    const { requests } = await rereadByTesseract(receipt('ร้านค้าทองดื'), 'ร้านค้าทองดี', ['eng', 'tha']);

    expect(requests).toHaveLength(0);
  });
});

describe('readReceiptImage — the store name read again when PaddleOCR read the page', () => {
  test('when the store is doubtful, then tesseract and PaddleOCR read its row and their reading is the store', async () => {
    const lines = receipt('SANYOSTATIONERYSHOP');
    const paddleCrops: OcrRequest[] = [];
    const paddle: OcrEngine = {
      name: 'paddle',
      recognize: async (request) => {
        if (!request.singleLine) return answer('paddle', lines, 0.95);
        paddleCrops.push(request);
        return answer('paddle', [row('SANYU STATIONERY SHOP', 0)], 0.95);
      },
      close: async () => undefined,
    };
    const tesseract = rowEngine('tesseract', 'SANYU STATIONERY SHOP', 0.71);

    const reading = await readReceiptImage(await page(), {
      ocrEngine: paddle,
      secondEngine: tesseract.engine,
      languages: ['eng'],
      now,
    });

    expect(reading.fields.storeName).toBe('SANYU STATIONERY SHOP');
    expect(paddleCrops).toHaveLength(1);
    expect(reading.timings.passes?.map((pass) => pass.name)).toContain('tesseract:name-row');
  });
});

/** th-receipt-t21 of the made tuning part (โลตัส read as `Tada`): a Thai receipt's rows under its name. */
const thaiReceipt = (name: string, confidence = 0.88) => [
  row(name, 0, confidence),
  row('สาขา 0245 ถ . บางนา - ตราด เขตบางนา กรุงเทพฯ', 1),
  row('เลขประจําตัวผู้เสียภาษี 9382559473241', 2),
  row('ใบเสร็จรับเงิน / ใบกํากับภาษีอย่างย่อ', 3),
  row('วันที่ 6 เม . ย . 67 20:07', 4),
  row('รวมทั้งสิ้น 114.00', 5),
];

describe('rereadThaiNameRow — a Thai store name tesseract read as a Latin word', () => {
  test('when the row read with Thai alone reads Thai more surely, then it replaces the Latin word', async () => {
    const tesseract = rowEngine('tesseract', 'โลตัส', 0.94);

    const reread = await rereadThaiNameRow(thaiReceipt('Tada'), {
      page: await page(),
      engine: tesseract.engine,
    });

    expect(reread.lines[0]!.text).toBe('โลตัส');
    expect(reread.changed).toBe(1);
    expect(tesseract.requests).toHaveLength(1);
    expect(tesseract.requests[0]).toMatchObject({ languages: ['tha'], singleLine: true });
  });

  test('when Thai alone reads it less surely than the page read the Latin word, then the row is kept', async () => {
    const tesseract = rowEngine('tesseract', 'ทะดะ', 0.6);

    const reread = await rereadThaiNameRow(thaiReceipt('Tada'), {
      page: await page(),
      engine: tesseract.engine,
    });

    expect(reread.lines[0]!.text).toBe('Tada');
    expect(reread.changed).toBe(0);
  });

  test('when the Latin name is a chain of the lexicon printed exactly (Big C), or the name is Thai and read surely, then it is not read again', async () => {
    const tesseract = rowEngine('tesseract', 'บิ๊กซี', 0.95);

    await rereadThaiNameRow(thaiReceipt('Big C', 0.95), { page: await page(), engine: tesseract.engine });
    await rereadThaiNameRow(thaiReceipt('ร้านค้าทองดี', 0.94), { page: await page(), engine: tesseract.engine });

    expect(tesseract.requests).toHaveLength(0);
  });

  test('when tesseract read a Thai page, then the reader reads the Latin name row again with Thai alone', async () => {
    // Date and total read surely: no further pass.
    const lines = [
      ...thaiReceipt('Tada').slice(0, 4),
      row('วันที่ 06/04/2567 20:07', 4),
      row('รวมทั้งสิ้น 114.00', 5),
    ];
    const engine: OcrEngine = {
      name: 'tesseract',
      recognize: async (request) =>
        request.singleLine
          ? answer('tesseract', [row('โลตัส', 0, 0.94)], 0.94)
          : answer('tesseract', lines, 0.93),
      close: async () => undefined,
    };

    const reading = await readReceiptImage(await page(), {
      ocrEngine: engine,
      languages: ['eng', 'tha'],
      now,
    });

    expect(reading.fields.storeName).toBe('โลตัส');
    expect(reading.timings.passes?.map((pass) => pass.name)).toContain('tesseract:name-row-tha');
  });
});

describe('rereadThaiNameRow — a Thai store name tesseract read unsurely, voted on with its crops', () => {
  /** `rereadThaiNameRow` of a Thai receipt whose name row the page read as `name`, its crops as `crops`. */
  const voteOn = async (name: string, confidence: number, ...crops: string[]) => {
    const tesseract = cropsReadAs(...crops);
    const reread = await rereadThaiNameRow(thaiReceipt(name, confidence), {
      page: await page(),
      engine: tesseract.engine,
    });
    return { reread, requests: tesseract.requests };
  };

  test('when both crops read the row alike without the speck the page read glued to the name, then their reading replaces the row', async () => {
    // th-receipt-t30 of the made tuning part: the page edge read as a letter and specks after the name.
    const { reread, requests } = await voteOn(
      'ร้านค้าโชคดีพาณิชย์ฆ Vv = ๕ 6',
      0.86,
      'ร้านค้า โชคดีพาณิชย์',
      'ร้านค้า โชคดีพาณิชย์',
    );

    expect(reread.lines[0]!.text).toBe('ร้านค้า โชคดีพาณิชย์');
    expect(reread.changed).toBe(1);
    // The grey crop and the binarised one, each read as one line with Thai alone.
    expect(requests).toHaveLength(2);
    expect(requests.every((request) => request.singleLine)).toBe(true);
    expect(requests.map((request) => request.languages)).toEqual([['tha'], ['tha']]);
  });

  test('when the crops read a look-alike letter right (ญ, the page ณ), then the name is read with it', async () => {
    const { reread } = await voteOn('ร้านค้า ไทยเจรณิ', 0.89, 'ร้านค้า ไทยเจริญ', 'ร้านค้า ไทยเจริญ');

    expect(parseReceiptText(reread.lines, { now }).fields.storeName).toBe('ร้านค้าไทยเจริญ');
  });

  test('when the crops disagree with each other and with the page, then the page reading stays', async () => {
    const { reread } = await voteOn('ร้านค้า โชคดีพาณิชย์', 0.85, 'ร้านค้า โชคดีพาญิชย์', 'ร้านค้า โซคดีพาณิชย์');

    expect(reread.lines[0]!.text).toBe('ร้านค้า โชคดีพาณิชย์');
    expect(reread.changed).toBe(0);
  });

  test('when the page read the row surely but lost every mark above the line, then the crops that read the marks replace it', async () => {
    // th-receipt-w74 of the held-out tuning part (seed 20261207, 84 photos): ร้านชำ read รานชา, every mark lost.
    const { reread, requests } = await voteOn('รานชา ลุงสมศกด', 0.94, 'ร้านชําลุงสมศักดี', 'ร้านชําลุงสมศักดี');

    expect(requests).toHaveLength(2);
    expect(parseReceiptText(reread.lines, { now }).fields.storeName).toBe('ร้านชำลุงสมศักดี');
  });

  test('when the row was read surely, or is a chain of the lexicon, then it is not read again', async () => {
    const tesseract = cropsReadAs('งานค้า โชคดีพาณิชย์', 'งานค้า โชคดีพาณิชย์');

    await rereadThaiNameRow(thaiReceipt('ร้านค้า โชคดีพาณิชย์', 0.94), {
      page: await page(),
      engine: tesseract.engine,
    });
    await rereadThaiNameRow(thaiReceipt('แม็คโคร', 0.8), { page: await page(), engine: tesseract.engine });

    expect(tesseract.requests).toHaveLength(0);
  });
});
