import { z } from 'zod';
import {
  explainDecision,
  localDateOf,
  type CampaignWithSettings,
  type CheckedRule,
  type RulesDecision,
  type RulesInvoice,
  type RuleName,
} from '../campaigns/index.js';
import type { CarrierProof, ParsedInvoice } from '../invoices/index.js';
import type { Locale } from '../i18n/index.js';
import type { Clock } from '../shared/clock.js';
import { isAppError } from '../shared/errors.js';
import type { PlatformInvoice } from '../verification/index.js';
import { judgeRules } from './submissions.decide.js';
import { detailQuery, readEInvoice, refuseOnDates } from './submissions.einvoice.js';
import {
  carrierListWindow,
  rulesInvoiceFromParsed,
  rulesInvoiceFromPlatform,
  toMinor,
  campaignUploadDeadline,
} from './submissions.models.js';
import type { ReceiptProofReader, SubmissionsDeps } from './submissions.types.js';

/**
 * The rule checker: what the campaign's rules would make of proofs, before launch or while editing —
 * through the same pieces the real decision path uses (`readEInvoice`, `refuseOnDates`, the platform
 * questions, `rulesInvoiceFrom…`, `judgeRules`). Nothing is stored, no reward is given, nothing counts
 * toward caps or the one-proof-per-campaign rule.
 */

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'must be a date yyyy-mm-dd' });
const optionalText = z.string().trim().nullable().optional();

/** An invoice typed out (or copied from a system): amounts in major units, like the platform's. */
export const checkInvoiceSchema = z.object({
  invoiceNumber: optionalText,
  invoiceDate: isoDate,
  sellerBan: optionalText,
  sellerName: optionalText,
  sellerAddress: optionalText,
  buyerBan: optionalText,
  totalAmount: z.number().nonnegative().nullable().optional(),
  currency: z.enum(['TWD', 'THB']).optional(),
  voided: z.boolean().optional(),
  items: z
    .array(
      z.object({
        name: z.string().trim().min(1),
        quantity: z.number().positive().default(1),
        unitPrice: z.number().nonnegative(),
      }),
    )
    .default([]),
});

export type CheckInvoice = z.output<typeof checkInvoiceSchema>;

/** A string (QR pair, typed, barcode, carrier), an invoice object, or a photo's bytes. */
export type CheckProof = string | CheckInvoice | { photo: Buffer; name?: string };

export type CheckVerdict = 'accepted' | 'rejected' | 'needs_review' | 'unreadable';

export type ProofCheck = {
  /** What was checked, in short: the text, the invoice number, the photo's name. */
  proof: string;
  verdict: CheckVerdict;
  /** Why, when it is not a rule: `verification.not_uploaded_yet`, `invoice_number.invalid`… */
  reason?: string;
  rules: CheckedRule[];
  rewards: { points: number; entries: number; instantPlays: number };
  /** The purchase as it was read (amounts in minor units), and where from. */
  reading: (RulesInvoice & { source: ReadingSource }) | null;
  /** A carrier proof: one check per invoice of the carrier inside the purchase window. */
  invoices?: ProofCheck[];
};

type ReadingSource = 'qr' | 'platform' | 'invoice' | 'photo' | 'carrier';

/** Reads a photo without storing it (wired to the receipts capability's reader). */
export type PhotoProofReader = (bytes: Buffer) => Promise<Awaited<ReturnType<ReceiptProofReader>>>;

export type CheckProofsDeps = {
  clock: Clock;
  /** Typed proofs, barcodes and carriers are looked up here (the MoF platform or its simulator). */
  platform?: SubmissionsDeps['platform'];
  readPhoto?: PhotoProofReader;
  /** The language of each rule's `detail` (the console user's). @default en */
  locale?: Locale;
};

const NONE = { points: 0, entries: 0, instantPlays: 0 };

/**
 * Checks each proof against the campaign as if registered at `registeredAt` (default: now, brought
 * inside the registration window so a campaign not yet open can be tried). No member: caps count from 0.
 */
export async function checkProofs(
  deps: CheckProofsDeps,
  {
    campaign,
    proofs,
    registeredAt,
  }: { campaign: CampaignWithSettings; proofs: CheckProof[]; registeredAt?: Date },
): Promise<{ registeredAt: string; results: ProofCheck[] }> {
  const at = registeredAt ?? clampToWindow(deps.clock.now(), campaign.registerFrom, campaign.registerTo);
  const results: ProofCheck[] = [];
  for (const proof of proofs) results.push(await checkOne(deps, campaign, proof, at));
  return { registeredAt: at.toISOString(), results };
}

function clampToWindow(now: Date, from: Date, to: Date): Date {
  if (now < from) return from;
  if (now > to) return to;
  return now;
}

