import { isValidCarrierBarcode, isValidCarrierVerificationCode } from './carrier.models.js';
import { isDateInPeriod, periodOfDate, toIsoDate, yearFromTyped } from './invoice-dates.models.js';
import { parseBarcode } from './invoice-barcode.models.js';
import { parseEInvoiceQr, RIGHT_QR_PREFIX } from './invoice-qr.models.js';
import type {
  CarrierParseResult,
  InvoiceParseResult,
  ParsedInvoice,
  ParseIssue,
  ProofTextResult,
} from './invoices.types.js';

/** Options of the typed-text parsers. */
export type ProofTextOptions = {
  /**
   * Whether typed text must carry the 4-digit random code. The MoF detail query (our verification)
   * needs it; a paper-invoice flow that goes to manual review may not.
   * @default true
   */
  requireRandomCode?: boolean;
};

/**
 * The one entry point for free text from the chat or the LIFF form: a pasted QR payload (left, right or
 * both), the 19-character barcode with a date, typed `AB12345678 1131105 1234` in the many ways people
 * type it, or a mobile barcode carrier with its verification code. Ordinary chat text is `not_a_proof`;
 * a proof attempt that is wrong or incomplete is `invalid` with exactly what is wrong. Never throws.
 */
export function parseProofText(text: string, options: ProofTextOptions = {}): ProofTextResult {
  if (typeof text !== 'string') return { kind: 'not_a_proof' };
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') return { kind: 'not_a_proof' };

  const pasted = findPastedQrs(trimmed);
  if (pasted)
    return toProofResult(
      parseEInvoiceQr(pasted.left ?? pasted.right ?? '', pasted.left ? pasted.right : undefined),
    );

  const normalized = trimmed.normalize('NFKC');
  const barcode = parseBarcodeWithDate(normalized);
  if (barcode) return toProofResult(barcode);

  const invoice = scanTypedInvoice(normalized, options);
  if (invoice.attempt && invoice.hasNumber) return toProofResult(invoice.result);

  const carrier = scanCarrier(normalized);
  if (carrier)
    return carrier.ok
      ? { kind: 'carrier', carrier: carrier.carrier }
      : { kind: 'invalid', errors: carrier.errors };

  return invoice.attempt ? toProofResult(invoice.result) : { kind: 'not_a_proof' };
}

/** Typed invoice text only (no QR, barcode or carrier): the LIFF form's single text field uses it. */
export function parseInvoiceText(text: string, options: ProofTextOptions = {}): InvoiceParseResult {
  if (typeof text !== 'string')
    return { ok: false, errors: [{ field: 'invoiceNumber', reason: 'invoice_number.missing' }] };
  const scanned = scanTypedInvoice(text.normalize('NFKC'), options);
  if (scanned.attempt) return scanned.result;
  return { ok: false, errors: missingEverything(options) };
}

/** A mobile barcode carrier with its verification code and optional date range, as typed. */
export function parseCarrierText(text: string): CarrierParseResult {
  if (typeof text !== 'string')
    return { ok: false, errors: [{ field: 'carrierBarcode', reason: 'carrier_barcode.invalid' }] };
  return (
    scanCarrier(text.normalize('NFKC')) ?? {
      ok: false,
      errors: [{ field: 'carrierBarcode', reason: 'carrier_barcode.invalid' }],
    }
  );
}

function toProofResult(result: InvoiceParseResult): ProofTextResult {
  return result.ok
    ? { kind: 'einvoice', invoice: result.invoice, warnings: result.warnings }
    : { kind: 'invalid', errors: result.errors };
}

function missingEverything(options: ProofTextOptions): ParseIssue[] {
  const errors: ParseIssue[] = [
    { field: 'invoiceNumber', reason: 'invoice_number.missing' },
    { field: 'invoiceDate', reason: 'invoice_date.missing' },
  ];
  if (options.requireRandomCode !== false)
    errors.push({ field: 'randomCode', reason: 'random_code.missing' });
  return errors;
}

