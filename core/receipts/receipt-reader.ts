import { loadSharp } from '../shared/sharp.js';
import {
  findPartialProof,
  findPrintedProofKeys,
  parseEInvoiceQr,
  proofFromPrintedKeys,
  type ParsedInvoice,
} from '../invoices/index.js';
import { isAppError } from '../shared/errors.js';
import {
  OCR_PAGE_LONG_SIDE,
  type OcrEngine,
  type OcrEngineName,
  type OcrLanguage,
  type OcrLine,
  type OcrResult,
} from '../ocr/index.js';
import { rereadAmountColumn } from './receipt-amount-column.js';
import { measureSkew } from './receipt-deskew.js';
import { REWRITTEN_TOTAL_MAX_CONFIDENCE } from './receipt-total.models.js';
import {
  rereadChineseNameRow,
  rereadStoreRows,
  rereadThaiNameRow,
  type StoreRowReread,
} from './receipt-name-rows.js';
import { parseReceiptText, totalLabelLacksAmount, type ReceiptLineInput } from './receipt-parser.models.js';
import { scanInvoiceBarcodes, scanQrCodes } from './receipt-qr.js';
import type { ParsedReceipt, ReceiptFieldName, ReceiptFields, ReceiptReading } from './receipts.types.js';

export type ReadReceiptOptions = {
  ocrEngine: OcrEngine;
  /**
   * Another engine for the further passes while fields stay doubtful: its plain pass first, then its
   * prepared ones (PaddleOCR reads first, tesseract looks again; decision 008).
   * @default ocrEngine.secondOpinion, else ocrEngine
   */
  secondEngine?: OcrEngine;
  /** Scripts to expect; from the brand's country. @default ['eng', 'tha', 'chi_tra'] */
  languages?: OcrLanguage[];
  now?: Date;
  /** Re-read doubtful rows (date or total not found) from crops at higher resolution. @default true */
  refine?: boolean;
};

/** OCR reads best with ~30 px letters: receipt scans are often narrow, so upscale them to this width. */
const OCR_MIN_WIDTH = 1600;
const OCR_MAX_LONG_SIDE = 3000;

export function languagesForCountry(country: 'TW' | 'TH' | undefined): OcrLanguage[] {
  if (country === 'TW') return ['eng', 'chi_tra'];
  if (country === 'TH') return ['eng', 'tha'];
  return ['eng', 'tha', 'chi_tra'];
}

export type OcrPreparation = {
  /**
   * Scale up or down so the long side is exactly this (an engine that reads pages of one size,
   * `OCR_PAGE_LONG_SIDE`); minWidth and maxLongSide are then ignored.
   */
  longSide?: number;
  minWidth?: number;
  maxLongSide?: number;
  sharpen?: boolean;
  /** Stretch contrast around mid-grey (faint thermal print); never the first pass (see below). */
  contrast?: boolean;
  /** Degrees to rotate by to level tilted text rows (`measureSkew`, once per photo). */
  skewDegrees?: number;
  /** How OCR segments the page (see `OcrRequest.layout`); not an image change. */
  layout?: 'auto' | 'block' | 'column';
};

/**
 * The OCR passes over one photo: the first always, each next one only while date or total is doubtful;
 * per field the more confident reading wins. Measured on SROIE dev (cached OCR, `bench/support/`):
 * the larger page fixes small print, the sharpened one blurred digits the larger pass still misreads,
 * the contrast stretch faint print (date 78.1 → 81.3 → 84.4 → 87.5 % with each pass added).
 */
export const OCR_PASSES = {
  base: {},
  block: { layout: 'block' },
  large: { minWidth: 2200, maxLongSide: 4200 },
  sharp: { sharpen: true },
  contrast: { minWidth: 2000, maxLongSide: 3600, contrast: true },
} satisfies Record<string, OcrPreparation>;

