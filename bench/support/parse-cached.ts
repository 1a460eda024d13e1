/**
 * `tsx bench/support/parse-cached.ts [--verbose]`: the SROIE dev accuracy of the parser alone, on the OCR
 * stored by `bench/support/ocr-cache.ts` (both passes, merged as the reader merges them). Seconds, not
 * minutes: for measuring parser changes; the real number comes from `npm run bench:accuracy -- sroie`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcrLine } from '../../core/ocr/index.js';
import { parseReceiptText } from '../../core/receipts/index.js';
import {
  combineReadings,
  needsRefinement,
  PASS_VOTE_WEIGHT,
  refinementOrder,
} from '../../core/receipts/receipt-reader.js';
import { cacheDir, normaliseName, SROIE_SUBMITTED_AT, sroieDate, sroieDir, toMinor } from './sroie-labels.js';

const verbose = process.argv.includes('--verbose');
const now = SROIE_SUBMITTED_AT;
const load = (variant: string, name: string): OcrLine[] | undefined => {
  const file = join(cacheDir, variant, name);
  return existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as { lines: OcrLine[] }).lines
    : undefined;
};

const files = readdirSync(join(cacheDir, 'base'))
  .filter((file) => file.endsWith('.json'))
  .sort();
const hits = { store: 0, date: 0, total: 0 };
for (const file of files) {
  const label = JSON.parse(readFileSync(join(sroieDir, file), 'utf8')) as Record<string, string>;
  const readings = [parseReceiptText(load('base', file)!, { now })];
  let parsed = readings[0]!;
  const weights = [PASS_VOTE_WEIGHT.base];
  for (const variant of refinementOrder(readings[0]!, load('base', file)!)) {
    const again = load(variant, file);
    if (!again || !needsRefinement(parsed)) break;
    readings.push(parseReceiptText(again, { now }));
    weights.push(PASS_VOTE_WEIGHT[variant]);
    parsed = combineReadings(readings, weights);
  }
  const ok = {
    store: normaliseName(parsed.fields.storeName) === normaliseName(label.company),
    date: parsed.fields.date === sroieDate(label.date ?? ''),
    total: parsed.fields.totalMinor === toMinor(label.total ?? ''),
  };
  for (const key of Object.keys(hits) as (keyof typeof hits)[]) if (ok[key]) hits[key]++;
  if (process.env.STORE && !ok.store) console.log(file, parsed.fields.storeName, '|', label.company);
  if (verbose && (!ok.date || !ok.total))
    console.log(
      `${file} date ${ok.date ? 'ok' : `${parsed.fields.date ?? '-'} want ${label.date}`} total ${ok.total ? 'ok' : `${parsed.fields.totalMinor ?? '-'} want ${label.total}`}`,
    );
}
for (const [field, count] of Object.entries(hits))
  console.log(`${field} ${count}/${files.length} ${((count / files.length) * 100).toFixed(1)} %`);
