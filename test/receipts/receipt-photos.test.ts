import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { parseConfig } from '../../core/config/config.js';
import { buildOcrEngine } from '../../core/ocr/index.js';
import { prepareReceiptImage, readReceiptImage } from '../../core/receipts/index.js';
import { measureSkew } from '../../core/receipts/receipt-deskew.js';
import { parseReceiptText, totalLabelLacksAmount } from '../../core/receipts/receipt-parser.models.js';
import { refinementOrder } from '../../core/receipts/receipt-reader.js';
import { projectRoot } from '../../core/shared/paths.js';
import { HANG_GUARD_MS } from '../support/timing.js';

// Phone photos from ../shared/data/receipts/synthetic (copied into the fixtures): tilted, on a dark table,
// and sheared, where tesseract's layout analysis finds no text block or drops the price column.
const fixture = (name: string) => readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', name));
// The default offline engine (decision 008): PaddleOCR reads Latin and Chinese, tesseract reads Thai and
// looks again at what PaddleOCR left doubtful.
const engine = buildOcrEngine(parseConfig({ OCR_IDLE_STOP_MS: '0' }), { tesseractPoolSize: 1 });
afterAll(() => engine.close());

async function read(name: string, languages: ('eng' | 'tha' | 'chi_tra')[]) {
  const prepared = await prepareReceiptImage(fixture(name));
  return readReceiptImage(prepared.readable, {
    ocrEngine: engine,
    languages,
    now: new Date('2026-11-23T00:00:00Z'),
  });
}

describe('measureSkew — levelling a tilted photo before OCR', () => {
  test('when a level receipt is turned by 7°, then the skew measured undoes it', async () => {
    const level = fixture('th-receipt-1-clean.png');
    const tilted = await sharp(level).rotate(-7, { background: '#ffffff' }).png().toBuffer();

    expect(await measureSkew(level)).toBe(0);
    expect(Math.abs((await measureSkew(tilted)) - 7)).toBeLessThanOrEqual(1);
  });
});

describe('refinementOrder — when layout analysis dropped the price column', () => {
  test('when the total label stands alone ("總計" without an amount), then the one-block pass comes first', () => {
    const dropped = [{ text: '統一編號 11175109' }, { text: '共 4 項' }, { text: '總計' }];
    const whole = [{ text: '統一編號 11175109' }, { text: '共 4 項' }, { text: '總計 $645' }];

    expect(totalLabelLacksAmount(dropped)).toBe(true);
    expect(totalLabelLacksAmount(whole)).toBe(false);
    expect(refinementOrder(parseReceiptText(dropped), dropped)[0]).toBe('block');
    expect(refinementOrder(parseReceiptText(whole), whole)[0]).toBe('large');
  });
});

describe('readReceiptImage — hard phone photos, real OCR', () => {
  test(
    'when a Thai receipt is photographed tilted on a dark table, then store, tax ID, date and total are read',
    async () => {
      const reading = await read('th-receipt-14-photo.jpg', ['eng', 'tha']);

      expect(reading.ocr?.engine).toBe('tesseract');
      expect(reading.fields.date).toBe('2025-11-22');
      expect(reading.fields.totalMinor).toBe(75750);
      expect(reading.fields.taxId).toBe('6980260363081');
      expect(reading.fields.storeName?.replace(/\s/g, '')).toBe('ซูเปอร์มาร์เก็ตทองดีพลาซ่า');
    },
    HANG_GUARD_MS,
  );

  test(
    'when a TW paper invoice is sheared and layout analysis drops its price column, then the total is still read',
    async () => {
      const reading = await read('tw-paper-6-shear.jpg', ['eng', 'chi_tra']);

      expect(reading.ocr?.engine).toBe('paddle');
      expect(reading.fields.invoiceNumber).toBe('UR17514815');
      expect(reading.fields.date).toBe('2024-07-25');
      expect(reading.fields.totalMinor).toBe(64500);
    },
    HANG_GUARD_MS,
  );
});
