import type { OcrBox, OcrEngine, OcrLanguage, OcrLine } from '../ocr/index.js';
import { loadSharp } from '../shared/sharp.js';
import { toLines, type Line, type ReceiptLineInput } from './receipt-lines.models.js';
import { restoreDroppedCharacters } from './chinese-name-rows.models.js';
import { chooseNameRowReading, nameRowLetters, nameRowWorthRereading } from './receipt-name-rows.models.js';
import { detectScript, parseReceiptText } from './receipt-parser.models.js';
import type { ParsedReceipt } from './receipts.types.js';
import { findStore } from './receipt-store.models.js';
import { correctStoreName } from './store-lexicon.models.js';
import { thaiMarksLost } from './thai-name-marks.models.js';

/** Letter height (the row box's) the crop is scaled to: tesseract reads best with capitals ~40–60 px. */
export const ROW_CROP_HEIGHT = 72;

/**
 * One printed row cut from the page OCR read (its box, with a little paper around: `sidePaper` row heights
 * at each side), enlarged so its row is `ROW_CROP_HEIGHT` px high (never shrunk), grey, and binarised at
 * its own Otsu threshold: a second look at a store name's row reads its letters at a size and contrast
 * the page pass did not.
 */
export async function cropRow(
  page: Buffer,
  box: OcrBox,
  {
    height = ROW_CROP_HEIGHT,
    binarise = true,
    sidePaper = 0.5,
  }: { height?: number; binarise?: boolean; sidePaper?: number } = {},
): Promise<Buffer | undefined> {
  const sharp = await loadSharp();
  const { width: pageWidth = 0, height: pageHeight = 0 } = await sharp(page).metadata();
  const rowHeight = box.y1 - box.y0;
  if (rowHeight < 4 || box.x1 - box.x0 < 4) return undefined;
  const padY = Math.round(rowHeight * 0.2);
  const padX = Math.round(rowHeight * sidePaper);
  const left = Math.max(0, Math.floor(box.x0 - padX));
  const top = Math.max(0, Math.floor(box.y0 - padY));
  const right = Math.min(pageWidth, Math.ceil(box.x1 + padX));
  const bottom = Math.min(pageHeight, Math.ceil(box.y1 + padY));
  if (right - left < 4 || bottom - top < 4) return undefined;
  const scale = Math.max(1, height / rowHeight);
  const grey = await sharp(page)
    .extract({ left, top, width: right - left, height: bottom - top })
    .resize({ width: Math.round((right - left) * scale), kernel: 'lanczos3' })
    .grayscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { data, info } = grey;
  if (binarise) {
    const threshold = otsuThreshold(data, info.channels);
    for (let i = 0; i < data.length; i++) data[i] = data[i]! > threshold ? 255 : 0;
  }
  // A white border: tesseract reads a row best with paper around it.
  const border = Math.round(height / 4);
  return (
    sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
      .extend({ top: border, bottom: border, left: border, right: border, background: '#ffffff' })
      // Its resolution written down: tesseract otherwise guesses one (and warns) from a crop with none.
      .withMetadata({ density: 300 })
      .png({ compressionLevel: 1 })
      .toBuffer()
  );
}

/** Otsu's threshold of grey pixels: the level that best splits ink from paper. */
export function otsuThreshold(pixels: Uint8Array, channels = 1): number {
  const histogram = new Array<number>(256).fill(0);
  let count = 0;
  for (let i = 0; i < pixels.length; i += channels) {
    histogram[pixels[i]!]!++;
    count++;
  }
  let sum = 0;
  for (let level = 0; level < 256; level++) sum += level * histogram[level]!;
  let sumBelow = 0;
  let below = 0;
  let best = 127;
  let bestSpread = -1;
  for (let level = 0; level < 256; level++) {
    below += histogram[level]!;
    if (below === 0) continue;
    const above = count - below;
    if (above === 0) break;
    sumBelow += level * histogram[level]!;
    const meanBelow = sumBelow / below;
    const meanAbove = (sum - sumBelow) / above;
    const spread = below * above * (meanBelow - meanAbove) ** 2;
    if (spread > bestSpread) {
      bestSpread = spread;
      best = level;
    }
  }
  return best;
}