/** The grayscale copy OCR reads, scaled so receipt letters are large enough. */
export async function prepareForOcr(
  image: Buffer,
  {
    minWidth = OCR_MIN_WIDTH,
    maxLongSide = OCR_MAX_LONG_SIDE,
    sharpen = false,
    contrast = false,
    skewDegrees = 0,
    longSide,
  }: OcrPreparation = {},
): Promise<Buffer> {
  const sharp = await loadSharp();
  if (skewDegrees !== 0) {
    // Level the photo first (white corners), then size it as any other.
    image = await sharp(image).rotate(skewDegrees, { background: '#ffffff' }).png().toBuffer();
  }
  const { width = 0, height = 0 } = await sharp(image).metadata();
  let scale = width < minWidth ? minWidth / width : 1;
  if (Math.max(width, height) * scale > maxLongSide) scale = maxLongSide / Math.max(width, height);
  return (
    sharp(image)
      .resize(
        longSide
          ? { width: longSide, height: longSide, fit: 'inside', kernel: 'lanczos3' }
          : { width: Math.max(1, Math.round(width * scale)), kernel: 'lanczos3' },
      )
      // No contrast stretch: on a scan with a grey page around a small receipt it turns paper grain into
      // black noise that drowns the text (measured on SROIE 045: 1 line read instead of 40).
      .grayscale()
      .sharpen(sharpen ? { sigma: 1.2 } : undefined)
      .linear(contrast ? 1.4 : 1, contrast ? -60 : 0)
      .png({ compressionLevel: 1 })
      .toBuffer()
  );
}

/**
 * The page one engine reads for one pass: the pass's preparation, or, for an engine that reads pages of
 * one size (`OCR_PAGE_LONG_SIDE`: PaddleOCR), the plain page scaled to that size in one resize.
 */
export function prepareOcrPage(
  image: Buffer,
  reader: OcrEngineName,
  { pass = {}, skewDegrees = 0 }: { pass?: OcrPreparation; skewDegrees?: number } = {},
): Promise<Buffer> {
  const longSide = OCR_PAGE_LONG_SIDE[reader];
  return prepareForOcr(image, longSide ? { longSide, skewDegrees } : { ...pass, skewDegrees });
}

/**
 * Reads one upright photo: the QR codes first (a Taiwan e-invoice proof needs no OCR), then OCR and the
 * receipt parser. Returns what was read with per-field confidence; never throws for an unreadable photo.
 */
