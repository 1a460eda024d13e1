import {
  createCampaignsRepository,
  findCampaignOrThrow,
  parseCampaignSettings,
  readCampaignSettings,
  type Campaign,
  type CampaignWithSettings,
  type RuleName,
} from '../campaigns/index.js';
import type { Locale } from '../i18n/index.js';
import type { OcrEngine } from '../ocr/index.js';
import {
  assessReceiptForAutoAccept,
  languagesForCountry,
  mayRefuseOnRule,
  prepareReceiptImage,
  readReceiptImage,
  rulesInvoiceFromReading,
} from '../receipts/index.js';
import { createValidationError } from '../shared/errors.js';
import {
  checkProofs,
  type CheckProof,
  type PhotoProofReader,
  type ProofCheck,
  type SubmissionsDeps,
} from '../submissions/index.js';
import type { Database } from '../db/database.js';
import type { Services } from './build-services.js';

/**
 * The rule checker as the console and the CLI run it: the campaign (with draft rules / rewards when
 * given), the MoF platform for typed proofs, the receipt reader for photos — one wiring, one answer.
 */

/** At most this many proofs (and photos) per check: each typed one may cost a platform query. */
export const MAX_CHECK_PROOFS = 50;

export type CampaignCheckAnswer = {
  campaign: { id: string; slug: string; version: number };
  draft: boolean;
  registeredAt: string;
  results: ProofCheck[];
};

export async function checkCampaignProofs(
  services: Pick<Services, 'clock' | 'generateId'> & {
    db: Database;
    platform: () => SubmissionsDeps['platform'];
    ocrEngine?: () => OcrEngine | undefined;
  },
  {
    brandId,
    ref,
    proofs,
    rules,
    rewards,
    registeredAt,
    locale,
  }: {
    brandId: string;
    ref: string;
    proofs: CheckProof[];
    rules?: unknown;
    rewards?: unknown;
    registeredAt?: Date;
    /** The language of the rules' words. @default en */
    locale?: Locale;
  },
): Promise<CampaignCheckAnswer> {
  if (proofs.length === 0 || proofs.length > MAX_CHECK_PROOFS)
    throw createValidationError({
      message: `Send 1 to ${MAX_CHECK_PROOFS} proofs`,
      details: {
        issues: [{ path: ['proofs'], message: `1 to ${MAX_CHECK_PROOFS} proofs` }],
        fieldErrors: { proofs: `1 to ${MAX_CHECK_PROOFS} proofs` },
      },
    });
  const repository = createCampaignsRepository({ db: services.db, generateId: services.generateId });
  const row = await findCampaignOrThrow(repository, { brandId, ref });
  const campaign = campaignWithDraft(row, { rules, rewards });
  const hasPhotos = proofs.some((proof) => typeof proof === 'object' && 'photo' in proof);
  const ocrEngine = hasPhotos ? services.ocrEngine?.() : undefined;
  const result = await checkProofs(
    {
      clock: services.clock,
      platform: services.platform(),
      locale,
      ...(ocrEngine
        ? {
            readPhoto: buildPhotoProofReader({
              ocrEngine,
              country: campaign.currency === 'THB' ? 'TH' : 'TW',
              currency: campaign.currency,
              now: services.clock.now(),
            }),
          }
        : {}),
    },
    { campaign, proofs, registeredAt },
  );
  return {
    campaign: { id: row.id, slug: row.slug, version: row.version },
    draft: rules !== undefined || rewards !== undefined,
    ...result,
  };
}

/** The campaign with the draft rules / rewards in place of its own (400 naming each bad path). */
export function campaignWithDraft(
  campaign: Campaign,
  draft: { rules?: unknown; rewards?: unknown },
): CampaignWithSettings {
  if (draft.rules === undefined && draft.rewards === undefined) return readCampaignSettings(campaign);
  const parsed = parseCampaignSettings({
    rules: draft.rules ?? campaign.rules,
    rewards: draft.rewards ?? campaign.rewards,
  });
  if (!parsed.ok) {
    const fieldErrors = Object.fromEntries(parsed.issues.map((issue) => [issue.path, issue.message]));
    throw createValidationError({
      message: `Invalid draft: ${parsed.issues[0]?.path}: ${parsed.issues[0]?.message}`,
      details: {
        issues: parsed.issues.map((issue) => ({ path: issue.path.split('.'), message: issue.message })),
        fieldErrors,
      },
    });
  }
  return readCampaignSettings({
    ...campaign,
    rules: parsed.rules as unknown as Record<string, unknown>,
    rewards: parsed.rewards as unknown as Record<string, unknown>,
  });
}

/** Reads a photo the way an uploaded proof is read (QR codes, then OCR), without storing anything. */
export function buildPhotoProofReader({
  ocrEngine,
  country,
  currency,
  now,
}: {
  ocrEngine: OcrEngine;
  country: 'TW' | 'TH' | undefined;
  currency: 'TWD' | 'THB';
  now: Date;
}): PhotoProofReader {
  return async (bytes) => {
    const prepared = await prepareReceiptImage(bytes);
    const reading = await readReceiptImage(prepared.readable, {
      ocrEngine,
      languages: languagesForCountry(country),
      now,
    });
    if (reading.kind === 'einvoice' && reading.qr?.invoice)
      return { status: 'einvoice', invoice: reading.qr.invoice };
    const invoice = rulesInvoiceFromReading(reading, currency);
    if (!invoice || reading.kind === 'unreadable' || reading.kind === 'einvoice')
      return { status: 'needs_review', reason: invoice ? 'receipt.einvoice_photo' : 'receipt.no_date' };
    return {
      status: 'read',
      invoice,
      kind: reading.kind === 'paper-invoice' ? 'paper_invoice' : 'receipt',
      confident: assessReceiptForAutoAccept(reading).confident,
      mayRefuseOn: (rule: RuleName) => mayRefuseOnRule(reading, rule),
    };
  };
}
