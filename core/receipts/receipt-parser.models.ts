import { isValidBusinessId } from '../invoices/index.js';
import { findAmounts } from './receipt-amounts.models.js';
import { findDates, findTimes } from './receipt-dates.models.js';
import { round2, toLines, type Line, type ReceiptLineInput } from './receipt-lines.models.js';
import { findStore } from './receipt-store.models.js';
import { findMoney } from './receipt-total.models.js';
import type { ParsedReceipt, ReceiptCurrency, ReceiptFieldName } from './receipts.types.js';

export type { ReceiptLineInput } from './receipt-lines.models.js';
export { totalLabelLacksAmount } from './receipt-total.models.js';

export type ReceiptParseOptions = {
  /** Used to bound plausible purchase dates. @default now */
  now?: Date;
};

const THAI = /[\u0E00-\u0E7F]/;
const CJK = /[\u3400-\u9FFF]/;

export function detectScript(lines: Line[]): { thai: boolean; chinese: boolean } {
  let thai = 0;
  let chinese = 0;
  for (const line of lines) {
    for (const char of line.text) {
      if (THAI.test(char)) thai++;
      else if (CJK.test(char)) chinese++;
    }
  }
  return { thai: thai > 10 && thai >= chinese, chinese: chinese > 4 && chinese > thai };
}

function detectCurrency(lines: Line[], script: { thai: boolean; chinese: boolean }): ReceiptCurrency {
  const all = lines.map((line) => line.upper).join('\n');
  if (/฿|บาท|\bTHB\b/.test(all) || script.thai) return 'THB';
  if (/NT\$|新台幣|TWD|元/.test(all) || script.chinese) return 'TWD';
  if (/\bRM\b|\bMYR\b|SDN\.?\s?BHD|\bGST\b/.test(all)) return 'MYR';
  return 'UNKNOWN';
}

/**
 * Parses OCR rows into a structured receipt. Pure: every field comes with a confidence (0..1) and the
 * overall confidence is what decides automatic acceptance.
 */
export function parseReceiptText(
  input: ReceiptLineInput[],
  options: ReceiptParseOptions = {},
): ParsedReceipt {
  const lines = toLines(input);
  const script = detectScript(lines);
  const currency = detectCurrency(lines, script);
  const now = options.now ?? new Date();
  const confidence: Partial<Record<ReceiptFieldName, number>> = {};
  const fields: ParsedReceipt['fields'] = { items: [] };

  // A Taiwan uniform-invoice number is printed on Taiwanese receipts only: on a Malaysian or Thai one the
  // same shape is the shop's own bill number ("CS00012441"), which would make it a paper invoice whose
  // seller BAN is missing, and ask for an OCR pass that cannot find one.
  const invoiceNumber = currency === 'MYR' || currency === 'THB' ? undefined : findTaiwanInvoiceNumber(lines);
  if (invoiceNumber) {
    fields.invoiceNumber = invoiceNumber.value;
    confidence.invoiceNumber = invoiceNumber.confidence;
  }

  const tax = findTaxId(lines, script);
  if (tax) {
    fields.taxId = tax.value;
    fields.taxIdKind = tax.kind;
    confidence.taxId = tax.confidence;
  }

  const dateTime = findPurchaseDate(lines, script, now);
  if (dateTime.date) {
    fields.date = dateTime.date.value;
    confidence.date = dateTime.date.confidence;
  }
  if (dateTime.time) {
    fields.time = dateTime.time.value;
    confidence.time = dateTime.time.confidence;
  }

  const store = findStore(lines, script);
  if (store.name) {
    fields.storeName = store.name.value;
    confidence.storeName = store.name.confidence;
  }
  if (store.branch) {
    fields.branch = store.branch.value;
    confidence.branch = store.branch.confidence;
  }
  if (store.address) {
    fields.address = store.address.value;
    confidence.address = store.address.confidence;
  }

  const money = findMoney(lines, script);
  fields.items = money.items;
  if (money.total) {
    fields.totalMinor = money.total.minor;
    if (money.total.readAs !== undefined) fields.totalReadAs = money.total.readAs;
    if (money.total.contradictedBy !== undefined) fields.totalContradictedBy = money.total.contradictedBy;
    confidence.totalAmount = money.total.confidence;
  }
  if (money.subtotal !== undefined) fields.subtotalMinor = money.subtotal;
  if (money.vat !== undefined) {
    fields.vatMinor = money.vat;
    confidence.vatAmount = money.total?.checks.subtotalPlusTax ? 0.9 : 0.6;
  }
  // Item names decide campaign products: sure only when the amounts add up to the total and OCR was sure
  // of every item row (a bent name with right amounts is the misread that must not refuse a proof). An amount
  // repaired from the total makes the sum agree by construction: it backs nothing then.
  if (money.items.length > 0) {
    const sumBacksTotal = money.total?.checks.itemsSum && !money.items.some((item) => item.repaired);
    confidence.items = round2(
      (sumBacksTotal ? 0.92 : 0.5) * Math.min(1, (money.items.lowestConfidence ?? 0.9) + 0.05),
    );
  }

  const overall = overallConfidence(confidence, Boolean(fields.invoiceNumber));
  return {
    kind: fields.invoiceNumber ? 'paper-invoice' : 'receipt',
    currency,
    fields,
    confidence: { ...confidence, overall },
    checks: money.total?.checks ?? { itemsSum: false, subtotalPlusTax: false, cashMinusChange: false },
  };
}

