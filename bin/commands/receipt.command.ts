import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { buildOcrEngine, type OcrLanguage } from '../../core/ocr/index.js';
import { createBrandsRepository } from '../../core/brands/index.js';
import {
  createReceiptsRepository,
  prepareReceiptImage,
  saveKnownSeller,
  readReceiptImage,
  toMajor,
  type ReceiptReading,
} from '../../core/receipts/index.js';
import { isAppError } from '../../core/shared/errors.js';
import type { Command } from './command.js';
import { loadConfigOrReport, withCliServices } from './shared.js';

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
  usage: 'receipt read <image> [--as-of YYYY-MM-DD] … | receipt seller add|list --brand <id|slug> …',
  summary: 'Read a receipt photo (QR codes, then OCR) and print the structured result as JSON.',
  help:
    '  read <image>   prints { kind, fields, confidence, qr, timings }; exit 0 when something was read, 1 when nothing\n' +
    '  --as-of        the day the photo is taken to be sent (default today): an old receipt is read as it\n' +
    '                 would have been when new (dates after that day are implausible)\n' +
    '  --lang         OCR languages (default eng,tha,chi_tra)\n' +
    '  --no-refine    skip the second look at doubtful rows\n' +
    '  The engine is OCR_PROVIDER (offline PaddleOCR by default, with tesseract for Thai: a photo that may\n' +
    '  be Thai, as with the default --lang, is read by tesseract; --lang eng,chi_tra reads it with\n' +
    '  PaddleOCR). No database is needed.\n' +
    '  seller add --brand <id|slug> --tax-id <BAN, Thai tax ID or Malaysian GST number> --name <name>\n' +
    '                 a seller the brand knows by its tax number: a receipt printing it gets this store name\n' +
    '  seller list --brand <id|slug>',
  run: async (argv) => {
    const [sub, path, ...rest] = argv;
    if (sub === 'seller') return runSellerCommand(argv.slice(1));
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
    const asOfIndex = rest.indexOf('--as-of');
    const now = asOfIndex >= 0 ? parseAsOf(rest[asOfIndex + 1]) : new Date();
    if (!now) {
      console.error('proofline receipt: --as-of takes a date, YYYY-MM-DD');
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
        now,
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

/** `--as-of 2019-01-01`: the end of that day (UTC), so a receipt of that very day is still in the past. */
function parseAsOf(value: string | undefined): Date | undefined {
  const parsed = z.iso.date().safeParse(value);
  return parsed.success ? new Date(`${parsed.data}T23:59:59Z`) : undefined;
}

/** `receipt seller add|list`: the brand's table of sellers known by their tax number. */
async function runSellerCommand(argv: string[]): Promise<number> {
  const [action, ...rest] = argv;
  let values: { brand?: string; 'tax-id'?: string; name?: string };
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { brand: { type: 'string' }, 'tax-id': { type: 'string' }, name: { type: 'string' } },
    }));
  } catch (error) {
    console.error(`proofline receipt seller: ${(error as Error).message}`);
    return 2;
  }
  if ((action !== 'add' && action !== 'list') || !values.brand) {
    console.error(
      'proofline receipt seller: usage: receipt seller add|list --brand <id|slug> [--tax-id X --name N]',
    );
    return 2;
  }
  if (action === 'add' && (!values['tax-id'] || !values.name)) {
    console.error('proofline receipt seller add: --tax-id and --name are required');
    return 2;
  }
  const brandRef = values.brand;
  return withCliServices({}, async (services) => {
    const { db } = services.database;
    try {
      const brand = await createBrandsRepository({ db, generateId: services.generateId }).getBrandByRef(
        brandRef,
      );
      if (!brand) {
        console.error(`proofline receipt seller: no brand ${brandRef}`);
        return 1;
      }
      if (action === 'add') {
        const seller = await saveKnownSeller(
          { db, clock: services.clock },
          { brandId: brand.id, taxId: values['tax-id']!, name: values.name! },
        );
        console.log(JSON.stringify({ brand: brand.slug, taxId: seller.taxId, name: seller.name }));
        return 0;
      }
      const sellers = await createReceiptsRepository({ db }).listKnownSellers({ brandId: brand.id });
      console.log(
        JSON.stringify(
          sellers.map(({ taxId, name }) => ({ taxId, name })),
          null,
          2,
        ),
      );
      return 0;
    } catch (error) {
      if (isAppError(error) && !error.isInternal) {
        console.error(JSON.stringify({ error: { code: error.code, message: error.message } }));
        return 1;
      }
      throw error;
    }
  });
}
