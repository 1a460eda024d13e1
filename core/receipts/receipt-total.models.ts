/**
 * The grand total among the amounts of a receipt: every amount a label or the receipt's own arithmetic
 * (items, subtotal + tax + rounding, cash − change, subtotal − discount) offers is scored, and the most
 * consistent wins, with a confidence from its evidence and its margin (the item rows above the totals:
 * `receipt-items.models.ts`).
 */
import { findAmounts, misreadAsLookAlike, type AmountToken } from './receipt-amounts.models.js';
import { findItems, itemsAddingUpTo } from './receipt-items.models.js';
import { relabel, round2, toLines, type Line, type ReceiptLineInput } from './receipt-lines.models.js';
import { DISCOUNT_LINE, PAYMENT_LINE } from './receipt-money-labels.models.js';
import { letterRatio } from './receipt-store.models.js';
import { isBentThaiTotal, isThaiVat } from './receipt-thai-labels.models.js';
import { editDistance } from './store-lexicon.models.js';

// Keyword strength for the grand total. OCR bends letters, so TOTAL tolerates 0/O and 1/I/L slips.
const TOTAL = String.raw`T[O0Q]T[A4]L|T[O0]TA[L1I]|TOTAI|TOTA1`;
const STRONG_TOTAL = new RegExp(
  [
    String.raw`GRAND\s?(?:${TOTAL})`,
    String.raw`(?:${TOTAL})\s?AMOUNT`,
    String.raw`NET+\s?(?:${TOTAL})`,
    // …not "TOTAL INCLUDES 6% GST 0.83": the tax the total includes.
    String.raw`(?:${TOTAL})\s?(?:DUE|PAYABLE|INCL(?!UDE[SD])|\(INCL|\(INCLUSIVE|INCLUSIVE|INC\.?\s?GST|AFTER|RM\b|\(RM\))`,
    String.raw`ROUNDED\s?(?:${TOTAL})`,
    String.raw`(?:${TOTAL})\s?(?:SALES|SALE)\s?\(?INC`,
    String.raw`AMOUNT\s?DUE`,
    String.raw`BALANCE\s?DUE`,
    'รวมทั้งสิ้น',
    'รวมทังสิน',
    'รวมทั้งสิน',
    'รวมทังสิ้น',
    'ยอดสุทธิ',
    'ยอดชำระ',
    'ยอดรวมสุทธิ',
    '總計',
    '合計',
    '總金額',
    '應收',
    '總額',
  ].join('|'),
  'i',
);
/** A tax row: its label (`TAX_LINE`), or the Thai VAT label bent. */
const isTaxLine = (line: Line) => TAX_LINE.test(line.upper) || isThaiVat(line.compact);

/** A grand-total label (`STRONG_TOTAL`), or a Thai one with a letter bent. */
const isStrongTotal = (text: string) => STRONG_TOTAL.test(text) || isBentThaiTotal(text);

