import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcrEngine, OcrRequest } from '../../core/ocr/index.js';
import { prepareReceiptImage, readReceiptImage } from '../../core/receipts/index.js';

const BARCODE_ONLY = join(process.cwd(), 'test', 'fixtures', 'receipts', 'tw-einvoice-barcode-only.png');

/** An engine that reads nothing and records what it was asked. */
function recordingEngine() {
  const requests: OcrRequest[] = [];
  const engine: OcrEngine & { requests: OcrRequest[] } = {
    name: 'tesseract',
    requests,
    recognize: async (request) => {
      requests.push(request);
      return { engine: 'tesseract', text: '', lines: [], confidence: 0, width: 1, height: 1, durationMs: 0 };
    },
    close: async () => {},
  };
  return engine;
}

describe('readReceiptImage — a paper e-invoice proof showing only its 1-D barcode (issue #15)', () => {
  test('when a Taiwanese photo shows no QR code but the Code 39 barcode, then part of a proof is kept and no OCR runs', async () => {
    const photo = (await prepareReceiptImage(readFileSync(BARCODE_ONLY))).readable;
    const engine = recordingEngine();
    const reading = await readReceiptImage(photo, { ocrEngine: engine, languages: ['eng', 'chi_tra'] });

    expect(reading.qr?.partial).toEqual({
      missing: 'invoice_date',
      from: 'barcode',
      invoiceNumber: 'TE10000003',
      randomCode: '3333',
      period: '11504',
    });
    expect(reading.qr?.codes).toEqual(['11504TE100000033333']);
    expect(reading.fields.invoiceNumber).toBe('TE10000003');
    expect(engine.requests).toHaveLength(0);
  });

  test('when the brand is Thai (no Taiwan e-invoices), then no barcode is looked for and the photo is read by OCR', async () => {
    const photo = (await prepareReceiptImage(readFileSync(BARCODE_ONLY))).readable;
    const engine = recordingEngine();
    const reading = await readReceiptImage(photo, {
      ocrEngine: engine,
      languages: ['eng', 'tha'],
      refine: false,
    });

    expect(reading.qr?.partial).toBeUndefined();
    expect(engine.requests.length).toBeGreaterThan(0);
  });
});