/**
 * A QR payload pasted as text: a left code (a token starting with number + digits, no spaces) and/or a
 * right code (`**…` after white space or at the start). Item names may hold spaces, so the split is at
 * white space followed by `**` — the seller area `:**********` follows a colon, never a space.
 */
function findPastedQrs(text: string): { left?: string; right?: string } | undefined {
  const leftStart = findLeftQrStart(text);
  const rightMatch = /(^|\s)\*\*/.exec(text.slice(leftStart ?? 0));
  let right: string | undefined;
  let rightStart: number | undefined;
  if (rightMatch) {
    rightStart = (leftStart ?? 0) + rightMatch.index + rightMatch[1]!.length;
    if (leftStart === undefined || rightStart > leftStart) right = text.slice(rightStart).trim();
  }
  if (leftStart === undefined) {
    const startsRight = text.startsWith(RIGHT_QR_PREFIX) && (text === RIGHT_QR_PREFIX || text.includes(':'));
    return startsRight ? { right: text } : undefined;
  }
  // A right code pasted first, then the left one.
  if (leftStart > 0 && text.startsWith(RIGHT_QR_PREFIX)) right = text.slice(0, leftStart).trim();
  const leftEnd =
    right !== undefined && rightStart !== undefined && rightStart > leftStart ? rightStart : text.length;
  return { left: text.slice(leftStart, leftEnd).trim(), right };
}

/** Start of a token that looks like a left QR: 2 letters + 8 digits + at least 30 more printable ASCII characters. */
function findLeftQrStart(text: string): number | undefined {
  const match = /(^|\s)[A-Za-z]{2}\d{8}[\x21-\x7E]{30,}/.exec(text);
  return match ? match.index + match[1]!.length : undefined;
}

function parseBarcodeWithDate(text: string): InvoiceParseResult | undefined {
  const match = /(?<![0-9A-Za-z])\*?(\d{5}[A-Za-z]{2}\d{12})\*?(?![0-9A-Za-z])/.exec(text);
  if (!match) return undefined;
  const parsed = parseBarcode(match[1]!);
  if (!parsed.ok) return { ok: false, errors: parsed.errors };
  const rest = mask(text, match.index, match.index + match[0].length);
  const dates = findDates(rest);
  const date = pickInvoiceDate(dates);
  if (!date.ok) return { ok: false, errors: [date.error] };
  if (!isDateInPeriod(date.value, parsed.barcode.period))
    return { ok: false, errors: [{ field: 'invoiceDate', reason: 'invoice_date.outside_period' }] };
  return {
    ok: true,
    warnings: [],
    invoice: blankInvoice({
      invoiceNumber: parsed.barcode.invoiceNumber,
      invoiceDate: date.value,
      randomCode: parsed.barcode.randomCode,
      source: 'barcode',
    }),
  };
}

type TypedScan = { attempt: false } | { attempt: true; hasNumber: boolean; result: InvoiceParseResult };

const NUMBER_SEPARATORS = '[-‐‑‒–—_.]';
const EXACT_NUMBER = new RegExp(
  `(?<![A-Za-z0-9/])([A-Za-z]{2})(${NUMBER_SEPARATORS}|\\s)?(\\d{8})(?!\\d)`,
  'g',
);
const NEAR_NUMBER = new RegExp(
  `(?<![A-Za-z0-9/])([A-Za-z]{1,3})(${NUMBER_SEPARATORS}|\\s)?(\\d{5,10})(?!\\d)`,
  'g',
);
const RANDOM_CODE_LABEL =
  /(?<![A-Za-z])(?:隨機碼|随机码|隨機|随机|檢查碼|random\s*code|random|rand|code)\s*[:：=]?\s*(\d+)/i;

/** Number, ROC date and random code typed without spaces (`AB1234567811311051234`), as on the QR's first 21 characters. */
const GLUED = /(?<![A-Za-z0-9/])([A-Za-z]{2})-?(\d{8})(\d{7})(\d{4})?(?![0-9A-Za-z])/g;