const MEDIUM_TOTAL = new RegExp(
  [`\\b(?:${TOTAL})\\b`, `(?:${TOTAL})`, 'ยอดรวม', 'รวมเงิน', '總价', '總'].join('|'),
  'i',
);
const WEAK_TOTAL = /รวม|AMOUNT|AMT/i;
const SUBTOTAL = new RegExp(
  [
    String.raw`SUB\s?-?\s?(?:${TOTAL}|TOTA|TOT)`,
    'SUBTOTAL',
    String.raw`(?:${TOTAL})\s?\(?EXCL`,
    String.raw`(?:${TOTAL})\s?SALES\s?\(?EXCL`,
    String.raw`(?:${TOTAL})\s?BEFORE`,
    'BEFORE\\s?(?:DISC|GST|TAX)',
    'EXCLUDING',
    'EXCL',
    'ยอดก่อน',
    'ก่อนภาษี',
    '小計',
  ].join('|'),
  'i',
);
const PARTIAL_TOTAL = new RegExp(String.raw`(?:${TOTAL})\s?\d{1,2}\s?%\s?SUPPL`, 'i');
const NOT_MONEY_TOTAL = new RegExp(
  [
    String.raw`(?:${TOTAL})\s?(?:QTY|QUANTITY|ITEM|ITEMS|PCS|UNITS?|SAVINGS?|DISC|DISCOUNT|WEIGHT|POINTS?|NO)`,
    'QTY',
    'ITEM\\(S\\)',
    'จำนวน',
    'ชิ้น',
    '共\\s?\\d+\\s?項',
  ].join('|'),
  'i',
);
const TAX_LINE = /\bGST\b|\bTAX\b|\bVAT\b|\bSST\b|ภาษี|營業稅|稅額|SERVICE\s?(?:CHARGE|TAX)/i;
const INCLUDING_TAX = /\(\s?INCL|INCLUSIVE\s?(?:OF\s?)?(?:GST|TAX|VAT)|INCL\.?\s?(?:GST|TAX|VAT)/;
const CHANGE_LINE = /CHANGE|CHG|BALANCE(?!\s?DUE)|เงินทอน|ทอน|找零|找回/i;
const CASH_LINE = /CASH|TENDER|PAID|เงินสด|รับเงิน|現金|收現/i;
const CARD_LINE = /VISA|MASTER|CARD|CREDIT|DEBIT|E-?WALLET|BOOST|GRAB\s?PAY|TOUCH\s?N/i;
const ROUNDING_LINE = /ROUND|ADJ|ปัดเศษ/i;
const SUMMARY_HEADER = /GST\s?SUMMARY|TAX\s?SUMMARY|SUMMARY|TAX\s?CODE|TAXCODE/i;

/** `readAs`: the labelled amount OCR read, when this candidate took its evidence as that amount misread. */
type Candidate = { minor: number; score: number; reasons: string[]; line?: number; readAs?: number };

/**
 * A total rewritten from what its label's row reads (`readAs`) is a guess from the receipt's arithmetic, not a reading:
 * its confidence stays under the bar of a sure field (0.9) even when two passes agree on it (`combineReadings` adds
 * 0.05 for agreement and then caps the rewritten total again).
 */
export const REWRITTEN_TOTAL_MAX_CONFIDENCE = 0.85;

/**
 * Whether the text shows a total label whose amount is missing from its row and the next ("總計" alone,
 * "รวมทั้งสิ้น" alone): the sign that OCR layout analysis dropped the receipt's price column.
 */
export function totalLabelLacksAmount(input: ReceiptLineInput[]): boolean {
  const lines = toLines(input);
  return lines.some(
    (line, position) =>
      (isStrongTotal(line.compact) || MEDIUM_TOTAL.test(line.compact)) &&
      !SUBTOTAL.test(line.upper) &&
      !NOT_MONEY_TOTAL.test(line.upper) &&
      findAmounts(line.text).length === 0 &&
      findAmounts(lines[position + 1]?.text ?? '').length === 0,
  );
}

/**
 * Splits a row into label/amount pairs. The label of an amount is the text since the previous amount;
 * a label without letters (a price column) belongs with the label before it.
 */
function splitLabelledAmounts(
  line: Line,
  next: Line | undefined,
  integers: boolean,
  previous: Line | undefined,
) {
  const amounts = findAmounts(line.text).filter(
    (amount) => amount.hasDecimals || amount.currencyMark || integers,
  );
  if (amounts.length === 0) {
    const amountRow = (row: Line | undefined) =>
      row && findAmounts(row.text).length > 0 && letterRatio(row.text) < 0.3 ? row : undefined;
    // A label whose amount OCR put on the next row ("TOTAL" / "31.00"), or, on a photo taken at a tilt,
    // on the row above: "$1052" / "總計" with nothing after it. Only an amount printed with its currency
    // mark is taken from above (a bare number there is the last item's price).
    const above = !amountRow(next) ? amountRow(previous) : undefined;
    const aboveAmount = above && lineAmount(above, integers);
    const nextAmount = amountRow(next)
      ? lineAmount(next!, integers)
      : aboveAmount?.currencyMark
        ? aboveAmount
        : undefined;
    // A bare integer after the keyword is money only where prices are whole dollars ("TOTAL 238");
    // on a two-decimal receipt it is OCR debris ("Total Amount: EET 1").
    const printed = findAmounts(line.text);
    const [before, last] = printed.slice(-2);
    // "รวมทั้งสิ้น 537 50" on a two-decimal receipt: the decimal point read as a space.
    const spaced =
      !integers &&
      before &&
      last &&
      !before.hasDecimals &&
      /^\s\d{2}$/.test(line.text.slice(before.end, last.end))
        ? { ...before, minor: before.minor + last.minor / 100, end: last.end, hasDecimals: true }
        : undefined;
    const bare = isStrongTotal(line.compact)
      ? (spaced ?? printed.filter((amount) => integers || amount.minor >= 1000).at(-1))
      : undefined;
    return [{ line, value: bare ?? nextAmount }];
  }
  const units: { line: Line; value: AmountToken | undefined }[] = [];
  let labelStart = 0;
  let previousLabel = '';
  amounts.forEach((amount, i) => {
    let label = line.text.slice(labelStart, amount.index);
    if ((label.match(/\p{L}/gu) ?? []).length < 2) {
      label = previousLabel;
      if (units.length > 0) units.pop();
    }
    labelStart = amount.end;
    previousLabel = label;
    if (i === amounts.length - 1 && units.length === 0) label = line.text.slice(0, amount.index);
    units.push({ line: relabel(line, label), value: amount });
  });
  return units;
}

function decimalAmounts(line: Line) {
  return findAmounts(line.text).filter((amount) => amount.hasDecimals).length;
}

/**
 * Whether a word of the line is the keyword with at most two letters bent by OCR ("ROCNDZNG" for
 * ROUNDING); only for long keywords, where two slips still leave the word unmistakable.
 */
function hasWordLike(upper: string, keyword: string) {
  return upper
    .split(/[^A-Z0-9]+/)
    .some((word) => Math.abs(word.length - keyword.length) <= 1 && editDistance(word, keyword) <= 2);
}

/** The amount a line stands for: the rightmost money-looking number. */
function lineAmount(line: Line, allowIntegers: boolean): AmountToken | undefined {
  const amounts = findAmounts(line.text).filter(
    (amount) => amount.hasDecimals || amount.currencyMark || allowIntegers,
  );
  return amounts.at(-1);
}

/** Evidence for a total that comes from the receipt's own arithmetic, not from a label. */
const ARITHMETIC_REASONS = new Set([
  'cash - change',
  'subtotal + tax',
  'subtotal + tax + rounding',
  'items sum',
  'subtotal - discount',
  'total + rounding',
  'subtotal + rounding',
  'items + tax',
  'tax share',
]);

/**
 * Tax rates a total may include, by script: Thai VAT 7 % (prices include it), Malaysian GST 6 % (and SST
 * 6 %, charged on top as GST was). A printed tax of t backs the total T that includes it: t ≈ T × r / (100 + r).
 */
const INCLUDED_TAX_RATES = { thai: [7], other: [6] };

/** Whether `tax` is the share of `total` that a tax at one of `rates` % included in it comes to (± 1 minor unit). */
export function isIncludedTaxShare(total: number, tax: number, rates: readonly number[]) {
  return tax > 0 && tax < total && rates.some((rate) => Math.abs((total * rate) / (100 + rate) - tax) <= 1);
}

/**
 * The evidence a total label gives the amount its rounding, printed on a row below it, comes to ("Total
 * (Inclusive of GST): 23.26", "Rounding Adj -0.01", nothing labelled after: 23.25 is paid).
 */
const ROUNDED_BELOW_WEIGHT = 2.5;

type TotalChecks = { itemsSum: boolean; subtotalPlusTax: boolean; cashMinusChange: boolean };

export function findMoney(lines: Line[], script: { thai: boolean; chinese: boolean }) {
  // Taiwanese receipts print whole dollars; elsewhere a price has two decimals.
  const integers = script.chinese;
  const summaryStart = lines.findIndex((line) => SUMMARY_HEADER.test(line.upper));
  const candidates = new Map<number, Candidate>();
  const add = (minor: number, score: number, reason: string, line?: number) => {
    if (minor <= 0) return;
    const candidate = candidates.get(minor) ?? { minor, score: 0, reasons: [], line };
    // The same kind of evidence twice ("Total 0% supplies" on two rows) is one piece of evidence, and a bit.
    candidate.score += candidate.reasons.includes(reason) ? 0.25 * score : score;
    candidate.reasons.push(reason);
    if (line !== undefined && (candidate.line === undefined || score > 0)) candidate.line = line;
    candidates.set(minor, candidate);
  };

  let subtotal: number | undefined;
  let tax: number | undefined;
  let rounding = 0;
  let roundingLine = -1;
  let discount: number | undefined;
  let cash: number | undefined;
  const cashValues: number[] = [];
  let change: number | undefined;
  let firstTotalLine = -1;
  // Every tax amount printed (the tax row, a tax summary's rate rows): checked against each total's share.
  const printedTaxes = new Set<number>();

  // A row may hold several label/amount pairs once columns are joined ("TOTAL 34.80 CASH 100.00"):
  // each pair is judged on its own label.
  const units = lines.flatMap((line, position) =>
    splitLabelledAmounts(line, lines[position + 1], integers, lines[position - 1]).map((unit) => ({
      ...unit,
      position,
    })),
  );
  units.forEach(({ line, value, position }) => {
    const upper = line.upper;
    const inSummary = summaryStart >= 0 && position > summaryStart;

    // "Total 6% supplies (Inc. GST)", "Total 0% supplies": the share of one tax rate, never the grand total.
    if (PARTIAL_TOTAL.test(upper)) {
      if (value) add(value.minor, 0.3, 'partial total', position);
      if (firstTotalLine < 0) firstTotalLine = position;
      return;
    }
    if (SUBTOTAL.test(upper) || /小計/.test(line.compact)) {
      if (value && !inSummary) subtotal ??= value.minor;
      if (value) add(value.minor, 0.3, 'subtotal', position);
      if (firstTotalLine < 0) firstTotalLine = position;
      return;
    }
    if (NOT_MONEY_TOTAL.test(upper) && !STRONG_TOTAL.test(upper)) return;
    if ((ROUNDING_LINE.test(upper) || hasWordLike(upper, 'ROUNDING')) && !/ROUNDED\s?T/.test(upper)) {
      if (value && value.minor < 100) {
        rounding = value.negative ? -value.minor : value.minor;
        roundingLine = position;
      }
      // "Rounding RM 177.20": a rounding is cents; a larger amount on that row is the rounded total.
      else if (value && value.minor >= 1000 && value.hasDecimals)
        add(value.minor, 2.5, 'rounded total', position);
      return;
    }
    if (DISCOUNT_LINE.test(upper) && !isStrongTotal(line.compact) && !PAYMENT_LINE.test(upper)) {
      // "Coupon Discount 14.80": what the subtotal loses before it is paid.
      if (value && !inSummary && value.minor > 0) discount ??= value.minor;
      return;
    }
    if (CHANGE_LINE.test(upper) && !isStrongTotal(line.compact)) {
      if (value) change ??= value.minor;
      return;
    }
    if (CASH_LINE.test(upper) && !isStrongTotal(line.compact)) {
      if (value) {
        cash ??= value.minor;
        cashValues.push(value.minor);
        add(value.minor, 0.4, 'paid', position);
      }
      return;
    }
    if (CARD_LINE.test(upper) && !isStrongTotal(line.compact)) {
      // A card is charged the total exactly: no change.
      if (value) add(value.minor, 0.8, 'paid by card', position);
      return;
    }
    if (isStrongTotal(line.compact) || (/T[O0]TA[L1I]/.test(upper) && hasWordLike(upper, 'PAYABLE'))) {
      if (value && !value.hasDecimals && !integers && value.minor >= 10000) {
        // "Total Inclusive GST: 1045" on a receipt priced in cents: the decimal point lost to OCR, or a
        // whole amount. Both are offered at half weight; the receipt's arithmetic tells them apart.
        add(value.minor, inSummary ? 0.4 : 1.5, 'total keyword', position);
        add(value.minor / 100, inSummary ? 0.4 : 1.5, 'total keyword, decimal point lost', position);
      } else if (value) add(value.minor, inSummary ? 0.8 : 3, 'total keyword', position);
      if (firstTotalLine < 0) firstTotalLine = position;
      return;
    }
    if (isTaxLine(line) && !MEDIUM_TOTAL.test(upper)) {
      // "Sales (Incl. GST 6%) 367.10" with TOTAL lost to OCR: an amount including the tax.
      if (INCLUDING_TAX.test(upper)) {
        if (value) add(value.minor, inSummary ? 0.5 : 2, 'incl tax', position);
        return;
      }
      // "GST 6% 3.84" is the tax; "SR 6% 64.00 3.84" (rate, base, tax) starts with the taxable base.
      const baseAfterRate = /%\s*$/.test(line.text) && decimalAmounts(lines[position]!) > 1;
      if (value && !inSummary && !baseAfterRate) tax ??= value.minor;
      const rowTax = lineAmount(lines[position]!, integers);
      if (rowTax) printedTaxes.add(rowTax.minor);
      return;
    }
    if (isTaxLine(line)) {
      // "TOTAL GST" or "TOTAL TAX": the tax, not the total — unless it says "incl" (its I bent by OCR:
      // "Total Salos(lnclusivoof GST)").
      // "TOTAL INCLUDES 6% GST 0.83", "GST 6% included in total 0.49": what the total includes, the tax.
      if (/INCL|INC\b|INCLUSIVE|NCLUSIV/.test(upper) && !/INCLUDE[SD]/.test(upper)) {
        if (value) add(value.minor, inSummary ? 0.8 : 2.8, 'total incl tax', position);
      } else if (value) {
        if (!inSummary) tax ??= value.minor;
        printedTaxes.add(value.minor);
      }
      if (firstTotalLine < 0) firstTotalLine = position;
      return;
    }
    if (MEDIUM_TOTAL.test(line.compact)) {
      if (value) add(value.minor, inSummary ? 0.5 : 2, 'total', position);
      if (firstTotalLine < 0) firstTotalLine = position;
      return;
    }
    if (WEAK_TOTAL.test(line.compact) && !PAYMENT_LINE.test(upper)) {
      if (value) add(value.minor, inSummary ? 0.2 : 0.8, 'amount keyword', position);
    }
  });

  const items = findItems(lines, firstTotalLine, integers);
  const itemsSum = items.reduce((sum, item) => sum + item.amountMinor, 0);
  // A tax line printed as "VAT 7% 34.08" may sit on the next row; accept a tax that is a plausible share.
  const all = lines.flatMap((line) => findAmounts(line.text).filter((a) => a.hasDecimals || integers));
  const occurrences = new Map<number, number>();
  for (const amount of all) occurrences.set(amount.minor, (occurrences.get(amount.minor) ?? 0) + 1);

  // Consistency evidence: the totals a receipt implies by its own arithmetic.
  // Every tendered amount minus the change ("Cash 71.00" may be the total, "Cash Received 101.00" the note).
  // With no change given, "cash - change" is the cash line again, not a second piece of evidence.
  if (change !== undefined && change > 0)
    for (const paid of new Set(cashValues)) if (paid > change) add(paid - change, 1.6, 'cash - change');
  const changeGiven = change;
  // A tax is a share of what was bought (5–10 %, service charge included rarely a quarter): a "tax" about as
  // large as the subtotal is a total including tax whose label OCR bent, not the tax.
  if (subtotal !== undefined && tax !== undefined && tax > subtotal * 0.3) tax = undefined;
  if (subtotal !== undefined && tax !== undefined) {
    // What is paid is the rounded amount, when the receipt prints a rounding.
    add(subtotal + tax, rounding !== 0 ? 0.9 : 1.2, 'subtotal + tax');
    if (rounding !== 0) add(subtotal + tax + rounding, 1.2, 'subtotal + tax + rounding');
  }
  if (itemsSum > 0) add(itemsSum, 0.8, 'items sum');
  // Items priced before tax: items + tax (+ rounding) is what is paid.
  if (itemsSum > 0 && tax !== undefined && tax < itemsSum * 0.3)
    add(itemsSum + tax + rounding, 0.8, 'items + tax');
  if (tax !== undefined) printedTaxes.add(tax);
  if (subtotal !== undefined && discount !== undefined && discount < subtotal)
    add(subtotal - discount, 0.8, 'subtotal - discount');
  // A total printed before its rounding ("Total incl. GST 20.98", "Rounding 0.02"): what is paid is the
  // rounded amount.
  // When the rounded amount is printed with a total label too ("Total (Inclusive of GST): 23.26",
  // "Rounding Adj: -0.01", "TOTAL : 23.25"), the receipt itself says the first total was not what is paid.
  const labelled = (candidate: Candidate | undefined) =>
    candidate?.reasons.some(
      (reason) => reason.includes('keyword') || reason.includes('incl') || reason === 'total',
    );
  // When no total label follows the rounding row (OCR lost "TOTAL : 23.25", or the receipt prints none), the
  // order of the rows says the same: a total printed above its rounding is the amount before it is rounded,
  // and the label's evidence goes to the rounded amount (`roundedBelow`).
  const totalBelowRounding = [...candidates.values()].some(
    (candidate) => labelled(candidate) && candidate.line !== undefined && candidate.line > roundingLine,
  );
  if (rounding !== 0)
    for (const candidate of [...candidates.values()])
      if (candidate.reasons.some((reason) => reason.includes('keyword') || reason.includes('incl'))) {
        const rounded = candidates.get(candidate.minor + rounding);
        add(candidate.minor + rounding, 0.9, 'total + rounding');
        const roundedBelow =
          !totalBelowRounding && candidate.line !== undefined && candidate.line < roundingLine;
        if (labelled(rounded)) candidate.score -= 0.9;
        else if (roundedBelow) {
          add(candidate.minor + rounding, ROUNDED_BELOW_WEIGHT, 'total keyword, rounded below');
          candidate.score -= 0.9;
        }
      }
  // Independent sums agreeing on one amount (cash − change and subtotal + tax + rounding both say 14.65
  // while the total line was misread 14.85) outweigh a single misread keyword line.
  for (const candidate of candidates.values()) {
    const derived = new Set(candidate.reasons.filter((reason) => ARITHMETIC_REASONS.has(reason)));
    if (derived.size >= 2) candidate.score += 1.5 * (derived.size - 1);
  }
  if (subtotal !== undefined && rounding !== 0) add(subtotal + rounding, 0.6, 'subtotal + rounding');
  // A printed tax that is the included share of a printed amount ("VAT 7% 34.08" of 521.00) backs that
  // amount as the total (before its rounding, if one is printed); never makes up an amount not printed.
  const rates = script.thai ? INCLUDED_TAX_RATES.thai : INCLUDED_TAX_RATES.other;
  if (!script.chinese)
    for (const candidate of candidates.values())
      if (
        [...printedTaxes].some(
          (printed) =>
            isIncludedTaxShare(candidate.minor, printed, rates) ||
            (rounding !== 0 && isIncludedTaxShare(candidate.minor - rounding, printed, rates)),
        )
      ) {
        const derived = candidate.reasons.some((reason) => ARITHMETIC_REASONS.has(reason));
        candidate.score += derived ? 1.5 : 1;
        candidate.reasons.push('tax share');
      }

  // The labelled total with a digit or two misread (รวมทั้งสิ้น 183.15 for 783.75): the amount two of the receipt's
  // own sums agree on (the items and the printed tax's share; cash − change and the first total + its rounding),
  // a digit or two from the labelled amount, is that amount read right — the label's evidence goes to it (never to
  // an amount only one sum backs). Only where each differing digit is one OCR reads for the other
  // (`misreadAsLookAlike`): any two totals of four digits are a digit or two apart somewhere. Such a total is marked
  // (`readAs`): it was not read. A labelled total the printed rounding takes to that amount (Total RM 14.64, Rounding
  // Adj 0.01, a last total misread 14.85, cash − change 14.65) is the amount before rounding, read right: its label's
  // evidence goes to the rounded amount, as when no total follows the rounding (`roundedBelow`), unmarked.
  for (const candidate of candidates.values()) {
    if (new Set(candidate.reasons.filter((reason) => ARITHMETIC_REASONS.has(reason))).size < 2) continue;
    for (const read of candidates.values()) {
      if (read === candidate || !read.reasons.includes('total keyword') || read.reasons.includes('tax share'))
        continue;
      const beforeRounding = rounding !== 0 && read.minor + rounding === candidate.minor;
      if (!beforeRounding && !misreadAsLookAlike(read.minor, candidate.minor)) continue;
      candidate.score += read.score;
      candidate.reasons.push(
        beforeRounding ? 'total keyword, before rounding' : 'total keyword, digits misread',
      );
      candidate.line ??= read.line;
      if (!beforeRounding) candidate.readAs ??= read.minor;
      read.score = 0;
    }
  }

  for (const candidate of candidates.values()) {
    const seen = occurrences.get(candidate.minor) ?? 0;
    if (seen >= 2) candidate.score += Math.min(1, 0.4 * (seen - 1));
    if (seen === 0 && !candidate.reasons.some((r) => r.includes('keyword') || r === 'total'))
      candidate.score -= 1.2;
    // A grand total is never below what was bought before tax.
    if (subtotal !== undefined && candidate.minor < subtotal) candidate.score -= 1;
    // …nor far above it: tax and service charge add at most about a quarter.
    if (subtotal !== undefined && candidate.minor > subtotal * 1.3 + 100) candidate.score -= 1;
    if (cash !== undefined && candidate.minor > cash) candidate.score -= 1.2;
  }

  const ranked = [...candidates.values()].sort((a, b) => b.score - a.score || b.minor - a.minor);
  let best = ranked[0];
  if (!best || best.score < 1) {
    // No total keyword survived OCR: the largest amount printed twice, else the largest price.
    const repeated = [...occurrences]
      .filter(([minor, count]) => count >= 2 && minor > 0)
      .sort((a, b) => b[0] - a[0]);
    const largest = all.filter((a) => a.hasDecimals && a.minor > 0).sort((a, b) => b.minor - a.minor)[0];
    // A price with the currency mark in front ("RM367.10") is usually the total, item prices go without.
    const marked = all
      .filter((a) => a.hasDecimals && a.currencyMark && a.minor > 0)
      .sort((a, b) => b.minor - a.minor)[0];
    const fallback = marked?.minor ?? repeated[0]?.[0] ?? largest?.minor;
    if (fallback !== undefined && (!best || best.score < 0.5))
      best = { minor: fallback, score: 0.5, reasons: ['largest amount'] };
  }

  let total:
    | { minor: number; confidence: number; checks: TotalChecks; readAs?: number; contradictedBy?: number }
    | undefined;
  if (best) {
    const checks: TotalChecks = {
      itemsSum: itemsSum > 0 && Math.abs(itemsSum - best.minor) <= Math.max(5, best.minor * 0.005),
      subtotalPlusTax:
        subtotal !== undefined &&
        tax !== undefined &&
        [subtotal + tax, subtotal + tax + rounding].includes(best.minor),
      cashMinusChange:
        changeGiven !== undefined && cashValues.some((paid) => paid - changeGiven === best.minor),
    };
    const second = ranked[1];
    const margin = second ? best.score - second.score : best.score;
    const lineConfidence = best.line !== undefined ? lines[best.line]!.confidence : 0.6;
    let confidence = 0.35 + Math.min(0.3, best.score / 10) + Math.min(0.15, margin / 10);
    if (checks.itemsSum) confidence += 0.15;
    if (checks.subtotalPlusTax || checks.cashMinusChange) confidence += 0.1;
    confidence *= Math.min(1, lineConfidence + 0.15);
    const rewritten = best.readAs !== undefined;
    // The receipt's own rounded-total row ("TOTAL ROUNDED RM 14.85") read as another amount than the one the sums
    // chose (14.65): the sums may be right, but a row that says it is the total disagrees (review F4).
    const chosen = best.minor;
    const contradictedBy = [...candidates.values()].find(
      (candidate) => candidate.minor !== chosen && candidate.reasons.includes('rounded total'),
    )?.minor;
    const contradicted = contradictedBy !== undefined;
    total = {
      minor: best.minor,
      confidence: round2(
        Math.min(rewritten || contradicted ? REWRITTEN_TOTAL_MAX_CONFIDENCE : 0.99, confidence),
      ),
      checks,
      ...(rewritten ? { readAs: best.readAs } : {}),
      ...(contradicted ? { contradictedBy } : {}),
    };
  }

  if (tax === undefined && script.thai) {
    // Thai VAT lines are often split: "ภาษีมูลค่าเพิ่ม 7%" then "34.08".
    const vatIndex = lines.findIndex((line) => /ภาษีมูล|VAT/i.test(line.compact) || isThaiVat(line.compact));
    const vatLine = lines[vatIndex];
    const vatAmount =
      vatLine &&
      (lineAmount(vatLine, false) ?? (lines[vatIndex + 1] && lineAmount(lines[vatIndex + 1]!, false)));
    if (vatAmount && total && vatAmount.minor < total.minor) tax = vatAmount.minor;
  }

  // Items read again so they add up to the total chosen (a decimal point lost, a digit misread).
  const itemsRead = total ? itemsAddingUpTo(lines, firstTotalLine, integers, items, total.minor) : items;
  return { total, subtotal, vat: tax, items: itemsRead, firstTotalLine };
}
