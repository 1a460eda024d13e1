import { join, resolve } from 'node:path';
import { projectRoot } from '../../core/shared/paths.js';
import type { ParsedReceipt } from '../../core/receipts/index.js';
import type { FieldOutcome } from './accuracy-report.js';

export const cacheDir = join(projectRoot, '.tmp', 'ocr-cache');
export const sroieDir = resolve(
  process.env.RECEIPTS_DATA_DIR ?? join(projectRoot, '..', 'shared', 'data', 'receipts'),
  'sroie-dev',
);

/**
 * When these receipts would have been sent as proofs: SROIE's receipts are from 2017–2018 (published for
 * ICDAR 2019). The reader is told this as its `now`, as intake tells it the upload time.
 */
export const SROIE_SUBMITTED_AT = new Date('2019-01-01T00:00:00Z');

/** How SROIE labels compare with what the reader returns (shared by the accuracy bench and its cached twin). */

export const normaliseName = (value: string | undefined) =>
  (value ?? '').toUpperCase().replace(/[^\p{L}\p{N}]/gu, '');

/**
 * A store name's words as printed (upper case, punctuation as a space): stricter than `normaliseName`,
 * which drops the spaces too, so `SANYUSTATIONERYSHOP` is right there and not here. Reported beside the
 * store field (`parse-cached.ts`), not scored: the label's words are what a person reads on the receipt.
 */
export const nameWords = (value: string | undefined) =>
  (value ?? '')
    .toUpperCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

/** SROIE prints dates as dd/mm/yyyy, dd-mm-yy, "27 MAR 2018" or ISO: compare as calendar dates. */
export function sroieDate(label: string): string | undefined {
  const months = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
  const parts = label
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  if (parts.length !== 3) return undefined;
  const [a, b, c] = parts as [string, string, string];
  if (a.length === 4) return `${a}-${b.padStart(2, '0')}-${c.padStart(2, '0')}`;
  const month = months.indexOf(b.slice(0, 3)) + 1 || Number(b);
  const year = c.length === 2 ? `20${c}` : c;
  return `${year}-${String(month).padStart(2, '0')}-${a.padStart(2, '0')}`;
}

export function toMinor(value: string | number) {
  return Math.round(Number(String(value).replace(/[^\d.]/g, '')) * 100);
}

/** Exact match per field of a reading against a SROIE label, with the confidence the reader gave. */
export function scoreSroie(
  reading: Pick<ParsedReceipt, 'fields' | 'confidence'>,
  label: Record<string, string>,
): Record<'store' | 'date' | 'total', FieldOutcome> {
  return {
    store: {
      ok: normaliseName(reading.fields.storeName) === normaliseName(label.company),
      confidence: reading.confidence.storeName,
    },
    date: { ok: reading.fields.date === sroieDate(label.date ?? ''), confidence: reading.confidence.date },
    total: {
      ok: reading.fields.totalMinor === toMinor(label.total ?? ''),
      confidence: reading.confidence.totalAmount,
    },
  };
}
