/**
 * `tsx bench/support/parse-cached.ts [--verbose] [--part tuning|check] [--engine tesseract|paddle]
 * [--second tesseract|paddle]`: the
 * SROIE dev accuracy of the parser alone, on the OCR stored by `bench/support/ocr-cache.ts` (every pass,
 * combined by the reader's own `refineReading`), for the tuning and the check part separately, with the
 * calibration table. Seconds, not minutes: for measuring parser changes; tune on the tuning part only
 * (`--verbose` lists the misses of the tuning part). The real number comes from `npm run bench:accuracy`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcrLine } from '../../core/ocr/index.js';
import { refineReading } from '../../core/receipts/receipt-reader.js';
import { formatCalibration, formatFieldTables, type Outcome } from './accuracy-report.js';
import { committedPartOf, loadSplit } from './sroie-split.js';
import { cacheDir, scoreSroie, SROIE_SUBMITTED_AT, sroieDir } from './sroie-labels.js';

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
const secondUncached: string[] = [];
for (const file of files) {
  const part = committedPartOf(file.replace('.json', '.jpg'), split);
  if (!part || (onlyPart && part !== onlyPart)) continue;
  if (commonWith && !load('base', file, rootOf(commonWith))) continue;
  if (upTo && file > upTo) continue;
  const label = JSON.parse(readFileSync(join(sroieDir, file), 'utf8')) as Record<string, string>;
  let uncached = false;
  const parsed = await refineReading(load('base', file)!, {
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
  outcomes.push({ file, part, group: `sroie-dev/${part}`, fields });
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
console.log(formatFieldTables(outcomes));
console.log(formatCalibration(outcomes));
if (argv.includes('--per-field'))
  for (const field of ['store', 'date', 'total']) console.log(formatCalibration(outcomes, field));
