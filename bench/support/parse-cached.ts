/**
 * `tsx bench/support/parse-cached.ts [--verbose] [--part tuning|check] [--engine tesseract|paddle]
 * [--second tesseract|paddle] [--names] [--halves]`: the
 * SROIE dev accuracy of the parser alone, on the OCR stored by `bench/support/ocr-cache.ts` (every pass,
 * combined by the reader's own `refineReading`), for the tuning and the check part separately, with the
 * calibration table (all fields, then each field on its own; the old `--per-field` flag changes nothing). Seconds, not minutes: for measuring parser changes; tune on the tuning part only
 * (`--verbose` lists the misses of the tuning part). The real number comes from `npm run bench:accuracy`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcrLine } from '../../core/ocr/index.js';
import { buildPaddleOcrEngine, buildTesseractOcrEngine, type OcrEngine } from '../../core/ocr/index.js';
import { prepareReceiptImage } from '../../core/receipts/index.js';
import { measureSkew } from '../../core/receipts/receipt-deskew.js';
import { rereadStoreRows } from '../../core/receipts/receipt-name-rows.js';
import { prepareOcrPage, refineReading } from '../../core/receipts/receipt-reader.js';
import { cacheOcrAnswers } from './cached-ocr-engine.js';
import {
  formatCalibration,
  formatFieldCalibrations,
  formatFieldTables,
  formatRewrittenTotals,
  type Outcome,
} from './accuracy-report.js';
import { committedPartOf, loadSplit, tuningHalfOf } from './sroie-split.js';
import { cacheDir, nameWords, scoreSroie, SROIE_SUBMITTED_AT, sroieDir } from './sroie-labels.js';

const argv = process.argv.slice(2);
const verbose = argv.includes('--verbose');
const onlyPart = argv.includes('--part') ? argv[argv.indexOf('--part') + 1] : undefined;
const engine = argv.includes('--engine') ? argv[argv.indexOf('--engine') + 1]! : 'tesseract';
const second = argv.includes('--second') ? argv[argv.indexOf('--second') + 1]! : undefined;
// `--common-with <engine>`: only the scans that engine's cache holds too (comparing engines like with like).
// With `--second`, a scan whose second look is not cached counts only if it needed none (`ocr-cache.ts
// --after <engine>` caches the second engine's look where it is needed); the others are counted apart.
const commonWith = argv.includes('--common-with') ? argv[argv.indexOf('--common-with') + 1] : undefined;
// `--up-to 200.json`: a fixed set of scans while a cache is still being filled.
const upTo = argv.includes('--up-to') ? argv[argv.indexOf('--up-to') + 1] : undefined;
// `--names`: the store name's rows read again from their crops (`rereadStoreRows`), as the reader does;
// the crops' readings are cached under .tmp/ocr-cache/rows/ (the first run reads them, later ones replay).
const names = argv.includes('--names');
// `--halves`: the tuning part's field table twice more, once for each half (`tuningHalfOf`): a
// cross-validation inside the tuning part — a rule that helps one half and not the other is fitted.
const halves = argv.includes('--halves');
let rowEngines: OcrEngine[] | undefined;
const rereadNames = async (file: string, lines: OcrLine[]) => {
  rowEngines ??= [buildTesseractOcrEngine({ poolSize: 1 }), buildPaddleOcrEngine()].map((rowEngine) =>
    cacheOcrAnswers(rowEngine, join(cacheDir, 'rows')),
  );
  const prepared = await prepareReceiptImage(readFileSync(join(sroieDir, file.replace('.json', '.jpg'))));
  const skewDegrees = await measureSkew(prepared.readable);
  const page = await prepareOcrPage(prepared.readable, engine === 'tesseract' ? 'tesseract' : 'paddle', {
    skewDegrees,
  });
  return rereadStoreRows(lines, { page, engines: rowEngines, languages: ['eng'], now });
};
const rereadCount = { scans: 0, replaced: 0, reads: 0, photos: 0 };
const rootOf = (name: string) => (name === 'tesseract' ? cacheDir : join(cacheDir, name));
const root = rootOf(engine);
const now = SROIE_SUBMITTED_AT;
const load = (variant: string, name: string, from = root): OcrLine[] | undefined => {
  const file = join(from, variant, name);
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { lines: OcrLine[] }).lines
    : undefined;
};

const split = loadSplit();
const files = readdirSync(join(root, 'base'))
  .filter((file) => file.endsWith('.json'))
  .sort();
const outcomes: Outcome[] = [];
const halfOutcomes: Outcome[] = [];
// The store name word for word as printed (`nameWords`: spaces count), beside the store field.
const printedWords: Record<string, { right: number; of: number }> = {};
const secondUncached: string[] = [];
for (const file of files) {
  const part = committedPartOf(file.replace('.json', '.jpg'), split);
  if (!part || (onlyPart && part !== onlyPart)) continue;
  if (commonWith && !load('base', file, rootOf(commonWith))) continue;
  if (upTo && file > upTo) continue;
  const label = JSON.parse(readFileSync(join(sroieDir, file), 'utf8')) as Record<string, string>;
  let uncached = false;
  let first = load('base', file)!;
  if (names) {
    const reread = await rereadNames(file, first);
    first = reread.lines;
    rereadCount.photos++;
    rereadCount.reads += reread.reads.length;
    if (reread.rows > 0) rereadCount.scans++;
    if (reread.changed > 0) rereadCount.replaced++;
  }
  const parsed = await refineReading(first, {
    now,
    readPass: async (variant) => {
      const lines = load(variant, file, second ? rootOf(second) : root);
      if (second && !lines) uncached = true;
      return lines;
    },
    secondOpinion: second !== undefined,
  });
  if (uncached) {
    secondUncached.push(file);
    continue;
  }
  const fields = scoreSroie(parsed, label);
  const rewrittenTotal =
    parsed.fields.totalReadAs !== undefined && parsed.fields.totalMinor !== undefined
      ? { readAs: parsed.fields.totalReadAs, minor: parsed.fields.totalMinor }
      : undefined;
  outcomes.push({
    file,
    part,
    group: `sroie-dev/${part}`,
    fields,
    ...(rewrittenTotal ? { rewrittenTotal } : {}),
  });
  if (verbose && part === 'tuning' && rewrittenTotal)
    console.log(
      `${file} total rewritten ${rewrittenTotal.readAs} → ${rewrittenTotal.minor} (want ${label.total}, confidence ${parsed.confidence.totalAmount})`,
    );
  if (halves && part === 'tuning')
    halfOutcomes.push({
      file,
      part,
      group: `sroie-dev/tuning half ${tuningHalfOf(file.replace('.json', '.jpg'))}`,
      fields,
    });
  const words = (printedWords[part] ??= { right: 0, of: 0 });
  words.of++;
  if (nameWords(parsed.fields.storeName) === nameWords(label.company)) words.right++;
  const missed = Object.entries(fields).filter(([, f]) => !f.ok);
  if (verbose && part === 'tuning' && missed.length > 0)
    console.log(
      `${file} ${missed.map(([name, f]) => `${name}(${f.confidence ?? '-'})`).join(' ')}: date ${parsed.fields.date ?? '-'} want ${label.date}; total ${parsed.fields.totalMinor ?? '-'} want ${label.total}; store ${parsed.fields.storeName ?? '-'} want ${label.company}`,
    );
}
if (secondUncached.length > 0)
  console.log(
    `${secondUncached.length} scans left out: their second look (${second}) is not cached: ${secondUncached.join(' ')}`,
  );
if (names)
  console.log(
    `store name rows read again on ${rereadCount.scans} of ${rereadCount.photos} scans (${rereadCount.reads} row recognitions, ${(rereadCount.reads / Math.max(1, rereadCount.photos)).toFixed(2)} a photo), a row's text replaced on ${rereadCount.replaced}`,
  );
console.log(formatFieldTables(outcomes));
if (halfOutcomes.length > 0) console.log(formatFieldTables(halfOutcomes));
for (const [part, { right, of }] of Object.entries(printedWords))
  console.log(
    `store word for word as printed (spaces count), ${part}: ${right}/${of} (${((right / of) * 100).toFixed(1)} %)`,
  );
console.log(formatCalibration(outcomes));
console.log(formatFieldCalibrations(outcomes));
console.log(formatRewrittenTotals(outcomes));
await Promise.all((rowEngines ?? []).map((rowEngine) => rowEngine.close()));
