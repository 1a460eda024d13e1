import { parseBarcode } from './invoice-barcode.models.js';
import {
  isDateInPeriod,
  isValidInvoiceDate,
  isValidPeriod,
  periodDateRange,
  toIsoDate,
  yearFromTyped,
} from './invoice-dates.models.js';
import { isValidInvoiceNumber, isValidRandomCode } from './invoice-number.models.js';
import { RIGHT_QR_PREFIX } from './invoice-qr.models.js';

/**
 * Part of an e-invoice proof: enough to keep, not enough to verify. The MoF detail query needs the
 * invoice number, its date and the random code, so a proof that lacks one of them is completed by
 * asking the member, instead of being refused.
 */
export type PartialProof =
  /**
   * Number and random code without the date: the paper proof's 19-character barcode (it carries the
   * period, not the day), or the number and code printed on a photographed proof. `period` (`yyyMM`)
   * bounds the days to offer; null when nothing on the proof said it.
   */
  | {
      missing: 'invoice_date';
      from: 'barcode' | 'photo';
      invoiceNumber: string;
      randomCode: string;
      period: string | null;
      /** A date OCR read but not surely enough to query with: offered first. */
      suggestedDate?: string;
    }
  /** The right-hand QR code alone: it only continues the left code's item list. */
  | { missing: 'left_qr'; right: string };

const BARCODE_ALONE = /^\*?(\d{5}[A-Za-z]{2}\d{12})\*?$/;

/**
 * A proof typed or scanned as text that is usable once completed: the 19-character barcode alone, or a
 * right QR code alone. Anything else (a complete proof, chat text, a barcode with a wrong date) is not
 * partial: the ordinary parser answers it.
 */
export function findPartialProof(text: string): PartialProof | undefined {
  if (typeof text !== 'string') return undefined;
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  const compact = trimmed.normalize('NFKC').replace(/\s+/g, '');
  const barcode = BARCODE_ALONE.exec(compact);
  if (barcode) {
    const parsed = parseBarcode(barcode[1]!);
    if (!parsed.ok) return undefined;
    return {
      missing: 'invoice_date',
      from: 'barcode',
      invoiceNumber: parsed.barcode.invoiceNumber,
      randomCode: parsed.barcode.randomCode,
      period: parsed.barcode.period,
    };
  }
  // A right code is `**` + item text; pasted alone it has no left code's head in front of it.
  if (trimmed.startsWith(RIGHT_QR_PREFIX) && !/(^|\s)[A-Za-z]{2}\d{8}[\x21-\x7E]{30,}/.test(trimmed))
    return { missing: 'left_qr', right: trimmed };
  return undefined;
}

/** The number and code a photographed proof printed, with the period and date if they were read. */
export function partialProofFromPrinted({
  invoiceNumber,
  randomCode,
  period,
  suggestedDate,
}: {
  invoiceNumber: string;
  randomCode: string;
  period?: string | null;
  suggestedDate?: string;
}): PartialProof | undefined {
  const number = invoiceNumber.toUpperCase();
  if (!isValidInvoiceNumber(number) || !isValidRandomCode(randomCode)) return undefined;
  const knownPeriod = period && isValidPeriod(period) ? period : null;
  const suggestion =
    suggestedDate &&
    isValidInvoiceDate(suggestedDate) &&
    (!knownPeriod || isDateInPeriod(suggestedDate, knownPeriod))
      ? suggestedDate
      : undefined;
  return {
    missing: 'invoice_date',
    from: 'photo',
    invoiceNumber: number,
    randomCode,
    period: knownPeriod,
    ...(suggestion ? { suggestedDate: suggestion } : {}),
  };
}

/** How far back the date picker goes when the proof gave no period: e-invoices count for two periods. */
export const DAYS_WITHOUT_PERIOD = 62;

/**
 * The days a member may pick as the purchase date: those of the proof's period up to today, or the last
 * `DAYS_WITHOUT_PERIOD` days. `today` is the brand's local date.
 */
export function purchaseDateRange(
  partial: Extract<PartialProof, { missing: 'invoice_date' }>,
  today: string,
): { min: string; max: string } | undefined {
  const range = partial.period ? periodDateRange(partial.period) : undefined;
  const min = range?.from ?? addDays(today, -(DAYS_WITHOUT_PERIOD - 1));
  const max = range && range.to < today ? range.to : today;
  return min <= max ? { min, max } : undefined;
}

