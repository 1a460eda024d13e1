import type { RuleName, RulesInvoice } from '../campaigns/index.js';
import { hammingDistance } from './receipt-image.js';
import type { ReceiptFieldName, ReceiptReading } from './receipts.types.js';

/**
 * Two photos are the same picture when at most this many of the 256 blockhash bits differ. Re-encoded
 * and resized copies differ by a few bits; different receipts (even of one store's template) by far more.
 */
export const PERCEPTUAL_MATCH_MAX_BITS = 20;

/** Photos per member per rolling hour before intake flags them. @default 10 */
export const DEFAULT_UPLOADS_PER_HOUR = 10;

/** What identifies the purchase on the paper, so a second photo of one receipt is caught. */
export function contentKeyOf(reading: Pick<ReceiptReading, 'fields' | 'kind'>): string | undefined {
  const { fields } = reading;
  if (fields.invoiceNumber) return `tw:${fields.invoiceNumber}`;
  if (fields.taxId && fields.date && fields.time && fields.totalMinor !== undefined)
    return `rcpt:${fields.taxId}:${fields.date}:${fields.time}:${fields.totalMinor}`;
  return undefined;
}

export function findPerceptualMatch(
  hash: string,
  candidates: { id: string; perceptualHash: string | null }[],
  maxBits = PERCEPTUAL_MATCH_MAX_BITS,
): { id: string; distance: number } | undefined {
  let best: { id: string; distance: number } | undefined;
  for (const candidate of candidates) {
    if (!candidate.perceptualHash) continue;
    const distance = hammingDistance(hash, candidate.perceptualHash);
    if (distance <= maxBits && (!best || distance < best.distance)) best = { id: candidate.id, distance };
  }
  return best;
}

/** Field confidence a receipt needs before nobody looks at it. */
export const AUTO_ACCEPT_THRESHOLDS: Partial<Record<ReceiptFieldName | 'overall', number>> = {
  overall: 0.75,
  totalAmount: 0.75,
  date: 0.75,
};

export type AutoAcceptAssessment = { confident: boolean; reasons: string[] };

/**
 * Pure: is this reading good enough to decide without a reviewer? (The campaign must also allow it and
 * the rules must pass — the submissions capability checks those.) An e-invoice read from its QR is exact;
 * a receipt needs a confident date and total, and the receipt's own sums (items, subtotal + tax, cash −
 * change) must agree with the total; intake flags (duplicates, velocity) always send it to a person.
 */
export function assessReceiptForAutoAccept(
  reading: Pick<ReceiptReading, 'kind' | 'fields' | 'confidence' | 'checks' | 'currency'>,
  flags: string[] = [],
): AutoAcceptAssessment {
  const reasons: string[] = [];
  if (flags.length > 0) reasons.push(...flags.map((flag) => `flag.${flag}`));
  if (reading.kind === 'unreadable') reasons.push('reading.unreadable');
  if (reading.kind === 'einvoice') return { confident: reasons.length === 0, reasons };
  for (const [field, threshold] of Object.entries(AUTO_ACCEPT_THRESHOLDS)) {
    const value = (reading.confidence as Record<string, number | undefined>)[field] ?? 0;
    if (value < (threshold ?? 0)) reasons.push(`confidence.${field}`);
  }
  if (!reading.fields.date) reasons.push('missing.date');
  if (reading.fields.totalMinor === undefined) reasons.push('missing.total');
  const checks = reading.checks;
  if (!checks || !(checks.itemsSum || checks.subtotalPlusTax || checks.cashMinusChange))
    reasons.push('checks.no_sum_agrees');
  if (reading.currency !== 'THB' && reading.currency !== 'TWD') reasons.push('currency.unsupported');
  return { confident: reasons.length === 0, reasons };
}

/**
 * Field confidence a refusal needs. A rule that fails on a field read below it (an item name bent by OCR,
 * so no campaign product is found) is a question for a reviewer, never an automatic "no": a qualifying
 * receipt must not be refused on a misread (issue #15: NT$240 of tea refused as "no campaign product").
 */
export const AUTO_REJECT_MIN_CONFIDENCE = 0.9;

/** The reading's fields each rule judges; rules that judge none (caps, the registration window) are absent. */
const RULE_FIELDS: Partial<Record<RuleName, ReceiptFieldName[][]>> = {
  purchase_date: [['date']],
  register_within_days: [['date']],
  item_groups: [['items']],
  min_amount: [['totalAmount', 'items']],
  // A store is recognised by its tax number or by its name: either read surely will do.
  stores: [['taxId'], ['storeName']],
};

/**
 * Pure: whether a failed rule may refuse this reading without a reviewer — every field it judges was read
 * at AUTO_REJECT_MIN_CONFIDENCE or more (for `stores`, one of the alternatives). Rules that judge no field
 * of the photo (caps, registration window, currency from the script) always may.
 */
export function mayRefuseOnRule(reading: Pick<ReceiptReading, 'confidence'>, rule: RuleName): boolean {
  const alternatives = RULE_FIELDS[rule];
  if (!alternatives) return true;
  const sure = (field: ReceiptFieldName) => (reading.confidence[field] ?? 0) >= AUTO_REJECT_MIN_CONFIDENCE;
  return alternatives.some((fields) => fields.every(sure));
}

/** The purchase the campaign rules judge, from a reading (or a reviewer's corrected fields). */
export function rulesInvoiceFromReading(
  reading: Pick<ReceiptReading, 'fields' | 'currency' | 'qr'>,
  fallbackCurrency: 'TWD' | 'THB',
): (RulesInvoice & { invoiceTime: string | null }) | undefined {
  const { fields } = reading;
  if (!fields.date) return undefined;
  // A receipt that states no currency is judged in the campaign's; one that states another (RM on a
  // Malaysian receipt) keeps it, so the currency rule refuses it instead of reading ringgit as dollars.
  const currency = reading.currency === 'UNKNOWN' ? fallbackCurrency : reading.currency;
  return {
    invoiceNumber: fields.invoiceNumber ?? null,
    invoiceDate: fields.date,
    invoiceTime: fields.time ?? null,
    currency,
    totalAmountMinor: fields.totalMinor ?? null,
    sellerBan: fields.taxId ?? null,
    sellerName: fields.storeName ?? null,
    sellerAddress: fields.address ?? null,
    buyerBan: reading.qr?.invoice?.buyerBan ?? null,
    voided: false,
    items: fields.items.map((item) => ({
      name: item.name,
      quantity: item.quantity,
      unitPriceMinor: item.unitPriceMinor ?? Math.round(item.amountMinor / Math.max(1, item.quantity)),
      amountMinor: item.amountMinor,
    })),
  };
}
