import { isDateInPeriod, isValidPeriod, toIsoDate } from './invoice-dates.models.js';
import { isValidInvoiceNumber, isValidRandomCode } from './invoice-number.models.js';
import { partialProofFromPrinted, type PartialProof } from './partial-proof.models.js';
import { parseProofText } from './proof-text.models.js';
import type { ParsedInvoice } from './invoices.types.js';

/** What an e-invoice proof prints as text, beside its codes: the keys of the MoF detail query. */
export type PrintedProofKeys = {
  invoiceNumber: string;
  randomCode: string;
  /** `yyyMM` from the `113年11-12月` heading, when read. */
  period?: string;
  /** The printed purchase date, when read. */
  date?: string;
};

const NUMBER = /(?<![A-Z0-9])([A-Z]{2})\s?[-‐–—]?\s?(\d{8})(?!\d)/;
const RANDOM_CODE = /(?:隨機碼|随机码|隨機|随机|RANDOM(?:\s*CODE)?)\s*[:：]?\s*(\d{4})(?!\d)/i;
const PERIOD = /(\d{3})\s*年\s*(\d{1,2})\s*[-－~～‐–—]\s*(\d{1,2})\s*月/;
const DATE = /(?<!\d)(20\d{2})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?!\d)/;

/**
 * Pure: the invoice number, random code, period and date printed on an e-invoice proof, from OCR text
 * lines. Number and random code must both be there (they are what proves possession); the first line
 * of each kind wins, as the proof prints each once near the top.
 */
export function findPrintedProofKeys(lines: string[]): PrintedProofKeys | undefined {
  let invoiceNumber: string | undefined;
  let randomCode: string | undefined;
  let period: string | undefined;
  let date: string | undefined;
  for (const raw of lines) {
    const line = raw.normalize('NFKC');
    const upper = line.toUpperCase();
    if (!randomCode) {
      const code = RANDOM_CODE.exec(line);
      if (code && isValidRandomCode(code[1]!)) randomCode = code[1];
    }
    if (!invoiceNumber) {
      const number = NUMBER.exec(upper);
      if (number && isValidInvoiceNumber(`${number[1]}${number[2]}`))
        invoiceNumber = `${number[1]}${number[2]}`;
    }
    if (!period) {
      const match = PERIOD.exec(line);
      if (match && Number(match[3]) === Number(match[2]) + 1) {
        const candidate = `${match[1]}${match[3]!.padStart(2, '0')}`;
        if (isValidPeriod(candidate)) period = candidate;
      }
    }
    if (!date) {
      const match = DATE.exec(line);
      const value = match ? toIsoDate(Number(match[1]), Number(match[2]), Number(match[3])) : undefined;
      if (value) date = value;
    }
  }
  if (!invoiceNumber || !randomCode) return undefined;
  return { invoiceNumber, randomCode, ...(period ? { period } : {}), ...(date ? { date } : {}) };
}

/**
 * The proof the printed keys make: an e-invoice to verify when the date is sure (it falls inside the
 * printed period: two readings agree), else part of one, with the date read offered to the member.
 */
export function proofFromPrintedKeys(
  keys: PrintedProofKeys,
): { kind: 'einvoice'; invoice: ParsedInvoice } | { kind: 'partial'; partial: PartialProof } | undefined {
  if (keys.date && keys.period && isDateInPeriod(keys.date, keys.period)) {
    const parsed = parseProofText(`${keys.invoiceNumber} ${keys.date} ${keys.randomCode}`);
    if (parsed.kind === 'einvoice') return { kind: 'einvoice', invoice: parsed.invoice };
  }
  const partial = partialProofFromPrinted({
    invoiceNumber: keys.invoiceNumber,
    randomCode: keys.randomCode,
    period: keys.period ?? null,
    ...(keys.date ? { suggestedDate: keys.date } : {}),
  });
  return partial ? { kind: 'partial', partial } : undefined;
}
