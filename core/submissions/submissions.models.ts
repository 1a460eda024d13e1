import { addDays, startOfLocalDay, type RulesInvoice, type RulesInvoiceItem } from '../campaigns/index.js';
import type { ParsedInvoice } from '../invoices/index.js';
import type { PlatformDetailResult, PlatformInvoice } from '../verification/index.js';
import type { SubmissionState } from './submissions.table.js';

/**
 * Pure pieces of the submission lifecycle: proof keys, the upload deadline, retry back-off, and the
 * conversion of each proof form into what the rules engine reads.
 */

/**
 * The dates a carrier proof lists: the campaign's purchase window, clipped to the range the member gave
 * and to today (campaign time zone). Undefined when nothing is left.
 */
export function carrierListWindow({
  purchaseFrom,
  purchaseTo,
  today,
  dateFrom,
  dateTo,
}: {
  purchaseFrom: string;
  purchaseTo: string;
  today: string;
  dateFrom?: string;
  dateTo?: string;
}): { dateFrom: string; dateTo: string } | undefined {
  const from = [purchaseFrom, dateFrom ?? purchaseFrom].sort().at(-1) as string;
  const to = [purchaseTo, today, dateTo ?? purchaseTo].sort()[0] as string;
  return from <= to ? { dateFrom: from, dateTo: to } : undefined;
}

/** The source ref of the submission a carrier proof creates for one of its invoices. */
export function carrierInvoiceSourceRef(parentSourceRef: string, invoiceNumber: string, invoiceDate: string) {
  return `${parentSourceRef}#${invoiceNumber}:${invoiceDate}`;
}

/** What makes two Taiwan e-invoices the same purchase: number + date. One proof counts once per campaign. */
export function taiwanInvoiceProofKey(invoiceNumber: string, invoiceDate: string): string {
  return `tw:${invoiceNumber.toUpperCase()}:${invoiceDate}`;
}

/** A receipt without an invoice number: the store, the moment and the amount identify the purchase. */
export function receiptProofKey(invoice: {
  sellerBan: string | null;
  sellerName: string | null;
  invoiceDate: string;
  invoiceTime?: string | null;
  totalAmountMinor: number | null;
}): string {
  const store =
    invoice.sellerBan ?? (invoice.sellerName ?? '').normalize('NFKC').toLowerCase().replace(/\s+/g, '');
  return `rcpt:${store}:${invoice.invoiceDate}:${invoice.invoiceTime ?? ''}:${invoice.totalAmountMinor ?? ''}`;
}

/**
 * The moment a still-missing e-invoice is given up: the end of the `windowDays`-th day after the invoice
 * date (campaign time zone), plus `graceHours`. Merchants have 2 days from the day after issue, so the
 * default 3 days + 12 h covers a late upload.
 */
export function uploadDeadline({
  invoiceDate,
  timezone,
  windowDays,
  graceHours,
}: {
  invoiceDate: string;
  timezone: string;
  windowDays: number;
  graceHours: number;
}): Date {
  const endOfWindow = startOfLocalDay(addDays(invoiceDate, windowDays + 1), timezone);
  return new Date(endOfWindow.getTime() + graceHours * 3_600_000);
}

/** `uploadDeadline` with a campaign's time zone and upload window. */
export function campaignUploadDeadline(
  campaign: {
    timezone: string;
    settings: { rules: { upload: { windowDays: number; graceHours: number } } };
  },
  invoiceDate: string,
): Date {
  const { windowDays, graceHours } = campaign.settings.rules.upload;
  return uploadDeadline({ invoiceDate, timezone: campaign.timezone, windowDays, graceHours });
}

/** Retry delays after "not found yet" or an unavailable platform: 15 min doubling to 4 h. */
export const RETRY_BASE_MS = 15 * 60_000;
export const RETRY_MAX_MS = 4 * 3_600_000;

export function nextCheckAfter({
  now,
  attempts,
  deadline,
}: {
  now: Date;
  /** Checks done so far (1 after the first). */
  attempts: number;
  deadline?: Date;
}): Date {
  const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.max(0, Math.min(attempts - 1, 20)));
  const next = new Date(now.getTime() + delay);
  // One last look exactly at the deadline, so a late upload is not missed by a long back-off.
  if (deadline && next > deadline && now < deadline) return deadline;
  return next;
}

/** What the platform said, as stored on the invoice row (`platform_answer`). */
export type StoredPlatformAnswer = {
  status: PlatformDetailResult['status'];
  /** The random code the question was asked with. */
  randomCode: string;
  checkedAt: string;
  invoice?: PlatformInvoice;
  /** Set when the answer came from a carrier's detail query (it proves the carrier, not a random code). */
  carrier?: string;
};