function scanTypedInvoice(text: string, options: ProofTextOptions): TypedScan {
  const errors: ParseIssue[] = [];
  let working = text.replace(GLUED, (_all, letters: string, digits: string, date: string, code?: string) =>
    [`${letters}${digits}`, date, code ?? ''].join(' '),
  );

  const numbers = matchAll(EXACT_NUMBER, working).filter((match) => acceptSeparator(match[1]!, match[2]));
  const distinctNumbers = [...new Set(numbers.map((match) => `${match[1]!.toUpperCase()}${match[3]!}`))];
  for (const match of numbers) working = mask(working, match.index, match.index + match[0].length);
  let nearMiss = false;
  if (numbers.length === 0) {
    const near = matchAll(NEAR_NUMBER, working).filter((match) => acceptSeparator(match[1]!, match[2]));
    nearMiss = near.length > 0;
    for (const match of near) working = mask(working, match.index, match.index + match[0].length);
  }

  const dates = findDates(working);
  for (const date of dates) working = mask(working, date.start, date.end);
  const codes = findRandomCodes(working);

  const hasNumber = numbers.length > 0 || nearMiss;
  if (!hasNumber && !(dates.length > 0 && codes.candidates.length > 0)) return { attempt: false };

  if (distinctNumbers.length > 1) errors.push({ field: 'invoiceNumber', reason: 'invoice_number.ambiguous' });
  else if (nearMiss) errors.push({ field: 'invoiceNumber', reason: 'invoice_number.invalid' });
  else if (distinctNumbers.length === 0)
    errors.push({ field: 'invoiceNumber', reason: 'invoice_number.missing' });

  const date = pickInvoiceDate(dates);
  if (!date.ok) errors.push(date.error);

  const requireRandomCode = options.requireRandomCode !== false;
  let randomCode: string | null = null;
  if (codes.error && (requireRandomCode || codes.error.reason !== 'random_code.missing'))
    errors.push(codes.error);
  else if (codes.value) randomCode = codes.value;

  if (errors.length > 0 || !date.ok) return { attempt: true, hasNumber, result: { ok: false, errors } };
  return {
    attempt: true,
    hasNumber,
    result: {
      ok: true,
      warnings: [],
      invoice: blankInvoice({
        invoiceNumber: distinctNumbers[0]!,
        invoiceDate: date.value,
        randomCode,
        source: 'text',
      }),
    },
  };
}

/** A space between track letters and digits only counts when the letters were typed in upper case (`AB 12345678`, not `my 12345678`). */
function acceptSeparator(letters: string, separator: string | undefined): boolean {
  if (separator === undefined || !/\s/.test(separator)) return true;
  return letters === letters.toUpperCase();
}

function findRandomCodes(text: string): { value?: string; error?: ParseIssue; candidates: string[] } {
  const labeled = RANDOM_CODE_LABEL.exec(text);
  const candidates = matchAll(/(?<![0-9A-Za-z])\d{4}(?![0-9A-Za-z])/g, text).map((match) => match[0]);
  if (labeled) {
    const digits = labeled[1]!;
    return digits.length === 4
      ? { value: digits, candidates: [digits] }
      : { error: { field: 'randomCode', reason: 'random_code.invalid' }, candidates: [digits] };
  }
  const distinct = [...new Set(candidates)];
  if (distinct.length === 1) return { value: distinct[0], candidates };
  if (distinct.length > 1)
    return { error: { field: 'randomCode', reason: 'random_code.ambiguous' }, candidates };
  // A standalone run of 3 or 5–6 digits is most likely a mistyped random code.
  const nearCodes = matchAll(/(?<![0-9A-Za-z])\d{3}(?:\d{2,3})?(?![0-9A-Za-z])/g, text);
  if (nearCodes.length > 0)
    return { error: { field: 'randomCode', reason: 'random_code.invalid' }, candidates };
  return { error: { field: 'randomCode', reason: 'random_code.missing' }, candidates };
}

type DateCandidate = { start: number; end: number; value?: string };

/**
 * Dates as typed: `113/11/05`, `113年11月5日`, `2024-11-05`, `2024.11.05`, and compact `1131105` (ROC,
 * as in the QR) or `20241105`. Two- and three-digit years are ROC, four-digit years Gregorian. An
 * 8-digit run that does not start like a year (19/20/21) is not taken as a date (it may be a business ID).
 */