export async function readReceiptImage(image: Buffer, options: ReadReceiptOptions): Promise<ReceiptReading> {
  const started = performance.now();
  const qrScan = await scanQrCodes(image);
  const qrMs = performance.now() - started;
  const codes = qrScan.codes.map((code) => code.text);

  if (qrScan.left) {
    const parsed = parseEInvoiceQr(qrScan.left.bytes, qrScan.right?.bytes);
    if (parsed.ok)
      return einvoiceReading(parsed.invoice, qrScan, codes, { qrMs, totalMs: performance.now() - started });
  }

  const languages = options.languages ?? ['eng', 'tha', 'chi_tra'];
  // No QR code on a photo that may be Taiwanese: a proof's 1-D barcode alone (its QR codes cut off or
  // smudged) is part of an e-invoice — the member is asked for the date, no OCR needed.
  if (qrScan.codes.length === 0 && languages.includes('chi_tra')) {
    const barcodes = await scanInvoiceBarcodes(image);
    const partial = barcodes.map((code) => findPartialProof(code.text)).find((found) => found !== undefined);
    if (partial?.missing === 'invoice_date')
      return {
        // No receipt field was read: the barcode's part of a proof is what the photo holds.
        kind: 'unreadable',
        qr: { codes: barcodes.map((code) => code.text), partial },
        fields: { invoiceNumber: partial.invoiceNumber, items: [] },
        currency: 'TWD',
        confidence: { invoiceNumber: 1, overall: 0 },
        timings: {
          normaliseMs: 0,
          qrMs: round2(performance.now() - started),
          totalMs: round2(performance.now() - started),
        },
      };
  }

  const ocrStarted = performance.now();
  // A photo taken at a tilt is levelled for OCR (QR decoding above reads codes at any angle).
  const skewDegrees = await measureSkew(image);
  const reader = options.ocrEngine.readerOf?.(languages) ?? options.ocrEngine.name;
  const ocrImage = await prepareOcrPage(image, reader, { skewDegrees });
  const passes: { name: string; ms: number }[] = [];
  let ocr: OcrResult;
  try {
    const passStarted = performance.now();
    ocr = await options.ocrEngine.recognize({ image: ocrImage, languages });
    passes.push({ name: 'base', ms: round2(performance.now() - passStarted) });
  } catch (error) {
    // The engine answered that it cannot read this photo: an unreadable photo, not a failure.
    if (!(isAppError(error) && error.code === 'ocr.image_rejected')) throw error;
    return {
      kind: 'unreadable',
      ...(codes.length > 0 ? { qr: { left: qrScan.left?.text, right: qrScan.right?.text, codes } } : {}),
      fields: { items: [] },
      currency: 'UNKNOWN',
      confidence: { overall: 0 },
      ocr: { engine: options.ocrEngine.name, confidence: 0, lines: [], error: error.message },
      timings: {
        normaliseMs: 0,
        qrMs: round2(qrMs),
        ocrMs: round2(performance.now() - ocrStarted),
        totalMs: round2(performance.now() - started),
      },
    };
  }
  const now = options.now ?? new Date();
  // Another engine looks again at what this one left doubtful, never at a page it read itself.
  const offered = options.secondEngine ?? options.ocrEngine.secondOpinion;
  const secondEngine = offered && offered.name !== ocr.engine ? offered : undefined;
  // A doubtful store name's rows read again from their crops by both engines, before any further pass
  // (as measured: PaddleOCR's page, tesseract the second engine; `rereadStoreRows`).
  if (options.refine !== false && secondEngine?.name === 'tesseract' && ocr.engine === 'paddle') {
    const reread = await rereadStoreRows(ocr.lines, {
      page: ocrImage,
      engines: [secondEngine, options.ocrEngine],
      languages,
      now,
    });
    ocr = withRowsReadAgain(ocr, reread, passes, 'name-row');
    // …and a doubtful Chinese name's rows read by tesseract, for the characters PaddleOCR dropped.
    if (languages.includes('chi_tra')) {
      const chinese = await rereadChineseNameRow(ocr.lines, { page: ocrImage, engine: secondEngine, now });
      ocr = withRowsReadAgain(ocr, chinese, passes, 'name-row-chi');
    }
  }
  // A Thai receipt's store row tesseract read as a Latin word: its crop read again with Thai alone; a
  // further pass reading that row as the same word reads the same row (else its vote brings it back).
  const rowsReadAgain = new Map<string, string>();
  if (options.refine !== false && ocr.engine === 'tesseract' && languages.includes('tha')) {
    const reread = await rereadThaiNameRow(ocr.lines, { page: ocrImage, engine: options.ocrEngine });
    reread.lines.forEach((line, i) => {
      if (line.text !== ocr.lines[i]!.text) rowsReadAgain.set(ocr.lines[i]!.text, line.text);
    });
    ocr = withRowsReadAgain(ocr, reread, passes, 'name-row-tha');
  }
  // The page's rows as the first pass placed them on `ocrImage` (a further pass may read another page's size),
  // then those of each further pass by the same engine on that same page (the page read as one block).
  const pageRows = ocr.lines;
  const samePageRows: OcrLine[][] = [];
  let parsed =
    options.refine === false
      ? parseReceiptText(ocr.lines, { now })
      : await refineReading(ocr.lines, {
          now,
          secondOpinion: secondEngine !== undefined,
          // Another look: the page read as one block (a price column layout analysis dropped), larger
          // (small print), sharpened (blurred digits) or with more contrast (faint print).
          readPass: async (name) => {
            const pass: OcrPreparation = OCR_PASSES[name];
            const engine = secondEngine ?? options.ocrEngine;
            const passStarted = performance.now();
            // Each engine reads the page prepared at its own size (the second one's only when asked).
            const reads = engine === options.ocrEngine ? reader : engine.name;
            const again =
              name === 'base' && reads === reader
                ? ocrImage
                : await prepareOcrPage(image, reads, { pass, skewDegrees });
            if (name !== 'base' && (pass.layout ?? 'auto') === 'auto' && again.equals(ocrImage))
              return undefined;
            const next = await engine.recognize({ image: again, languages, layout: pass.layout });
            if (engine === options.ocrEngine && again.equals(ocrImage)) samePageRows.push(next.lines);
            passes.push({
              name: engine === options.ocrEngine ? name : `${engine.name}:${name}`,
              ms: round2(performance.now() - passStarted),
            });
            const lines = next.lines.map((line) => {
              const text = rowsReadAgain.get(line.text);
              return text === undefined ? line : { ...line, text };
            });
            if (next.confidence > ocr.confidence)
              ocr = {
                ...next,
                lines,
                text: lines.map((line) => line.text).join('\n'),
                durationMs: ocr.durationMs + next.durationMs,
              };
            return lines;
          },
        });
  // Items that do not add up to the total: the amount column read again on its own, by the engine that read the
  // page (tesseract: its single-column mode).
  if (options.refine !== false && ocr.engine === 'tesseract') {
    const column = await rereadAmountColumn(parsed, {
      page: ocrImage,
      rows: [pageRows, ...samePageRows],
      engine: options.ocrEngine,
      languages,
      now,
    });
    for (const read of column.reads) passes.push({ name: `${read.engine}:amount-column`, ms: read.ms });
    parsed = column.parsed;
  }
  const ocrMs = performance.now() - ocrStarted;
  // Only the right QR code read (it holds no invoice number): the number and random code printed as
  // text are enough to ask the MoF platform, rather than judging the photo by its OCR'd store and total.
  const printed = qrScan.right ? readPrintedProof(ocr.lines.map((line) => line.text)) : undefined;
  if (printed?.kind === 'einvoice')
    return einvoiceReading(printed.invoice, qrScan, codes, { qrMs, totalMs: performance.now() - started });
  const readSomething =
    parsed.fields.totalMinor !== undefined ||
    parsed.fields.date !== undefined ||
    parsed.fields.invoiceNumber !== undefined;
  return {
    kind: readSomething ? parsed.kind : 'unreadable',
    ...(codes.length > 0
      ? {
          qr: {
            left: qrScan.left?.text,
            right: qrScan.right?.text,
            codes,
            ...(printed?.kind === 'partial' ? { partial: printed.partial } : {}),
          },
        }
      : {}),
    fields: parsed.fields,
    currency: parsed.currency,
    confidence: readSomething ? parsed.confidence : { ...parsed.confidence, overall: 0 },
    checks: parsed.checks,
    ocr: {
      engine: ocr.engine,
      confidence: round2(ocr.confidence),
      lines: ocr.lines.map((line) => line.text),
    },
    timings: {
      normaliseMs: 0,
      qrMs: round2(qrMs),
      ocrMs: round2(ocrMs),
      totalMs: round2(performance.now() - started),
      passes,
    },
  };
}