/** The fields a proof needs, weighted: a purchase without its total or date is not a usable proof. */
function overallConfidence(confidence: Partial<Record<ReceiptFieldName, number>>, isInvoice: boolean) {
  const needed: ReceiptFieldName[] = isInvoice
    ? ['invoiceNumber', 'date', 'totalAmount', 'taxId']
    : ['date', 'totalAmount', 'storeName'];
  const values = needed.map((field) => confidence[field] ?? 0);
  const min = Math.min(...values);
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return round2(0.6 * min + 0.4 * mean);
}

function findTaiwanInvoiceNumber(lines: Line[]) {
  for (const line of lines.slice(0, 12)) {
    const match = /(?<![A-Z0-9])([A-Z]{2})\s?-?\s?(\d{8})(?!\d)/.exec(line.upper.replace(/\s+(?=\d)/g, ''));
    if (match) return { value: `${match[1]}${match[2]}`, confidence: round2(0.9 * line.confidence + 0.05) };
  }
  return undefined;
}

/** Thai personal/company tax ID check digit (mod 11 over weights 13..2). */
export function isValidThaiTaxId(value: string): boolean {
  if (!/^\d{13}$/.test(value)) return false;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(value[i]) * (13 - i);
  return (11 - (sum % 11)) % 10 === Number(value[12]);
}

/**
 * A Malaysian GST registration number: 12 digits, the first two 0 (`000849813504`). It carries no check digit,
 * so a misread digit is another number — one a brand's known sellers (`saveKnownSeller`) hold only by chance.
 */
export function isMalaysianGstId(value: string): boolean {
  return /^00\d{10}$/.test(value);
}

/** The label of a Malaysian GST number as printed and as OCR bends it: `GST ID`, `GSTID No`, `GST REG N0`, `GST 1D`. */
const MALAYSIAN_GST_LABEL = /\bGST\s?(?:ID|1D|IO|REG|N[O0]|REGISTRATION|REF)/i;

/** A Malaysian GST number's confidence at best: under AUTO_REJECT_MIN_CONFIDENCE (0.9). */
export const MALAYSIAN_GST_MAX_CONFIDENCE = 0.85;

