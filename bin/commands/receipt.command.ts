import { readFile } from 'node:fs/promises';
import { buildOcrEngine, type OcrLanguage } from '../../core/ocr/index.js';
import {
  prepareReceiptImage,
  readReceiptImage,
  toMajor,
  type ReceiptReading,
} from '../../core/receipts/index.js';
import { isAppError } from '../../core/shared/errors.js';
import type { Command } from './command.js';
import { loadConfigOrReport } from './shared.js';

const LANGUAGES: OcrLanguage[] = ['eng', 'tha', 'chi_tra'];

/** The CLI's JSON: amounts in major units (numbers), the rest as read. */
export function toCliJson(reading: ReceiptReading) {
  const { fields } = reading;
  const major = (minor: number | undefined) => (minor === undefined ? undefined : toMajor(minor));
  return {
    kind: reading.kind,
    fields: {
      invoiceNumber: fields.invoiceNumber,
      date: fields.date,
      time: fields.time,
      totalAmount: major(fields.totalMinor),
      currency: reading.currency,
      storeName: fields.storeName,
      branch: fields.branch,
      address: fields.address,
      ...(fields.taxIdKind === 'tw' ? { sellerBan: fields.taxId } : { taxId: fields.taxId }),
      subtotal: major(fields.subtotalMinor),
      vatAmount: major(fields.vatMinor),
      items: fields.items.map((item) => ({
        name: item.name,
        quantity: item.quantity,
        unitPrice: major(item.unitPriceMinor),
        amount: major(item.amountMinor),
        ...(item.discount ? { discount: true } : {}),
      })),
    },
    confidence: reading.confidence,
    checks: reading.checks,
    qr: reading.qr ? { left: reading.qr.left, right: reading.qr.right, codes: reading.qr.codes } : undefined,
    timings: reading.timings,
  };
}

export const receiptCommand: Command = {
  name: 'receipt',
  usage: 'receipt read <image> [--lang eng,tha,chi_tra] [--no-refine]',
  summary: 'Read a receipt photo (QR codes, then OCR) and print the structured result as JSON.',
  help:
    '  read <image>   prints { kind, fields, confidence, qr, timings }; exit 0 when something was read, 1 when nothing\n' +
    '  --lang         OCR languages (default eng,tha,chi_tra)\n' +
    '  --no-refine    skip the second look at doubtful rows\n' +
    '  The engine is OCR_PROVIDER (tesseract offline by default). No database is needed.',
  run: async (argv) => {
    const [sub, path, ...rest] = argv;
    if (sub !== 'read' || !path) {
      console.error('proofline receipt: usage: proofline receipt read <image> [--lang eng,tha]');
      return 2;
    }
    const langIndex = rest.indexOf('--lang');
    const languages = langIndex >= 0 ? (rest[langIndex + 1] ?? '').split(',') : LANGUAGES;
    const unknown = languages.filter((language) => !LANGUAGES.includes(language as OcrLanguage));
    if (unknown.length > 0) {
      console.error(`proofline receipt: unknown language ${unknown.join(', ')} (eng, tha, chi_tra)`);
      return 2;
    }
    const config = loadConfigOrReport();
    if (!config) return 1;
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch (error) {
      console.error(`proofline receipt: cannot read ${path}: ${(error as Error).message}`);
      return 1;
    }
    const engine = buildOcrEngine(config);
    try {
      const started = performance.now();
      const prepared = await prepareReceiptImage(bytes);
      const normaliseMs = performance.now() - started;
      const reading = await readReceiptImage(prepared.readable, {
        ocrEngine: engine,
        languages: languages as OcrLanguage[],
        refine: !rest.includes('--no-refine'),
      });
      reading.timings.normaliseMs = Math.round(normaliseMs * 100) / 100;
      reading.timings.totalMs = Math.round((performance.now() - started) * 100) / 100;
      console.log(JSON.stringify(toCliJson(reading), null, 2));
      return reading.kind === 'unreadable' ? 1 : 0;
    } catch (error) {
      if (isAppError(error) && !error.isInternal) {
        console.error(JSON.stringify({ error: { code: error.code, message: error.message } }));
        return 1;
      }
      throw error;
    } finally {
      await engine.close();
    }
  },
};