async function checkOne(
  deps: CheckProofsDeps,
  campaign: CampaignWithSettings,
  proof: CheckProof,
  registeredAt: Date,
): Promise<ProofCheck> {
  if (typeof proof === 'string') {
    const label = proof.trim();
    const read = readEInvoice({ type: 'text', text: proof });
    if (read.outcome === 'done')
      return unreadable(label, read.result.errors?.[0]?.reason ?? read.result.outcome);
    if (read.outcome === 'carrier') return checkCarrier(deps, campaign, label, read.carrier, registeredAt);
    return checkParsed(deps, campaign, label, read.invoice, registeredAt);
  }
  if ('photo' in proof) return checkPhoto(deps, campaign, proof, registeredAt);
  const invoice = rulesInvoiceFromObject(proof, campaign.currency);
  return judged(campaign, proof.invoiceNumber ?? `${proof.invoiceDate} ${proof.sellerName ?? ''}`.trim(), {
    invoice,
    source: 'invoice',
    registeredAt,
    locale: deps.locale,
  });
}

export function rulesInvoiceFromObject(proof: CheckInvoice, currency: 'TWD' | 'THB'): RulesInvoice {
  return {
    invoiceNumber: proof.invoiceNumber ?? null,
    invoiceDate: proof.invoiceDate,
    currency: proof.currency ?? currency,
    totalAmountMinor:
      proof.totalAmount != null
        ? toMinor(proof.totalAmount)
        : proof.items.reduce((sum, item) => sum + toMinor(item.quantity * item.unitPrice), 0),
    sellerBan: proof.sellerBan || null,
    sellerName: proof.sellerName || null,
    sellerAddress: proof.sellerAddress || null,
    buyerBan: proof.buyerBan || null,
    voided: proof.voided ?? false,
    items: proof.items.map((item) => ({
      name: item.name,
      quantity: item.quantity,
      unitPriceMinor: toMinor(item.unitPrice),
      amountMinor: toMinor(item.quantity * item.unitPrice),
    })),
  };
}

function unreadable(proof: string, reason: string): ProofCheck {
  return { proof, verdict: 'unreadable', reason, rules: [], rewards: NONE, reading: null };
}

/** The rules' answer on a purchase as read, in the checker's words. */
function judged(
  campaign: CampaignWithSettings,
  proof: string,
  {
    invoice,
    source,
    registeredAt,
    mayRefuseOn,
    reviewOnly,
    locale,
  }: {
    invoice: RulesInvoice;
    source: ReadingSource;
    registeredAt: Date;
    locale: Locale | undefined;
    mayRefuseOn?: (rule: RuleName) => boolean;
    /** A photo the campaign does not accept automatically: a person decides, whatever the rules say. */
    reviewOnly?: string;
  },
): ProofCheck {
  const { state, rules } = judgeRules({
    campaign,
    invoice,
    registeredAt,
    context: { memberAcceptedToday: 0, memberAcceptedInCampaign: 0 },
    mayRefuseOn,
  });
  const verdict = reviewOnly ? 'needs_review' : state === 'in_review' ? 'needs_review' : state;
  return {
    proof,
    verdict,
    ...(reviewOnly
      ? { reason: reviewOnly }
      : state === 'in_review'
        ? { reason: 'review.unsure_reading' }
        : {}),
    rules: explainDecision({ campaign: campaign.settings, invoice, decision: rules, locale }),
    rewards: rules.qualifies ? rewardsOf(rules) : NONE,
    reading: { ...invoice, source },
  };
}

function rewardsOf(rules: RulesDecision) {
  return {
    points: rules.rewards.points,
    entries: rules.rewards.entries,
    instantPlays: rules.rewards.instantWin ? 1 : 0,
  };
}

/**
 * An e-invoice proof. A QR pair is judged as read; typed text and barcodes are looked up on the platform
 * first, as a real submission is (after the same date check that spares the platform's query cap).
 */
async function checkParsed(
  deps: CheckProofsDeps,
  campaign: CampaignWithSettings,
  proof: string,
  parsed: ParsedInvoice,
  registeredAt: Date,
): Promise<ProofCheck> {
  if (parsed.source === 'qr')
    return judged(campaign, proof, {
      invoice: rulesInvoiceFromParsed(parsed),
      source: 'qr',
      registeredAt,
      locale: deps.locale,
    });
  const early = refuseOnDates(campaign, parsed, registeredAt);
  const asRead = rulesInvoiceFromParsed(parsed);
  if (early)
    return {
      proof,
      verdict: 'rejected',
      rules: explainDecision({
        campaign: campaign.settings,
        invoice: asRead,
        decision: early,
        locale: deps.locale,
      }),
      rewards: NONE,
      reading: { ...asRead, source: 'platform' },
    };
  if (!deps.platform)
    return { ...unreadable(proof, 'verification.platform_unavailable'), verdict: 'needs_review' };
  const pending = (reason: string): ProofCheck => ({
    proof,
    verdict: 'needs_review',
    reason,
    rules: [],
    rewards: NONE,
    reading: { ...asRead, source: 'platform' },
  });
  let answer;
  try {
    answer = await deps.platform.getInvoiceDetail(detailQuery(parsed));
  } catch (error) {
    if (!isAppError(error)) throw error;
    if (error.code === 'einvoice_platform.unavailable') return pending('verification.platform_unavailable');
    return { ...pending(error.code), verdict: 'rejected' };
  }
  if (answer.status === 'found')
    return judged(campaign, proof, {
      invoice: rulesInvoiceFromPlatform(answer.invoice, parsed),
      source: 'platform',
      registeredAt,
      locale: deps.locale,
    });
  if (answer.status === 'not_found') {
    return deps.clock.now() < campaignUploadDeadline(campaign, parsed.invoiceDate)
      ? pending('verification.not_uploaded_yet')
      : { ...pending('verification.not_uploaded'), verdict: 'rejected' };
  }
  return { ...pending('verification.random_code_mismatch'), verdict: 'rejected' };
}