/**
 * The page's reading with the rows another look replaced (`rereadStoreRows`, `rereadThaiNameRow`), each of
 * its recognitions recorded as a pass (`<engine>:<kind>`).
 */
function withRowsReadAgain(
  ocr: OcrResult,
  reread: StoreRowReread,
  passes: { name: string; ms: number }[],
  kind: string,
): OcrResult {
  for (const read of reread.reads) passes.push({ name: `${read.engine}:${kind}`, ms: read.ms });
  if (reread.changed === 0) return ocr;
  return { ...ocr, lines: reread.lines, text: reread.lines.map((line) => line.text).join('\n') };
}

function readPrintedProof(lines: string[]) {
  const keys = findPrintedProofKeys(lines);
  return keys ? proofFromPrintedKeys(keys) : undefined;
}

function einvoiceReading(
  invoice: ParsedInvoice,
  qrScan: Awaited<ReturnType<typeof scanQrCodes>>,
  codes: string[],
  timings: { qrMs: number; totalMs: number },
): ReceiptReading {
  return {
    kind: 'einvoice',
    qr: { left: qrScan.left?.text, right: qrScan.right?.text, invoice, codes },
    fields: {
      invoiceNumber: invoice.invoiceNumber,
      date: invoice.invoiceDate,
      ...(invoice.sellerBan ? { taxId: invoice.sellerBan, taxIdKind: 'tw' as const } : {}),
      ...(invoice.totalAmount !== null ? { totalMinor: invoice.totalAmount * 100 } : {}),
      items: invoice.items.map((item) => ({
        name: item.name,
        quantity: item.quantity,
        unitPriceMinor: Math.round(item.unitPrice * 100),
        amountMinor: Math.round(item.unitPrice * item.quantity * 100),
      })),
    },
    currency: 'TWD',
    // A QR payload is exact: the code's own error correction already vouched for every character.
    confidence: {
      invoiceNumber: 1,
      date: 1,
      totalAmount: invoice.totalAmount !== null ? 1 : 0,
      taxId: 1,
      items: invoice.itemsComplete ? 1 : 0.7,
      overall: 1,
    },
    timings: { normaliseMs: 0, qrMs: round2(timings.qrMs), totalMs: round2(timings.totalMs) },
  };
}