function findDates(text: string): DateCandidate[] {
  const found: DateCandidate[] = [];
  const separated =
    /(?<!\d)(\d{2,4})\s*(?:年|[/.-])\s*(\d{1,2})\s*(?:月|[/.-])\s*(\d{1,2})(?:\s*[日號号])?(?!\d)(?!\s*月)/g;
  let working = text;
  for (const match of matchAll(separated, text)) {
    const year = yearFromTyped(match[1]!);
    const value = year === undefined ? undefined : toIsoDate(year, Number(match[2]), Number(match[3]));
    found.push({ start: match.index, end: match.index + match[0].length, value });
    working = mask(working, match.index, match.index + match[0].length);
  }
  // `113 11 05` / `2024 11 5`: only taken when it makes a real date, since spaces also separate the
  // random code from the rest.
  for (const match of matchAll(
    /(?<![0-9A-Za-z])(\d{3}|\d{4}) (\d{1,2}) (\d{1,2})(?![0-9A-Za-z])/g,
    working,
  )) {
    const year = yearFromTyped(match[1]!);
    const value = year === undefined ? undefined : toIsoDate(year, Number(match[2]), Number(match[3]));
    if (!value) continue;
    found.push({ start: match.index, end: match.index + match[0].length, value });
    working = mask(working, match.index, match.index + match[0].length);
  }
  for (const match of matchAll(/(?<![0-9A-Za-z])(\d{7}|\d{8})(?![0-9A-Za-z])/g, working)) {
    const digits = match[1]!;
    let value: string | undefined;
    if (digits.length === 8) {
      if (!/^(19|20|21)/.test(digits)) continue;
      value = toIsoDate(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), Number(digits.slice(6, 8)));
    } else {
      value = toIsoDate(
        Number(digits.slice(0, 3)) + 1911,
        Number(digits.slice(3, 5)),
        Number(digits.slice(5, 7)),
      );
    }
    found.push({ start: match.index, end: match.index + match[0].length, value });
  }
  return found.sort((a, b) => a.start - b.start);
}

function pickInvoiceDate(
  dates: DateCandidate[],
): { ok: true; value: string } | { ok: false; error: ParseIssue } {
  const valid = [...new Set(dates.flatMap((date) => (date.value ? [date.value] : [])))];
  if (valid.length === 1) return { ok: true, value: valid[0]! };
  if (valid.length > 1)
    return { ok: false, error: { field: 'invoiceDate', reason: 'invoice_date.ambiguous' } };
  if (dates.length > 0) return { ok: false, error: { field: 'invoiceDate', reason: 'invoice_date.invalid' } };
  return { ok: false, error: { field: 'invoiceDate', reason: 'invoice_date.missing' } };
}

const CARRIER_TOKEN = /(?<![0-9A-Za-z/])\/([0-9A-Za-z.+-]{7})(?![0-9A-Za-z.+-])/;
const CARRIER_NEAR = /(?<![0-9A-Za-z/])\/([0-9A-Za-z.+-]{4,12})(?![0-9A-Za-z.+-])/;
const VERIFICATION_LABEL =
  /(?<![A-Za-z])(?:驗證碼|验证码|驗證|验证|verification\s*code|verification|verify|code|pin)\s*[:：=]?\s*([0-9A-Za-z]+)/i;
const NOT_A_CODE = new Set([
  'my',
  'the',
  'is',
  'and',
  'from',
  'to',
  'until',
  'till',
  'date',
  'dates',
  'carrier',
  'barcode',
  'mobile',
  'code',
  'verification',
  'please',
  'check',
  'here',
]);

/**
 * A mobile barcode carrier as typed: `/ABC+123 abcd1234 2024/11/01-2024/11/30`. A `/word` made only of
 * lower-case letters (`/points`, `/balance`) is a chat command, not a carrier.
 */