/** A carrier: its invoices inside the purchase window, each looked up and judged like a real one. */
async function checkCarrier(
  deps: CheckProofsDeps,
  campaign: CampaignWithSettings,
  proof: string,
  carrier: CarrierProof,
  registeredAt: Date,
): Promise<ProofCheck> {
  const platform = deps.platform;
  if (!platform?.listCarrierInvoices || !platform.getCarrierInvoiceDetail)
    return unreadable(proof, 'carrier.not_supported');
  const window = carrierListWindow({
    purchaseFrom: campaign.purchaseFrom,
    purchaseTo: campaign.purchaseTo,
    today: localDateOf(deps.clock.now(), campaign.timezone),
    dateFrom: carrier.dateFrom,
    dateTo: carrier.dateTo,
  });
  const base = { proof, rules: [], rewards: NONE, reading: null };
  if (!window) return { ...base, verdict: 'rejected', reason: 'carrier.outside_window', invoices: [] };
  let listed: PlatformInvoice[];
  try {
    const answer = await platform.listCarrierInvoices({
      cardNo: carrier.barcode,
      cardEncrypt: carrier.verificationCode,
      ...window,
    });
    if (answer.status === 'carrier_rejected')
      return { ...base, verdict: 'rejected', reason: 'verification.carrier_rejected' };
    listed = answer.invoices.filter(
      (i) => i.invoiceDate >= window.dateFrom && i.invoiceDate <= window.dateTo,
    );
  } catch (error) {
    if (!isAppError(error)) throw error;
    return { ...base, verdict: 'needs_review', reason: error.code };
  }
  const invoices: ProofCheck[] = [];
  for (const listedInvoice of listed) {
    const label = `${listedInvoice.invoiceNumber} ${listedInvoice.invoiceDate}`;
    const detail = await platform.getCarrierInvoiceDetail({
      cardNo: carrier.barcode,
      cardEncrypt: carrier.verificationCode,
      invoiceNumber: listedInvoice.invoiceNumber,
      invoiceDate: listedInvoice.invoiceDate,
    });
    if (detail.status !== 'found') {
      invoices.push({ ...base, proof: label, verdict: 'rejected', reason: `verification.${detail.status}` });
      continue;
    }
    invoices.push(
      judged(campaign, label, {
        invoice: rulesInvoiceFromPlatform(detail.invoice, undefined),
        source: 'carrier',
        registeredAt,
        locale: deps.locale,
      }),
    );
  }
  const accepted = invoices.filter((i) => i.verdict === 'accepted');
  return {
    ...base,
    verdict: accepted.length > 0 ? 'accepted' : 'rejected',
    ...(invoices.length === 0 ? { reason: 'carrier.no_invoices' } : {}),
    rewards: accepted.reduce(
      (sum, i) => ({
        points: sum.points + i.rewards.points,
        entries: sum.entries + i.rewards.entries,
        instantPlays: sum.instantPlays + i.rewards.instantPlays,
      }),
      NONE,
    ),
    invoices,
  };
}

/** A photo: read (QR codes, then OCR) without storing it; an e-invoice photo is judged as its QR. */
async function checkPhoto(
  deps: CheckProofsDeps,
  campaign: CampaignWithSettings,
  proof: { photo: Buffer; name?: string },
  registeredAt: Date,
): Promise<ProofCheck> {
  const label = proof.name ?? 'photo';
  if (!deps.readPhoto) return unreadable(label, 'photo.not_supported');
  const reading = await deps.readPhoto(proof.photo);
  if (reading.status === 'einvoice') return checkParsed(deps, campaign, label, reading.invoice, registeredAt);
  if (reading.status === 'needs_review')
    return { ...unreadable(label, reading.reason ?? 'receipt.not_read'), verdict: 'needs_review' };
  // Part of an e-invoice proof: the chat would ask the member for the rest.
  if (reading.status === 'partial')
    return { ...unreadable(label, 'receipt.partial_einvoice'), verdict: 'needs_review' };
  // As a real photo proof: decided by a machine only when it read surely and the campaign allows it.
  const reviewOnly = !campaign.autoAcceptReceipts
    ? 'review.campaign_reviews_photos'
    : !reading.confident
      ? 'review.unsure_reading'
      : undefined;
  return judged(campaign, label, {
    invoice: reading.invoice,
    source: 'photo',
    registeredAt,
    locale: deps.locale,
    mayRefuseOn: reading.mayRefuseOn,
    reviewOnly,
  });
}