export type RowReading = { text: string; confidence: number; source: string };
/** One recognition of a row's crop: which engine, how long. */
export type RowRead = { engine: string; ms: number };

/**
 * Reads one row's crops as a single line of text: tesseract the binarised crop (it reads black on white
 * best), PaddleOCR the grey one (its recogniser learnt on photos; binarising thins strokes it needs).
 */
export async function readRowCrop(
  crops: { binarised: Buffer; grey: Buffer },
  engines: OcrEngine[],
  languages: OcrLanguage[],
  reads: RowRead[] = [],
): Promise<RowReading[]> {
  const readings: RowReading[] = [];
  for (const engine of engines) {
    const image = engine.name === 'tesseract' ? crops.binarised : crops.grey;
    const reading = await readOneLine(engine, image, languages, reads);
    if (reading.text !== '') readings.push({ ...reading, source: engine.name });
  }
  return readings;
}

/** One recognition of a row's crop as a single line of text, its time recorded in `reads`. */
async function readOneLine(engine: OcrEngine, image: Buffer, languages: OcrLanguage[], reads: RowRead[]) {
  const started = performance.now();
  const result = await engine.recognize({ image, languages, singleLine: true });
  reads.push({ engine: result.engine, ms: Math.round((performance.now() - started) * 100) / 100 });
  const text = result.lines
    .map((line) => line.text)
    .join(' ')
    .trim();
  return { text, confidence: result.confidence };
}

/**
 * The rows the store name was read from: the row `findStore` chose and a row joined to it (a legal suffix
 * wrapped onto the next row, a name printed on two rows), found by the letters they share with the name.
 */
export function storeNameRows(input: ReceiptLineInput[]): number[] {
  const lines = toLines(input);
  const store = findStore(lines, detectScript(lines));
  if (!store.name) return [];
  const chosen = store.name.index;
  const name = nameRowLetters(store.name.value);
  const rows = [chosen];
  for (const index of [chosen - 1, chosen + 1]) {
    const line = lines.find((candidate) => candidate.index === index);
    const letters = line ? nameRowLetters(line.text) : '';
    if (letters.length >= 2 && name.includes(letters)) rows.push(index);
  }
  return rows.sort((a, b) => a - b);
}

/** A store name read at this confidence or more is not looked at again (a chain of the lexicon, read exactly). */
export const STORE_SURE = 0.9;
const LATIN_ONLY = /^[^\u0E00-\u0E7F\u3400-\u9FFF]*$/;

/** Whether the store name is worth a second look at its rows: doubtful, and printed in Latin letters. */
export function storeNeedsReread(parsed: ParsedReceipt, rows: readonly ReceiptLineInput[]) {
  return (
    parsed.fields.storeName !== undefined &&
    (parsed.confidence.storeName ?? 0) < STORE_SURE &&
    rows.length > 0 &&
    rows.every((row) => LATIN_ONLY.test(row.text))
  );
}

export type StoreRowReread = {
  lines: OcrLine[];
  /** Rows read again, and rows whose text another look replaced. */
  rows: number;
  changed: number;
  /** One entry per recognition, in order. */
  reads: RowRead[];
};

/**
 * The page's lines with some rows read again: `readRow` gives a row's new text (undefined: the page's
 * reading stays), recording its recognitions in `reads`. A row keeps its box and confidence (the store is
 * ranked on the page's evidence; only its letters are read again).
 */
async function rereadRows(
  input: OcrLine[],
  rows: number[],
  readRow: (line: OcrLine, reads: RowRead[]) => Promise<string | undefined>,
): Promise<StoreRowReread> {
  const reads: RowRead[] = [];
  const lines = [...input];
  let changed = 0;
  for (const index of rows) {
    const line = input[index]!;
    const text = await readRow(line, reads);
    if (text === undefined || text === line.text) continue;
    lines[index] = { ...line, text, words: [{ text, confidence: line.confidence, box: line.box }] };
    changed++;
  }
  return { lines, rows: rows.length, changed, reads };
}