/** The most recent `count` days of the range, newest first (the quick replies: LINE shows at most 13). */
export function recentDays(range: { min: string; max: string }, count: number): string[] {
  const days: string[] = [];
  for (let day = range.max; day >= range.min && days.length < count; day = addDays(day, -1)) days.push(day);
  return days;
}

export type DateAnswer =
  { ok: true; date: string } | { ok: false; reason: 'invoice_date.invalid' | 'invoice_date.outside_period' };

/**
 * A purchase date as the member answers the question: `2024-11-05`, `2024/11/5`, `113/11/05`,
 * `1131105`, `20241105`, or month and day only (`11/5`, `11月5日`: the year comes from the range). It
 * must fall inside the range offered. Undefined when the text is not a date at all.
 */
export function readDateAnswer(text: string, range: { min: string; max: string }): DateAnswer | undefined {
  const value = text.normalize('NFKC').trim();
  let date: string | undefined;
  let looksLikeDate = false;
  const full = /^(\d{2,4})\s*(?:年|[/.-])\s*(\d{1,2})\s*(?:月|[/.-])\s*(\d{1,2})\s*[日號号]?$/.exec(value);
  const compact = /^(\d{7}|\d{8})$/.exec(value);
  const monthDay = /^(\d{1,2})\s*(?:月|[/.-])\s*(\d{1,2})\s*[日號号]?$/.exec(value);
  if (full) {
    looksLikeDate = true;
    const year = yearFromTyped(full[1]!);
    date = year === undefined ? undefined : toIsoDate(year, Number(full[2]), Number(full[3]));
  } else if (compact) {
    looksLikeDate = true;
    const digits = compact[1]!;
    date =
      digits.length === 8
        ? toIsoDate(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), Number(digits.slice(6, 8)))
        : toIsoDate(
            Number(digits.slice(0, 3)) + 1911,
            Number(digits.slice(3, 5)),
            Number(digits.slice(5, 7)),
          );
  } else if (monthDay) {
    looksLikeDate = true;
    // The year of the range's end, or of its start when the range crosses new year (Dec → Jan).
    const candidates = [Number(range.max.slice(0, 4)), Number(range.min.slice(0, 4))].flatMap((year) => {
      const candidate = toIsoDate(year, Number(monthDay[1]), Number(monthDay[2]));
      return candidate ? [candidate] : [];
    });
    date = candidates.find((candidate) => candidate >= range.min && candidate <= range.max) ?? candidates[0];
  }
  if (!looksLikeDate) return undefined;
  if (!date) return { ok: false, reason: 'invoice_date.invalid' };
  if (date < range.min || date > range.max) return { ok: false, reason: 'invoice_date.outside_period' };
  return { ok: true, date };
}

/**
 * The proof text the parser takes once the date is known: the barcode with the date (its period is
 * checked again), or number, date and code as typed.
 */
export function completeWithDate(
  partial: Extract<PartialProof, { missing: 'invoice_date' }>,
  date: string,
): string {
  return partial.from === 'barcode' && partial.period
    ? `${partial.period}${partial.invoiceNumber}${partial.randomCode} ${date}`
    : `${partial.invoiceNumber} ${date} ${partial.randomCode}`;
}

function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** How many recent days a question offers as one-tap answers. */
export const OFFERED_DAYS = 10;

/**
 * What a form (the LIFF app) needs to ask for the rest of a proof: the days allowed, the recent ones to
 * offer, and `keep`, the proof text kept so far, which the form sends back with the answer appended
 * (`keep + ' ' + date`, or the left code + `'\n' + keep`). Undefined when no day can be picked.
 */
export type ProofQuestionForm =
  | {
      missing: 'invoice_date';
      invoiceNumber: string;
      min: string;
      max: string;
      days: string[];
      suggestedDate?: string;
      keep: string;
    }
  | { missing: 'left_qr'; keep: string };

export function proofQuestionForm(partial: PartialProof, today: string): ProofQuestionForm | undefined {
  if (partial.missing === 'left_qr') return { missing: 'left_qr', keep: partial.right };
  const range = purchaseDateRange(partial, today);
  if (!range) return undefined;
  return {
    missing: 'invoice_date',
    invoiceNumber: partial.invoiceNumber,
    min: range.min,
    max: range.max,
    days: recentDays(range, OFFERED_DAYS),
    ...(partial.suggestedDate ? { suggestedDate: partial.suggestedDate } : {}),
    keep:
      partial.from === 'barcode' && partial.period
        ? `${partial.period}${partial.invoiceNumber}${partial.randomCode}`
        : `${partial.invoiceNumber} ${partial.randomCode}`,
  };
}