const FIRST_PASS_BONUS = 0.1;

/**
 * Several OCR readings of the same photo, combined field by field by vote: each reading backs its value
 * with its confidence, and the value with the most backing wins (the first pass by a small margin on a
 * near tie). Passes disagree by noise, so one pass being a little surer of a misread must not outvote
 * two passes that agree (SROIE 025: two passes read the total 18.00, one 1.02 a little more surely).
 * Agreement raises the winner's confidence only when it comes from independent readings: `sources` names
 * what each reading looked at (`passSource`; default: every reading its own), and readings of the same
 * pixels by the same engine (the page and the same page read as one block) agree as one.
 */
export function combineReadings(
  readings: ParsedReceipt[],
  weights: number[] = [],
  sources: string[] = [],
): ParsedReceipt {
  const [first, ...rest] = readings;
  if (!first) throw new Error('combineReadings needs at least one reading');
  if (rest.length === 0) return first;
  const fields = { ...first.fields };
  const confidence = { ...first.confidence };
  let totalFrom = first;
  const vote = <K extends keyof ReceiptFields>(keys: K[], name: ReceiptFieldName) => {
    const tally = new Map<
      string,
      {
        backing: number;
        best: number;
        reading: ParsedReceipt;
        sources: Set<string>;
        backers: ParsedReceipt[];
      }
    >();
    readings.forEach((reading, position) => {
      const value = reading.confidence[name];
      if (value === undefined || keys.every((key) => reading.fields[key] === undefined)) return;
      // The first key is the value voted on; the others come with it from the surest reading of it.
      const key = JSON.stringify(reading.fields[keys[0]!]);
      const entry = tally.get(key) ?? {
        backing: 0,
        best: -1,
        reading,
        sources: new Set<string>(),
        backers: [],
      };
      entry.backers.push(reading);
      entry.backing += (weights[position] ?? 1) * value + (position === 0 ? FIRST_PASS_BONUS : 0);
      entry.sources.add(sources[position] ?? `reading ${position}`);
      if (value > entry.best) {
        entry.best = value;
        entry.reading = reading;
      }
      tally.set(key, entry);
    });
    const winner = [...tally.values()].sort((a, b) => b.backing - a.backing)[0];
    if (!winner) return;
    for (const key of keys) fields[key] = winner.reading.fields[key];
    confidence[name] = round2(Math.min(0.99, winner.best + (winner.sources.size > 1 ? 0.05 : 0)));
    if (name === 'totalAmount') totalFrom = winner.reading;
    return winner.backers;
  };
  vote(['date'], 'date');
  vote(['time'], 'time');
  const totalBackers = vote(
    ['totalMinor', 'subtotalMinor', 'totalReadAs', 'totalContradictedBy'],
    'totalAmount',
  );
  // A total its own rounded-total row contradicts in any pass that chose it stays contradicted: a pass that did not
  // read that row (or read it otherwise) does not clear it.
  fields.totalContradictedBy ??= totalBackers?.find(
    (reading) => reading.fields.totalContradictedBy !== undefined,
  )?.fields.totalContradictedBy;
  // A rewritten or contradicted total is never sure, however many passes read it alike.
  const unsureTotal = fields.totalReadAs !== undefined || fields.totalContradictedBy !== undefined;
  if (unsureTotal && confidence.totalAmount !== undefined)
    confidence.totalAmount = Math.min(confidence.totalAmount, REWRITTEN_TOTAL_MAX_CONFIDENCE);
  vote(['storeName'], 'storeName');
  vote(['taxId', 'taxIdKind'], 'taxId');
  vote(['invoiceNumber'], 'invoiceNumber');
  vote(['items'], 'items');
  const combined: ParsedReceipt = {
    kind: fields.invoiceNumber ? 'paper-invoice' : 'receipt',
    currency: readings.find((reading) => reading.currency !== 'UNKNOWN')?.currency ?? first.currency,
    fields,
    confidence,
    checks: totalFrom.checks,
  };
  combined.confidence.overall = readings.every((reading) => reading.confidence.overall === 0)
    ? 0
    : recomputeOverall(combined);
  return combined;
}