/**
 * A second look at the rows a doubtful store name (`storeNeedsReread`) was read from (`storeNameRows`)
 * whose page reading is unsure or flawed (`nameRowWorthRereading`): each such row's crop of the page
 * (`cropRow`) read as one line by each engine, and the reading the others agree with most kept
 * (`chooseNameRowReading`); the page's lines with those rows' texts replaced. Only
 * Latin names: measured on SROIE (decision 008); PaddleOCR has no Thai, and Chinese names are put right by
 * the chain lexicon. A row keeps its box and confidence (the store is ranked on the page's evidence; only
 * its letters are read again). Measured on SROIE (README, 2026-12-06): store tuning 84 → 86 of 94, check
 * unchanged; ~0.1 s CPU a photo read again (the two row reads 49 + 51 ms median). Only unsure or flawed rows
 * (midday): rows read again on 28 of 94 tuning and 22 of 63 check scans instead of all, same fields read.
 */
export async function rereadStoreRows(
  input: OcrLine[],
  {
    page,
    engines,
    languages,
    now,
  }: { page: Buffer; engines: OcrEngine[]; languages: OcrLanguage[]; now: Date },
): Promise<StoreRowReread> {
  const rows = storeNameRows(input);
  // Only the rows whose page reading is unsure or flawed: a row read surely and whole is what the other
  // looks read too (and the tesseract worker is not started for it).
  const doubtful = rows.filter((index) => nameRowWorthRereading(input[index]!));
  const worth =
    doubtful.length > 0 &&
    storeNeedsReread(
      parseReceiptText(input, { now }),
      rows.map((index) => input[index]!),
    );
  return rereadRows(input, worth ? doubtful : [], async (line, reads) => {
    const binarised = await cropRow(page, line.box);
    const grey = await cropRow(page, line.box, { binarise: false });
    if (!binarised || !grey) return undefined;
    const others = await readRowCrop({ binarised, grey }, engines, languages, reads);
    const chosen = chooseNameRowReading(
      { text: line.text, confidence: line.confidence, source: 'page' },
      others,
    );
    return chosen.source === 'page' ? undefined : chosen.text;
  });
}

const THAI_LETTER = /[\u0E01-\u0E2E\u0E30-\u0E3A\u0E40-\u0E4E]/u;
const LATIN_LETTER = /[A-Za-z]/;
const share = (text: string, letter: RegExp) => {
  const letters = [...text].filter((char) => /\p{L}|\p{M}/u.test(char));
  return letters.length === 0 ? 0 : letters.filter((char) => letter.test(char)).length / letters.length;
};

/** The row a Thai receipt's doubtful store name (under `STORE_SURE`) was read from, when no chain of the lexicon matched it. */
function doubtfulThaiNameRow(input: ReceiptLineInput[]): Line | undefined {
  const lines = toLines(input);
  const script = detectScript(lines);
  if (!script.thai) return undefined;
  const store = findStore(lines, script);
  if (!store.name || store.name.confidence >= STORE_SURE) return undefined;
  const line = lines.find((candidate) => candidate.index === store.name!.index);
  return line && !correctStoreName(line.compact).chain ? line : undefined;
}

/**
 * The row a Thai receipt's doubtful store name was read from, when tesseract read it as a Latin word (the
 * page is read with English and Thai: a Thai name in a display font may come out as `Tada` for โลตัส, the
 * whole row sure of itself). Not a Latin chain of the lexicon printed exactly (`Big C`, `Tops Market`):
 * that one is Latin on the receipt too.
 */
function thaiNameRowToReread(line: Line | undefined): number | undefined {
  if (!line || THAI_LETTER.test(line.text) || (line.text.match(/[A-Za-z]/g) ?? []).length < 3)
    return undefined;
  return line.index;
}

/**
 * The row a Thai receipt's doubtful store name was read from, when it reads Thai letters but unsurely or
 * flawed (`nameRowWorthRereading`) and no chain of the lexicon puts it right: a row tesseract read among
 * specks (a page edge read as `ฆ Vv = ๕` glued after the name) or with a letter taken for its look-alike
 * (ณ for ญ), or read surely but with every mark above the line lost (`thaiMarksLost`: รานชา for ร้านชำ, a
 * letter gone with them). A chain of the lexicon is put right by it, and a row read surely and whole is what
 * another look reads too.
 */