/**
 * A stored answer that settles the question without asking again. The detail query is capped per
 * invoice: a found invoice proves which random code is right, so any later code is settled too; a
 * mismatch settles only the code it was asked with. "Not found" is never final (the merchant may
 * upload later).
 */
export function reuseStoredAnswer(
  stored: StoredPlatformAnswer | null | undefined,
  randomCode: string,
): PlatformDetailResult | undefined {
  if (!stored?.invoice) return undefined;
  // A carrier's answer does not say which random code is right: the code question is still open.
  if (stored.carrier) return undefined;
  if (stored.status === 'found')
    return stored.randomCode === randomCode
      ? { status: 'found', invoice: stored.invoice }
      : { status: 'random_code_mismatch', invoice: stored.invoice };
  if (stored.status === 'random_code_mismatch' && stored.randomCode === randomCode)
    return { status: 'random_code_mismatch', invoice: stored.invoice };
  return undefined;
}

export const toMinor = (major: number) => Math.round(major * 100);

/** The platform's answer, completed by the proof where the platform is silent, as the rules read it. */
export function rulesInvoiceFromPlatform(
  platform: PlatformInvoice,
  parsed: ParsedInvoice | undefined,
): RulesInvoice {
  const items: RulesInvoiceItem[] =
    platform.items.length > 0
      ? platform.items.map((item) => ({
          name: item.name,
          quantity: item.quantity,
          unitPriceMinor: toMinor(item.unitPrice),
          amountMinor: item.amountMinor,
        }))
      : (parsed?.items ?? []).map(parsedItemToRules);
  return {
    invoiceNumber: platform.invoiceNumber,
    invoiceDate: platform.invoiceDate,
    currency: platform.currency === 'THB' ? 'THB' : 'TWD',
    totalAmountMinor:
      platform.totalAmountMinor ?? (parsed?.totalAmount != null ? toMinor(parsed.totalAmount) : null),
    sellerBan: platform.sellerBan || parsed?.sellerBan || null,
    sellerName: platform.sellerName || null,
    sellerAddress: platform.sellerAddress || null,
    buyerBan: platform.buyerBan ?? parsed?.buyerBan ?? null,
    voided: platform.status === 'voided',
    items,
  };
}

/** A proof's own data as the rules read it (before, or without, the platform's answer). */
export function rulesInvoiceFromParsed(parsed: ParsedInvoice): RulesInvoice {
  return {
    invoiceNumber: parsed.invoiceNumber,
    invoiceDate: parsed.invoiceDate,
    currency: 'TWD',
    totalAmountMinor: parsed.totalAmount === null ? null : toMinor(parsed.totalAmount),
    sellerBan: parsed.sellerBan,
    sellerName: null,
    sellerAddress: null,
    buyerBan: parsed.buyerBan,
    voided: false,
    items: parsed.items.map(parsedItemToRules),
  };
}

export function parsedItemToRules(item: ParsedInvoice['items'][number]): RulesInvoiceItem {
  return {
    name: item.name,
    quantity: item.quantity,
    unitPriceMinor: toMinor(item.unitPrice),
    amountMinor: toMinor(item.quantity * item.unitPrice),
  };
}

export type SubmitOutcome =
  | 'accepted'
  /** Received; its instant check waits for its turn with the platform (the decision comes later). */
  | 'queued'
  /** Still being verified (another request of the same proof holds it): the decision follows. */
  | 'being_checked'
  | 'awaiting_upload'
  | 'in_review'
  | 'rejected'
  | 'duplicate_self'
  | 'duplicate_other'
  | 'invalid'
  | 'not_a_proof'
  | 'no_active_campaign'
  /** Part of a proof (a barcode without its date, a right QR code alone): `partial` says what is missing. */
  | 'incomplete';

/** The answer a stored submission gives (a redelivered event gets the answer the first delivery got). */
export function outcomeOfState(state: SubmissionState): SubmitOutcome {
  switch (state) {
    case 'accepted':
    case 'rewarded':
      return 'accepted';
    case 'rejected':
    case 'reversed':
      return 'rejected';
    case 'in_review':
      return 'in_review';
    // Stored and not verified yet (the first request, a worker or the batch run is on it).
    case 'received':
    case 'parsed':
      return 'being_checked';
    case 'awaiting_upload':
      return 'awaiting_upload';
  }
}
