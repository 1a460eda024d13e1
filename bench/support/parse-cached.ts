/**
 * `tsx bench/support/parse-cached.ts [--verbose]` (misses per file): the SROIE dev accuracy of the parser alone, on the OCR
 * stored by `bench/support/ocr-cache.ts` (every pass, combined by the reader's own `refineReading`). Seconds, not
 * minutes: for measuring parser changes; the real number comes from `npm run bench:accuracy -- sroie`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcrLine } from '../../core/ocr/index.js';
import { refineReading } from '../../core/receipts/receipt-reader.js';
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
  const parsed = await refineReading(load('base', file)!, {
    now,
    readPass: async (variant) => load(variant, file),
  });
  const ok = {
    store: normaliseName(parsed.fields.storeName) === normaliseName(label.company),
    date: parsed.fields.date === sroieDate(label.date ?? ''),
    total: parsed.fields.totalMinor === toMinor(label.total ?? ''),
  };
  for (const key of Object.keys(hits) as (keyof typeof hits)[]) if (ok[key]) hits[key]++;
  if (verbose && (!ok.date || !ok.total || !ok.store))
    console.log(
      `${file} date ${ok.date ? 'ok' : `${parsed.fields.date ?? '-'} want ${label.date}`} total ${ok.total ? 'ok' : `${parsed.fields.totalMinor ?? '-'} want ${label.total}`} store ${ok.store ? 'ok' : `${parsed.fields.storeName ?? '-'} want ${label.company}`}`,
    );
}
for (const [field, count] of Object.entries(hits))
  console.log(`${field} ${count}/${files.length} ${((count / files.length) * 100).toFixed(1)} %`);