function thaiNameRowToVote(input: ReceiptLineInput[], line: Line | undefined): number | undefined {
  return line &&
    THAI_LETTER.test(line.text) &&
    (nameRowWorthRereading(input[line.index]!) || thaiMarksLost(line.text))
    ? line.index
    : undefined;
}

/**
 * A second look at a Thai receipt's doubtful store row, one of two kinds:
 * - read as a Latin word (`thaiNameRowToReread`): its grey crop read as one line with Thai alone, which
 *   replaces the row when it reads Thai letters at least as surely as the page read the Latin ones (a name
 *   printed in Latin letters reads as Thai noise, less surely);
 * - read in Thai, unsurely or flawed (`thaiNameRowToVote`): its grey and binarised crops read as one line
 *   with Thai alone, and the reading the others agree with most kept (`chooseNameRowReading`, the page's
 *   on a tie): a speck or a look-alike letter one look read is outvoted by two that agree.
 * One or two single-line reads of one row (~0.15 s of tesseract each), only on such rows.
 */
export async function rereadThaiNameRow(
  input: OcrLine[],
  { page, engine }: { page: Buffer; engine: OcrEngine },
): Promise<StoreRowReread> {
  // Finding the row reads the whole page's layout: once for both kinds.
  const row = doubtfulThaiNameRow(input);
  const latin = thaiNameRowToReread(row);
  if (latin !== undefined)
    return rereadRows(input, [latin], async (line, reads) => {
      const grey = await cropRow(page, line.box, { binarise: false });
      if (!grey) return undefined;
      const { text, confidence } = await readOneLine(engine, grey, ['tha'], reads);
      return share(text, THAI_LETTER) < 0.6 || LATIN_LETTER.test(text) || confidence < line.confidence
        ? undefined
        : text;
    });
  const thai = thaiNameRowToVote(input, row);
  return rereadRows(input, thai === undefined ? [] : [thai], async (line, reads) => {
    const others: RowReading[] = [];
    for (const binarise of [false, true]) {
      const crop = await cropRow(page, line.box, { binarise });
      if (!crop) return undefined;
      const reading = await readOneLine(engine, crop, ['tha'], reads);
      if (reading.text !== '')
        others.push({ ...reading, source: `${engine.name} ${binarise ? 'binarised' : 'grey'}` });
    }
    const chosen = chooseNameRowReading(
      { text: line.text, confidence: line.confidence, source: 'page' },
      others,
    );
    return chosen.source === 'page' ? undefined : chosen.text;
  });
}

const HAN = /[\u3400-\u9FFF]/u;

/**
 * A second look at a Chinese store name read doubtfully (under `STORE_SURE`: a one-shop name, a chain's
 * branch not vouched for): each of its rows printed in Han characters (`storeNameRows`) cut from the page
 * and read as one line by tesseract with `chi_tra` alone, grey and binarised, and the characters PaddleOCR
 * dropped put back where both crops agree (`restoreDroppedCharacters`: 阿忠線店 → 阿忠麵線店). Not only rows
 * PaddleOCR read unsurely: it drops a character and stays sure of the rest. Two single-line reads of a
 * row (~0.1–0.3 s of tesseract), only on such pages.
 */
export async function rereadChineseNameRow(
  input: OcrLine[],
  { page, engine, now }: { page: Buffer; engine: OcrEngine; now: Date },
): Promise<StoreRowReread> {
  const parsed = parseReceiptText(input, { now });
  const doubtful =
    parsed.fields.storeName !== undefined &&
    HAN.test(parsed.fields.storeName) &&
    (parsed.confidence.storeName ?? 0) < STORE_SURE;
  const rows = doubtful ? storeNameRows(input).filter((index) => HAN.test(input[index]!.text)) : [];
  return rereadRows(input, rows, async (line, reads) => {
    const others: string[] = [];
    for (const binarise of [false, true]) {
      const crop = await cropRow(page, line.box, { binarise });
      if (!crop) return undefined;
      others.push((await readOneLine(engine, crop, ['chi_tra'], reads)).text);
    }
    const restored = restoreDroppedCharacters(line.text, others);
    return restored === line.text ? undefined : restored;
  });
}