function findTaxId(lines: Line[], script: { thai: boolean; chinese: boolean }) {
  for (const line of lines) {
    const digits = line.text.replace(/(?<=\d)[\s-](?=\d)/g, '');
    const labelled = /ผู้เสียภาษี|ผู้เสีย|TAX\s?ID|เลขประจำตัว|เลขประจําตัว|統一編號|統編|賣方|BAN/i.test(line.compact);
    const thai = /(?<!\d)(\d{13})(?!\d)/.exec(digits);
    if (thai && (labelled || script.thai)) {
      const valid = isValidThaiTaxId(thai[1]!);
      return {
        value: thai[1]!,
        kind: 'th' as const,
        confidence: round2((valid ? 0.95 : labelled ? 0.75 : 0.5) * Math.min(1, line.confidence + 0.1)),
      };
    }
    const taiwan = /(?<!\d)(\d{8})(?!\d)/.exec(digits);
    if (taiwan && labelled && (script.chinese || /統/.test(line.compact))) {
      const valid = isValidBusinessId(taiwan[1]!);
      return {
        value: taiwan[1]!,
        kind: 'tw' as const,
        confidence: round2((valid ? 0.95 : 0.6) * Math.min(1, line.confidence + 0.1)),
      };
    }
    // A Malaysian seller's GST number, on its label's row: `GST ID: 000849813504`, `(GST Reg No. 001492992000)`.
    const malaysian = /(?<!\d)(\d{12})(?!\d)/.exec(digits.replace(/(?<=\d)O|O(?=\d)/g, '0'));
    if (
      malaysian &&
      !script.thai &&
      !script.chinese &&
      MALAYSIAN_GST_LABEL.test(line.compact.replace(/\s+/g, ' ')) &&
      isMalaysianGstId(malaysian[1]!)
    )
      return {
        value: malaysian[1]!,
        kind: 'my' as const,
        // No check digit vouches for it: never sure enough on its own to refuse on the stores rule or to key a
        // known seller at the others' 0.9 (review F6); a brand's known seller confirms it (`applyKnownSeller`).
        confidence: round2(MALAYSIAN_GST_MAX_CONFIDENCE * Math.min(1, line.confidence + 0.1)),
      };
  }
  return undefined;
}

function findPurchaseDate(lines: Line[], script: { thai: boolean; chinese: boolean }, now: Date) {
  const maxYear = now.getUTCFullYear() + 1;
  type Found = { value: string; confidence: number; score: number; lineIndex: number; end: number };
  const dates: Found[] = [];
  lines.forEach((line, position) => {
    // A TW paper invoice prints its bimonthly period ("113年07-08月") above the date: not a date.
    if (/\d+\s*年\s*\d{1,2}\s*[-~]\s*\d{1,2}\s*月/.test(line.compact)) return;
    for (const candidate of findDates(line.text, {
      thai: script.thai,
      maxYear,
      recentYear: now.getUTCFullYear(),
    })) {
      let score = candidate.confidence;
      if (/DATE|TARIKH|วันที่|วันที|日期|時間|TIME/i.test(line.compact)) score += 0.3;
      if (/EXP|VALID|BEFORE|DUE|PRINTED|REPRINT/i.test(line.upper)) score -= 0.3;
      score -= position / (lines.length * 10);
      dates.push({
        value: candidate.date,
        confidence: candidate.confidence,
        score,
        lineIndex: position,
        end: candidate.index + candidate.length,
      });
    }
  });
  // A date printed twice (order time and print time, header and footer) is the one the receipt is about.
  const counts = new Map<string, number>();
  for (const found of dates) counts.set(found.value, (counts.get(found.value) ?? 0) + 1);
  for (const found of dates) found.score += 0.15 * Math.min(2, counts.get(found.value)! - 1);
  dates.sort((a, b) => b.score - a.score);
  const best = dates[0];
  let time: { value: string; confidence: number } | undefined;
  if (best) {
    const line = lines[best.lineIndex]!;
    const sameLine = findTimes(line.text).find((t) => t.index >= best.end - 1) ?? findTimes(line.text)[0];
    if (sameLine) time = { value: sameLine.time, confidence: round2(0.9 * line.confidence + 0.05) };
  }
  if (!time) {
    for (const line of lines) {
      const found = findTimes(line.text)[0];
      if (found && !findAmounts(line.text).some((a) => a.hasDecimals && a.index === found.index)) {
        time = { value: found.time, confidence: round2(0.6 * line.confidence) };
        break;
      }
    }
  }
  // Several lines agreeing on one date (printed twice) is stronger evidence.
  const agreeing = best ? dates.filter((d) => d.value === best.value).length : 0;
  return {
    date: best && {
      value: best.value,
      confidence: round2(
        Math.min(
          1,
          best.confidence * Math.min(1, lines[best.lineIndex]!.confidence + 0.15) + (agreeing > 1 ? 0.05 : 0),
        ),
      ),
    },
    time,
  };
}
