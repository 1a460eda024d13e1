import type { OcrEngine, OcrLanguage, OcrLine } from '../ocr/index.js';
import { loadSharp } from '../shared/sharp.js';
import {
  amountColumnWorthRereading,
  columnAmounts,
  columnItemsConfidence,
  planAmountColumn,
  withColumnAmounts,
} from './receipt-amount-column.models.js';
import { otsuThreshold } from './receipt-name-rows.js';
import { parseReceiptText } from './receipt-parser.models.js';
import type { ParsedReceipt } from './receipts.types.js';

/** Row height the column is scaled to (never shrunk): tesseract reads digits best ~40–60 px high. */
export const COLUMN_ROW_HEIGHT = 56;

export type AmountColumnReread = {
  /** The reading with the items the column gave, when they add up to the total; else the reading as it was. */
  parsed: ParsedReceipt;
  /** The recognitions run (none when the items were not worth it or no column was found). */
  reads: { engine: string; ms: number }[];
};

/**
 * The amount column read again when the items do not add up to the total (`amountColumnWorthRereading`): cut from
 * the page (`planAmountColumn`), enlarged, binarised at its own threshold and read as one column of text; each
 * amount goes back to the item row at its height. The items read so are kept only when they add up to the total
 * exactly and none of them had to be repaired. The sum chose them, so it backs nothing: they are sure (≥ 0.9) only
 * when OCR was sure of every amount the column gave (`columnItemsConfidence`).
 * `rows`: the page's rows as each pass on this page read them, the first pass's first. The column is placed by the
 * first reading that shows it: on a shaded photo the first pass may lose every amount, the total's too, and the
 * page read as one block shows where they are printed.
 */
export async function rereadAmountColumn(
  parsed: ParsedReceipt,
  {
    page,
    rows: readings,
    engine,
    languages,
    now,
  }: {
    page: Buffer;
    rows: readonly (readonly OcrLine[])[];
    engine: OcrEngine;
    languages: OcrLanguage[];
    now: Date;
  },
): Promise<AmountColumnReread> {
  if (!amountColumnWorthRereading(parsed)) return { parsed, reads: [] };
  const placed = readings
    .map((rows) => ({ rows, plan: planAmountColumn(rows) }))
    .find((reading) => reading.plan !== undefined);
  if (!placed?.plan) return { parsed, reads: [] };
  const { rows, plan } = placed;
  const sharp = await loadSharp();
  const { width = 0, height = 0 } = await sharp(page).metadata();
  const left = Math.min(plan.box.x0, width - 1);
  const top = Math.min(plan.box.y0, height - 1);
  const right = Math.min(width, plan.box.x1);
  const bottom = Math.min(height, plan.box.y1);
  if (right - left < 8 || bottom - top < 8) return { parsed, reads: [] };
  const scale = Math.max(1, COLUMN_ROW_HEIGHT / plan.rowHeight);
  const { data, info } = await sharp(page)
    .extract({ left, top, width: right - left, height: bottom - top })
    .resize({ width: Math.round((right - left) * scale), kernel: 'lanczos3' })
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const threshold = otsuThreshold(data, info.channels);
  for (let i = 0; i < data.length; i++) data[i] = data[i]! > threshold ? 255 : 0;
  const border = Math.round(COLUMN_ROW_HEIGHT / 2);
  const crop = await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
    .extend({ top: border, bottom: border, left: border, right: border, background: '#ffffff' })
    .withMetadata({ density: 300 })
    .png({ compressionLevel: 1 })
    .toBuffer();
  const started = performance.now();
  const column = await engine.recognize({ image: crop, languages, layout: 'column' });
  const reads = [{ engine: column.engine, ms: Math.round((performance.now() - started) * 100) / 100 }];
  const amounts = columnAmounts(column.lines, (y) => top + (y - border) / scale);
  const reparsed = parseReceiptText(withColumnAmounts(rows, plan, amounts), { now });
  const items = reparsed.fields.items;
  const sum = items.reduce((total, item) => total + item.amountMinor, 0);
  if (
    items.length === 0 ||
    items.some((item) => item.repaired) ||
    sum !== parsed.fields.totalMinor ||
    reparsed.fields.totalMinor !== parsed.fields.totalMinor
  )
    return { parsed, reads };
  return {
    parsed: {
      ...parsed,
      fields: { ...parsed.fields, items },
      confidence: { ...parsed.confidence, items: columnItemsConfidence(reparsed.confidence.items, amounts) },
    },
    reads,
  };
}