function recomputeOverall(receipt: ParsedReceipt) {
  const needed: ReceiptFieldName[] = receipt.fields.invoiceNumber
    ? ['invoiceNumber', 'date', 'totalAmount', 'taxId']
    : ['date', 'totalAmount', 'storeName'];
  const values = needed.map((field) => receipt.confidence[field] ?? 0);
  const min = Math.min(...values);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return round2(0.6 * min + 0.4 * mean);
}

/**
 * How much a pass's reading counts in the vote: the page read as one block joins columns, so its
 * header and totals are noisier (SROIE 345: it put a customer's name above the store's).
 */
export const PASS_VOTE_WEIGHT: Record<OcrPassName, number> = {
  base: 1,
  block: 0.5,
  large: 1,
  sharp: 1,
  contrast: 1,
};

export type OcrPassName = keyof typeof OCR_PASSES;

/**
 * What a pass's reading is evidence of, for the vote's agreement (`combineReadings`): the engine and the
 * pixels it read. Passes prepared alike read the same pixels — the page read as one block is the plain
 * page segmented another way, so its agreeing with the plain pass is one look, not two; another engine
 * (`secondOpinion`: tesseract after PaddleOCR, on its own page) is another look.
 */
export function passSource(name: OcrPassName, { secondOpinion = false }: { secondOpinion?: boolean } = {}) {
  const preparation = Object.entries(OCR_PASSES[name]).filter(([key]) => key !== 'layout');
  return `${secondOpinion ? 'second engine' : 'first engine'} ${JSON.stringify(preparation)}`;
}

/**
 * A pass's weight in the vote (`PASS_VOTE_WEIGHT`), but the page read as one block counts fully when it
 * kept the page's rows (as many as the first pass, within 10 %): its columns were not joined, so its
 * header is no noisier than another pass's (a one-column receipt whose name the first pass bent).
 */
