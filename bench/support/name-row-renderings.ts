/**
 * `tsx bench/support/name-row-renderings.ts [--renderings grey,otsu,wide,wide-otsu] [--verbose]`: how well
 * each rendering of a store name's rows, read as one line by each engine, names the store on the SROIE
 * tuning part (never the check part: this is design, decision 007). For every tuning scan whose PaddleOCR
 * page is cached (`ocr-cache.ts --engine paddle base`), the rows the store was read from (`storeNameRows`)
 * are cut from the page (`cropRow`) in each rendering and read by tesseract and PaddleOCR; each reading
 * replaces its row's text and the page is parsed again. Prints, per rendering and engine and per tuning
 * half, how many scans' store then matches the label, beside the page's own reading, and how often every
 * reading agrees with the page's store (agreement as a confidence). Crops' readings are cached under
 * .tmp/ocr-cache/rows/ (shared with `parse-cached.ts --names`: the grey and Otsu crops are the reader's).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcrLine } from '../../core/ocr/index.js';
import { buildPaddleOcrEngine, buildTesseractOcrEngine } from '../../core/ocr/index.js';
import { prepareReceiptImage } from '../../core/receipts/index.js';
import { measureSkew } from '../../core/receipts/receipt-deskew.js';
import { cropRow, storeNameRows } from '../../core/receipts/receipt-name-rows.js';
import { parseReceiptText } from '../../core/receipts/receipt-parser.models.js';
import { prepareOcrPage } from '../../core/receipts/receipt-reader.js';
import { cacheOcrAnswers } from './cached-ocr-engine.js';
import { cacheDir, normaliseName, SROIE_SUBMITTED_AT, sroieDir } from './sroie-labels.js';
import { committedPartOf, loadSplit, tuningHalfOf, type TuningHalf } from './sroie-split.js';

/** The renderings: the reader's two (grey, Otsu) and the same with three row heights of paper at each side. */
const RENDERINGS = {
  grey: { binarise: false, sidePaper: 0.5 },
  otsu: { binarise: true, sidePaper: 0.5 },
  wide: { binarise: false, sidePaper: 3 },
  'wide-otsu': { binarise: true, sidePaper: 3 },
} as const;
type Rendering = keyof typeof RENDERINGS;

const argv = process.argv.slice(2);
if (argv.includes('--part'))
  throw new Error('tuning part only: the check part is not for design (decision 007)');
const verbose = argv.includes('--verbose');
const renderings = (
  argv.includes('--renderings') ? argv[argv.indexOf('--renderings') + 1]!.split(',') : Object.keys(RENDERINGS)
) as Rendering[];
const engines = [buildTesseractOcrEngine({ poolSize: 1 }), buildPaddleOcrEngine()].map((engine) =>
  cacheOcrAnswers(engine, join(cacheDir, 'rows')),
);
const now = SROIE_SUBMITTED_AT;
const storeOf = (lines: OcrLine[]) => normaliseName(parseReceiptText(lines, { now }).fields.storeName);

type Tally = Record<TuningHalf, number>;
const right = new Map<string, Tally>();
const count = (key: string, half: TuningHalf, ok: boolean) => {
  const tally = right.get(key) ?? { A: 0, B: 0 };
  if (ok) tally[half]++;
  right.set(key, tally);
};
const scans: Tally = { A: 0, B: 0 };
const agreed = { scans: 0, right: 0 };

const split = loadSplit();
const root = join(cacheDir, 'paddle', 'base');
try {
  for (const file of readdirSync(root)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    const photo = file.replace('.json', '.jpg');
    if (committedPartOf(photo, split) !== 'tuning') continue;
    const half = tuningHalfOf(photo);
    const label = JSON.parse(readFileSync(join(sroieDir, file), 'utf8')) as Record<string, string>;
    const want = normaliseName(label.company);
    const lines = (JSON.parse(readFileSync(join(root, file), 'utf8')) as { lines: OcrLine[] }).lines;
    const prepared = await prepareReceiptImage(readFileSync(join(sroieDir, photo)));
    const skewDegrees = await measureSkew(prepared.readable);
    const page = await prepareOcrPage(prepared.readable, 'paddle', { skewDegrees });
    const rows = storeNameRows(lines);
    const pageStore = storeOf(lines);
    scans[half]++;
    count('page', half, pageStore === want);
    const stores: string[] = [];
    for (const rendering of renderings)
      for (const engine of engines) {
        const read = lines.map((line) => ({ ...line }));
        const texts: string[] = [];
        for (const index of rows) {
          const crop = await cropRow(page, lines[index]!.box, RENDERINGS[rendering]);
          if (!crop) continue;
          const result = await engine.recognize({ image: crop, languages: ['eng'], singleLine: true });
          const text = result.lines.map((line) => line.text).join(' ');
          texts.push(text);
          const { confidence, box } = lines[index]!;
          read[index] = { ...read[index]!, text, words: [{ text, confidence, box }] };
        }
        const store = storeOf(read);
        stores.push(store);
        count(`${rendering} / ${engine.name}`, half, store === want);
        if (verbose) console.log(`${file} ${rendering} ${engine.name}: ${texts.join(' | ')}`);
      }
    if (stores.every((store) => store === pageStore)) {
      agreed.scans++;
      if (pageStore === want) agreed.right++;
    }
  }
} finally {
  await Promise.all(engines.map((engine) => engine.close()));
}

console.log(`\nSROIE tuning, the store's rows read again in each rendering (${scans.A + scans.B} scans)`);
console.log('| reading | store right | half A | half B |\n| --- | --- | --- | --- |');
for (const [key, tally] of right)
  console.log(`| ${key} | ${tally.A + tally.B} | ${tally.A}/${scans.A} | ${tally.B}/${scans.B} |`);
console.log(
  `every reading names the page's store on ${agreed.scans} scans, right on ${agreed.right} of them`,
);
