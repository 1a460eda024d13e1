/**
 * Money as printed on receipts, read into integer minor units (×100). OCR splits and bends numbers
 * ("65. 20", "1,090.25", "$6.90", "RM 9.90", "NT$238"), so the pattern tolerates a space around the
 * decimal point and a currency mark in front, also as OCR bends it (RN, RW, RI4 or a bare R for RM).
 */

export type AmountToken = {
  minor: number;
  /** Offset in the line. */
  index: number;
  end: number;
  /** Printed with two decimals (a price), not a bare integer (a quantity, a code, or a TWD price). */
  hasDecimals: boolean;
  /** Printed with a currency mark in front (RM, $, ฿, NT$). */
  currencyMark: string | undefined;
  negative: boolean;
};

const AMOUNT_PATTERN =
  /(?<![\w.,/:-])(-\s?)?(RM|R[NW]|RI4|NT\$|US\$|\$|฿|THB|TWD|MYR|NT|R(?=\s?\d))?\s?(-\s?)?(\d{1,3}(?:,\d{3})+|\d{1,7})(?:\s?([.,])\s?(\d{2}))?(?![\d]|[.,]\d|\s?[:/]\d|\s?%)/g;

/** Every amount-like number in the line, left to right. */
export function findAmounts(line: string): AmountToken[] {
  const tokens: AmountToken[] = [];
  for (const match of line.matchAll(AMOUNT_PATTERN)) {
    const [, minusBefore, mark, minusAfter, whole, separator, fraction] = match;
    // "1,234" without decimals is a thousands group; "12,50" with a comma is a decimal comma.
    if (separator === ',' && whole!.includes(',')) continue;
    // "R367.10" is RM with its M lost; a bare R before an integer is a code ("R2"), not money.
    if (mark === 'R' && fraction === undefined) continue;
    const units = Number(whole!.replace(/,/g, ''));
    const minor = units * 100 + (fraction ? Number(fraction) : 0);
    tokens.push({
      minor,
      index: match.index,
      end: match.index + match[0].length,
      hasDecimals: fraction !== undefined,
      currencyMark: mark,
      negative: Boolean(minusBefore || minusAfter) || /^\s*-/.test(line.slice(match.index + match[0].length)),
    });
  }
  return tokens;
}

export function formatMinor(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Minor units → major units as a number (for JSON output only; money stays in minor units inside). */
export function toMajor(minor: number): number {
  return minor / 100;
}

/**
 * Two amounts printed with as many digits (four or more) that differ in one or two of them: one misread for
 * the other (a font's 7 read as 1 twice: 183.15 for 783.75).
 */
export function misreadDigitsApart(a: number, b: number) {
  const x = String(a);
  const y = String(b);
  const differ = [...x].filter((digit, i) => digit !== y[i]).length;
  return x.length === y.length && x.length >= 4 && differ >= 1 && differ <= 2;
}

/**
 * Digits OCR reads one for another on receipt print, either way round: the pairs misread on two design photos
 * or more (`bench/support/digit-confusions.ts` over the tuning, wide-28, wide-84 Thai and seed 20261311 Thai
 * photos, 2026-12-07: 1,899 printed amounts, 21 read with a digit or two misread — 7 → 1 on 10 photos; 3 → 8,
 * 3 → 2, 2 → 9 and 5 → 2 on 2 each; PaddleOCR misread no TW amount). A pair seen once (9 → 8, 3 → 9 …) is not
 * evidence enough to rewrite an amount.
 */
const LOOK_ALIKE_DIGITS = new Set(
  ['17', '38', '23', '29', '25'].flatMap((pair) => [pair, `${pair[1]}${pair[0]}`]),
);

/**
 * `read` is `meant` with one or two of its digits (four or more, as many in both) read as a look-alike
 * (`LOOK_ALIKE_DIGITS`: 183.15 for 783.75). Any two such amounts differ in a digit or two somewhere; only a
 * look-alike says the difference is OCR's.
 */
export function misreadAsLookAlike(read: number, meant: number) {
  if (!misreadDigitsApart(read, meant)) return false;
  const y = String(meant);
  return [...String(read)].every((digit, i) => digit === y[i] || LOOK_ALIKE_DIGITS.has(`${digit}${y[i]}`));
}