function scanCarrier(text: string): CarrierParseResult | undefined {
  const exact = CARRIER_TOKEN.exec(text);
  const isCarrierLike = (token: string) => /[0-9.+-]/.test(token) || token === token.toUpperCase();
  if (!exact || !isCarrierLike(exact[1]!)) {
    const near = CARRIER_NEAR.exec(text);
    if (near && /\d/.test(near[1]!) && near[1]!.length !== 7)
      return { ok: false, errors: [{ field: 'carrierBarcode', reason: 'carrier_barcode.invalid' }] };
    return undefined;
  }
  const barcode = `/${exact[1]!.toUpperCase()}`;
  if (!isValidCarrierBarcode(barcode))
    return { ok: false, errors: [{ field: 'carrierBarcode', reason: 'carrier_barcode.invalid' }] };
  const errors: ParseIssue[] = [];
  let working = mask(text, exact.index, exact.index + exact[0].length);

  const dates = findDates(working);
  for (const date of dates) working = mask(working, date.start, date.end);
  let dateFrom: string | undefined;
  let dateTo: string | undefined;
  if (dates.some((date) => !date.value) || dates.length > 2)
    errors.push({ field: 'dateRange', reason: 'date_range.invalid' });
  else if (dates.length === 1) errors.push({ field: 'dateRange', reason: 'date_range.incomplete' });
  else if (dates.length === 2) {
    [dateFrom, dateTo] = [dates[0]!.value!, dates[1]!.value!];
    if (dateFrom > dateTo) errors.push({ field: 'dateRange', reason: 'date_range.reversed' });
  }

  let verificationCode: string | undefined;
  const labeled = VERIFICATION_LABEL.exec(working);
  if (labeled && !NOT_A_CODE.has(labeled[1]!.toLowerCase())) {
    if (isValidCarrierVerificationCode(labeled[1]!)) verificationCode = labeled[1]!;
    else errors.push({ field: 'verificationCode', reason: 'verification_code.invalid' });
  } else {
    const tokens = matchAll(/(?<![0-9A-Za-z])[0-9A-Za-z]+(?![0-9A-Za-z])/g, working)
      .map((match) => match[0])
      .filter((token) => !NOT_A_CODE.has(token.toLowerCase()));
    const candidate =
      tokens.find((token) => /\d/.test(token)) ?? (tokens.length === 1 ? tokens[0] : undefined);
    if (candidate === undefined)
      errors.push({ field: 'verificationCode', reason: 'verification_code.missing' });
    else if (isValidCarrierVerificationCode(candidate)) verificationCode = candidate;
    else errors.push({ field: 'verificationCode', reason: 'verification_code.invalid' });
  }

  if (errors.length > 0 || !verificationCode) return { ok: false, errors };
  return {
    ok: true,
    carrier: { barcode, verificationCode, ...(dateFrom && dateTo ? { dateFrom, dateTo } : {}) },
  };
}

function blankInvoice(fields: {
  invoiceNumber: string;
  invoiceDate: string;
  randomCode: string | null;
  source: ParsedInvoice['source'];
}): ParsedInvoice {
  return {
    invoiceNumber: fields.invoiceNumber,
    invoiceDate: fields.invoiceDate,
    randomCode: fields.randomCode,
    period: periodOfDate(fields.invoiceDate),
    salesAmount: null,
    totalAmount: null,
    buyerBan: null,
    sellerBan: null,
    encrypt: null,
    items: [],
    itemsComplete: false,
    source: fields.source,
  };
}

function matchAll(pattern: RegExp, text: string): RegExpExecArray[] {
  const global = pattern.global ? pattern : new RegExp(pattern.source, `${pattern.flags}g`);
  global.lastIndex = 0;
  const matches: RegExpExecArray[] = [];
  let match: RegExpExecArray | null;
  while ((match = global.exec(text)) !== null) {
    matches.push(match);
    if (match[0].length === 0) global.lastIndex++;
  }
  return matches;
}

/** Blanks a span with spaces so later scans skip it while indices stay put. */
function mask(text: string, start: number, end: number): string {
  return text.slice(0, start) + ' '.repeat(end - start) + text.slice(end);
}
