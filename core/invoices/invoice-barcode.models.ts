import { isValidPeriod } from './invoice-dates.models.js';
import { isValidInvoiceNumber, isValidRandomCode } from './invoice-number.models.js';
import type { BarcodeParseResult, ParseIssue } from './invoices.types.js';

/** Period `yyyMM` (5) + invoice number (10) + random code (4), Code 39. */
export const BARCODE_LENGTH = 19;

/**
 * Parses the proof's 19-character Code 39 barcode. Accepts the `*` start/stop characters a scanner may
 * keep, surrounding spaces, full-width characters and lower case. Never throws. The barcode carries no
 * date: a proof built from it needs the date from elsewhere (the MoF query asks for it).
 */
export function parseBarcode(input: string): BarcodeParseResult {
  if (typeof input !== 'string')
    return { ok: false, errors: [{ field: 'barcode', reason: 'barcode.invalid' }] };
  const value = input
    .normalize('NFKC')
    .trim()
    .replace(/^\*+|\*+$/g, '')
    .trim()
    .toUpperCase();
  if (value.length !== BARCODE_LENGTH)
    return { ok: false, errors: [{ field: 'barcode', reason: 'barcode.invalid' }] };
  const period = value.slice(0, 5);
  const invoiceNumber = value.slice(5, 15);
  const randomCode = value.slice(15, 19);
  const errors: ParseIssue[] = [];
  if (!isValidPeriod(period)) errors.push({ field: 'period', reason: 'period.invalid' });
  if (!isValidInvoiceNumber(invoiceNumber))
    errors.push({ field: 'invoiceNumber', reason: 'invoice_number.invalid' });
  if (!isValidRandomCode(randomCode)) errors.push({ field: 'randomCode', reason: 'random_code.invalid' });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, barcode: { period, invoiceNumber, randomCode } };
}
