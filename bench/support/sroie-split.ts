/**
 * The tuning / check split of `sroie-dev` (docs/decisions/007-receipt-reader-split.md): a file belongs to
 * the tuning part when the first 32 bits of sha256(`proofline-split-v1:<file name>`) fall below 60 % of
 * the range. The rule depends on the name only, so adding scans never moves an existing one.
 * `tsx bench/support/sroie-split.ts --write` rewrites the committed list `bench/split/sroie-split.json`.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { projectRoot } from '../../core/shared/paths.js';

export type SplitPart = 'tuning' | 'check';
export const SPLIT_SALT = 'proofline-split-v1';
export const TUNING_SHARE = 0.6;
export const splitListFile = join(projectRoot, 'bench', 'split', 'sroie-split.json');

export function splitPartOf(fileName: string): SplitPart {
  const digest = createHash('sha256').update(`${SPLIT_SALT}:${fileName}`).digest();
  return digest.readUInt32BE(0) / 2 ** 32 < TUNING_SHARE ? 'tuning' : 'check';
}

/**
 * The half of the tuning part a scan falls in, for a cross-validation inside it (`parse-cached.ts
 * --halves`): by another hash of its name (`proofline-halves-v1:<file name>`, first byte even: A), so the
 * halves are independent of the split and stable as scans are added. A rule that helps one half and not
 * the other is fitted to the scans it was found on.
 */
export const HALVES_SALT = 'proofline-halves-v1';
export type TuningHalf = 'A' | 'B';

export function tuningHalfOf(fileName: string): TuningHalf {
  return createHash('sha256').update(`${HALVES_SALT}:${fileName}`).digest()[0]! % 2 === 0 ? 'A' : 'B';
}

/** The committed list: `{ tuning: ["003.jpg", …], check: […] }`. */
export function loadSplit(): Record<SplitPart, string[]> {
  return JSON.parse(readFileSync(splitListFile, 'utf8')) as Record<SplitPart, string[]>;
}

/** The part a scan is in by the committed list (undefined: a scan added after the list was written). */
export function committedPartOf(fileName: string, split = loadSplit()): SplitPart | undefined {
  if (split.tuning.includes(fileName)) return 'tuning';
  if (split.check.includes(fileName)) return 'check';
  return undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url) && process.argv.includes('--write')) {
  const { sroieDir } = await import('./sroie-labels.js');
  const files = readdirSync(sroieDir)
    .filter((file) => file.endsWith('.jpg'))
    .sort();
  const split: Record<SplitPart, string[]> = { tuning: [], check: [] };
  for (const file of files) split[splitPartOf(file)].push(file);
  writeFileSync(splitListFile, `${JSON.stringify(split, null, 1)}\n`);
  console.log(`tuning ${split.tuning.length}, check ${split.check.length}`);
}