export function passVoteWeight(
  name: OcrPassName,
  firstLines: readonly unknown[],
  lines: readonly unknown[],
): number {
  const weight = PASS_VOTE_WEIGHT[name];
  if (weight >= 1 || firstLines.length === 0) return weight;
  return Math.abs(lines.length / firstLines.length - 1) <= 0.1 ? 1 : weight;
}

/**
 * The order of the further passes. Layout analysis sometimes drops a receipt's whole price column as
 * non-text (synthetic TW and Thai photos: no total, or "總計" with no amount beside it): then the page
 * read as one block comes first.
 * Otherwise it comes last, as on scans with several columns it joins them into noise (SROIE dev: with it
 * first, date 90.6 → 87.5 %, total 87.5 → 84.4 %).
 */
export function refinementOrder(
  first: ParsedReceipt,
  firstLines: ReceiptLineInput[],
  { secondOpinion = false }: { secondOpinion?: boolean } = {},
): OcrPassName[] {
  const order: OcrPassName[] =
    first.fields.totalMinor === undefined || totalLabelLacksAmount(firstLines)
      ? ['block', 'large', 'sharp', 'contrast']
      : ['large', 'sharp', 'contrast', 'block'];
  // A second engine reads the same prepared page once: another engine errs elsewhere, and one more
  // pass keeps the photo within its time (SROIE dev: PaddleOCR then tesseract, decision 008).
  return secondOpinion ? ['base'] : order;
}

/**
 * The base pass's text parsed, then further passes (`readPass`, in `refinementOrder`; undefined skips
 * one) while date or total stay doubtful, each field decided by a weighted vote over every pass read so
 * far. The reader runs it on live OCR, `bench/support/parse-cached.ts` on cached OCR.
 */
export async function refineReading(
  firstLines: ReceiptLineInput[],
  {
    now,
    readPass,
    secondOpinion = false,
  }: {
    now: Date;
    readPass: (name: OcrPassName) => Promise<ReceiptLineInput[] | undefined>;
    /** The further passes are another engine's (`ReadReceiptOptions.secondEngine`). */
    secondOpinion?: boolean;
  },
): Promise<ParsedReceipt> {
  const first = parseReceiptText(firstLines, { now });
  const readings = [first];
  const weights = [PASS_VOTE_WEIGHT.base];
  const sources = [passSource('base')];
  let parsed = first;
  for (const name of refinementOrder(first, firstLines, { secondOpinion })) {
    if (!needsRefinement(parsed)) break;
    const lines = await readPass(name);
    if (!lines) continue;
    readings.push(parseReceiptText(lines, { now }));
    weights.push(passVoteWeight(name, firstLines, lines));
    sources.push(passSource(name, { secondOpinion }));
    parsed = combineReadings(readings, weights, sources);
  }
  return parsed;
}

/**
 * Whether another OCR pass may still change the outcome. A date read surely from its row but printed with
 * a two-digit year and a day of 12 or less ("06/02/18", confidence 0.65) is doubtful for its order, which
 * the same digits read again cannot settle: such a date asks for no further pass (SROIE tuning: the
 * second look changed no field on those scans; it cost a whole tesseract pass each).
 */
export const DATE_SURE_ENOUGH = 0.65;

export function needsRefinement(parsed: ReturnType<typeof parseReceiptText>) {
  return (
    !parsed.fields.date ||
    (parsed.confidence.date ?? 0) < DATE_SURE_ENOUGH ||
    (parsed.confidence.totalAmount ?? 0) < 0.6 ||
    parsed.fields.totalMinor === undefined ||
    // A paper invoice's seller is its BAN: one that fails its check digit is worth another look.
    (parsed.fields.invoiceNumber !== undefined && (parsed.confidence.taxId ?? 0) < 0.7)
  );
}

function round2(value: number) {
  return Math.round(value * 100) / 100;
}
