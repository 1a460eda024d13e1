/**
 * Dates and bimonthly periods of Taiwan invoices. Proofs print the ROC (Minguo) calendar, year =
 * Gregorian − 1911; everything we store is Gregorian ISO `yyyy-mm-dd`.
 */

export const ROC_YEAR_OFFSET = 1911;

/**
 * Dates outside this window are not invoice dates (e-invoices began in the 2000s); it also keeps a stray
 * 7- or 8-digit number from being read as a date. Gregorian, inclusive.
 */
export const EARLIEST_INVOICE_YEAR = 2000;
export const LATEST_INVOICE_YEAR = 2110;

/** Returns `yyyy-mm-dd` when the parts make a real calendar date inside the invoice-year window. */
export function toIsoDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return undefined;
  if (year < EARLIEST_INVOICE_YEAR || year > LATEST_INVOICE_YEAR) return undefined;
  if (month < 1 || month > 12 || day < 1) return undefined;
  if (day > daysInMonth(year, month)) return undefined;
  return `${year}-${pad(month, 2)}-${pad(day, 2)}`;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** `1131105` (ROC `yyyMMdd`, as in the QR) → `2024-11-05`; undefined when not a real date. */
export function parseRocCompactDate(value: string): string | undefined {
  if (!/^\d{7}$/.test(value)) return undefined;
  return toIsoDate(
    Number(value.slice(0, 3)) + ROC_YEAR_OFFSET,
    Number(value.slice(3, 5)),
    Number(value.slice(5, 7)),
  );
}

/** `2024-11-05` → `1131105`. */
export function toRocCompactDate(isoDate: string): string {
  const { year, month, day } = splitIsoDate(isoDate);
  return `${pad(year - ROC_YEAR_OFFSET, 3)}${pad(month, 2)}${pad(day, 2)}`;
}

/** True for a real `yyyy-mm-dd` date inside the invoice-year window. */
export function isValidInvoiceDate(isoDate: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) return false;
  return toIsoDate(Number(match[1]), Number(match[2]), Number(match[3])) === isoDate;
}

/** The period code `yyyMM` (ROC year + the even month closing the bimonthly period) of a date. */
export function periodOfDate(isoDate: string): string {
  const { year, month } = splitIsoDate(isoDate);
  const evenMonth = Math.ceil(month / 2) * 2;
  return `${pad(year - ROC_YEAR_OFFSET, 3)}${pad(evenMonth, 2)}`;
}

/** True for `yyyMM` with an even month (02–12) whose dates fall inside the invoice-year window. */
export function isValidPeriod(period: string): boolean {
  const match = /^(\d{3})(\d{2})$/.exec(period);
  if (!match) return false;
  const month = Number(match[2]);
  const year = Number(match[1]) + ROC_YEAR_OFFSET;
  return (
    month >= 2 &&
    month <= 12 &&
    month % 2 === 0 &&
    year >= EARLIEST_INVOICE_YEAR &&
    year <= LATEST_INVOICE_YEAR
  );
}

/** First and last Gregorian day of a period (`11312` → 2024-11-01 … 2024-12-31); undefined if invalid. */
export function periodDateRange(period: string): { from: string; to: string } | undefined {
  if (!isValidPeriod(period)) return undefined;
  const year = Number(period.slice(0, 3)) + ROC_YEAR_OFFSET;
  const evenMonth = Number(period.slice(3, 5));
  return {
    from: `${year}-${pad(evenMonth - 1, 2)}-01`,
    to: `${year}-${pad(evenMonth, 2)}-${pad(daysInMonth(year, evenMonth), 2)}`,
  };
}

export function isDateInPeriod(isoDate: string, period: string): boolean {
  return isValidInvoiceDate(isoDate) && isValidPeriod(period) && periodOfDate(isoDate) === period;
}

/**
 * A year as people type it: 4 digits are Gregorian, 2–3 digits are ROC (`113` → 2024, `99` → 2010).
 * Undefined for anything else.
 */
export function yearFromTyped(digits: string): number | undefined {
  if (/^\d{4}$/.test(digits)) return Number(digits);
  if (/^\d{2,3}$/.test(digits)) return Number(digits) + ROC_YEAR_OFFSET;
  return undefined;
}

function splitIsoDate(isoDate: string): { year: number; month: number; day: number } {
  return {
    year: Number(isoDate.slice(0, 4)),
    month: Number(isoDate.slice(5, 7)),
    day: Number(isoDate.slice(8, 10)),
  };
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
