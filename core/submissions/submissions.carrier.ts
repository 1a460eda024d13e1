import {
  localDateOf,
  NO_REWARDS,
  readCampaignSettings,
  type CampaignWithSettings,
} from '../campaigns/index.js';
import type { CarrierProof } from '../invoices/index.js';
import { isAppError } from '../shared/errors.js';
import type { PlatformInvoice } from '../verification/index.js';
import {
  carrierInvoiceSourceRef,
  carrierListWindow,
  nextCheckAfter,
  rulesInvoiceFromPlatform,
  taiwanInvoiceProofKey,
  type StoredPlatformAnswer,
} from './submissions.models.js';
import { createSubmissionsRepository, VERIFIABLE_STATES, type Submission } from './submissions.repository.js';
import type {
  CarrierSummary,
  SubmissionsDeps,
  SubmitProofCommand,
  SubmitProofResult,
} from './submissions.types.js';
import {
  leaseMs,
  resolveCampaign,
  resultOfStored,
  reload,
  decideInTransaction,
} from './submissions.decide.js';

/** `raw_input` of a carrier proof's own row (the container; it holds no proof key). */
type CarrierRawInput = { input: SubmitProofCommand['input']; carrier: CarrierProof };

/** `raw_input` of the submission a carrier proof creates for one of its invoices. */
type CarrierInvoiceRawInput = {
  input: SubmitProofCommand['input'];
  carrierInvoice: {
    parentId: string;
    cardNo: string;
    cardEncrypt: string;
    invoiceNumber: string;
    invoiceDate: string;
  };
};

/**
 * A member sends a mobile barcode carrier with its verification code. One container row (no proof key)
 * is stored for the event; the carrier's invoices inside the campaign's purchase window are then each
 * registered as their own e-invoice submission (same proof key and unique index as a typed invoice),
 * decided by the same rules and rewarded once. An unavailable platform leaves the container due for the
 * verification job, like a typed invoice.
 */
export async function submitCarrierProof(
  deps: SubmissionsDeps,
  command: SubmitProofCommand,
  carrier: CarrierProof,
): Promise<SubmitProofResult> {
  if (!deps.platform.listCarrierInvoices || !deps.platform.getCarrierInvoiceDetail)
    return { outcome: 'invalid', errors: [{ field: 'carrierBarcode', reason: 'carrier.not_supported' }] };
  const campaign = await resolveCampaign(deps, command, 'einvoice_carrier');
  if (!campaign) return { outcome: 'no_active_campaign' };
  const now = deps.clock.now();
  const repository = createSubmissionsRepository({ db: deps.db });
  const rawInput: CarrierRawInput = { input: command.input, carrier };
  const created = await repository.insertSubmission({
    id: deps.generateId('submission'),
    brandId: command.brandId,
    campaignId: campaign.id,
    memberId: command.memberId,
    kind: 'einvoice_carrier',
    channel: command.channel,
    sourceRef: command.sourceRef,
    rawInput: rawInput as unknown as Record<string, unknown>,
    state: 'parsed',
    proofKey: null,
    // The sender's own request holds the lease; a crash hands the row to the verification job.
    nextCheckAt: new Date(now.getTime() + leaseMs(deps)),
    checkAttempts: 1,
    createdAt: now,
    updatedAt: now,
  });
  if (!created) {
    const same = await repository.findBySourceRef({ brandId: command.brandId, sourceRef: command.sourceRef });
    if (same) return resultOfStored(same);
    throw new Error('a carrier submission conflicted without a proof key');
  }
  return processCarrierProof(deps, created, readCampaignSettings(campaign));
}

/** Lists the carrier's invoices and registers each one; records the summary on the container row. */
export async function processCarrierProof(
  deps: SubmissionsDeps,
  claimed: Submission,
  campaign: CampaignWithSettings,
): Promise<SubmitProofResult> {
  const repository = createSubmissionsRepository({ db: deps.db });
  const fence = { submissionId: claimed.id, checkAttempts: claimed.checkAttempts, states: VERIFIABLE_STATES };
  const { carrier } = claimed.rawInput as CarrierRawInput;
  const finish = async (values: Partial<Submission>) => {
    const now = deps.clock.now();
    const row = await repository.updateIfClaimed({
      ...fence,
      values: { nextCheckAt: null, decidedAt: now, updatedAt: now, ...values },
    });
    return resultOfStored(row ?? (await reload(repository, claimed)));
  };
  if (!deps.platform.listCarrierInvoices || !carrier)
    return finish({ state: 'rejected', reasonCode: 'carrier.not_supported' });

  const window = carrierListWindow({
    purchaseFrom: campaign.purchaseFrom,
    purchaseTo: campaign.purchaseTo,
    today: localDateOf(deps.clock.now(), campaign.timezone),
    dateFrom: carrier.dateFrom,
    dateTo: carrier.dateTo,
  });
  const summary: CarrierSummary = {
    barcode: carrier.barcode,
    dateFrom: window?.dateFrom ?? carrier.dateFrom ?? campaign.purchaseFrom,
    dateTo: window?.dateTo ?? carrier.dateTo ?? campaign.purchaseTo,
    found: 0,
    accepted: 0,
    alreadyRegistered: 0,
    alreadyYours: 0,
    rejected: [],
    pending: 0,
    rewards: { points: 0, entries: 0 },
  };
  const decide = (values: Partial<Submission> = {}) => {
    if (summary.pending > 0) {
      // Some invoices wait for the platform: the proof stays due, and a later run reports them as they stand.
      const now = deps.clock.now();
      return finish({
        nextCheckAt: nextCheckAfter({ now, attempts: claimed.checkAttempts }),
        decidedAt: null,
        reasonCode: 'verification.carrier_pending',
        decision: { carrier: summary, rewards: { ...NO_REWARDS, ...summary.rewards } },
      });
    }
    return finish({
      state: summary.accepted > 0 ? 'accepted' : 'rejected',
      reasonCode: summary.accepted > 0 ? null : carrierReason(summary),
      // `rewards` in the shape a decision has, so a later push shows the totals.
      decision: {
        carrier: summary,
        rewards: { ...NO_REWARDS, ...summary.rewards },
        decidedAt: deps.clock.now().toISOString(),
      },
      ...values,
    });
  };
  if (!window) return decide();

  let listed: PlatformInvoice[];
  try {
    const answer = await deps.platform.listCarrierInvoices({
      cardNo: carrier.barcode,
      cardEncrypt: carrier.verificationCode,
      ...window,
    });
    if (answer.status === 'carrier_rejected')
      return finish({ state: 'rejected', reasonCode: 'verification.carrier_rejected' });
    listed = answer.invoices;
  } catch (error) {
    if (!isAppError(error)) throw error;
    if (error.code !== 'einvoice_platform.unavailable')
      return finish({ state: 'rejected', reasonCode: error.code });
    const now = deps.clock.now();
    const nextCheckAt = nextCheckAfter({ now, attempts: claimed.checkAttempts });
    const row = await repository.updateIfClaimed({
      ...fence,
      values: { nextCheckAt, reasonCode: 'verification.platform_unavailable', updatedAt: now },
    });
    deps.logger?.warn({ submissionId: claimed.id, nextCheckAt }, 'carrier list unavailable; retry later');
    return { ...resultOfStored(row ?? (await reload(repository, claimed))), nextCheckAt };
  }

  const seen = new Set<string>();
  for (const invoice of listed) {
    const key = taiwanInvoiceProofKey(invoice.invoiceNumber, invoice.invoiceDate);
    if (seen.has(key) || invoice.invoiceDate < window.dateFrom || invoice.invoiceDate > window.dateTo)
      continue;
    seen.add(key);
    summary.found += 1;
    const result = await registerCarrierInvoice(deps, claimed, campaign, invoice);
    if (result.outcome === 'accepted') {
      summary.accepted += 1;
      summary.rewards.points += result.rewards?.granted?.pointsEarned ?? 0;
      summary.rewards.entries += result.rewards?.granted?.entriesAdded ?? 0;
    } else if (result.outcome === 'duplicate_self' || result.outcome === 'duplicate_other') {
      summary.alreadyRegistered += 1;
      if (result.outcome === 'duplicate_self') summary.alreadyYours += 1;
    } else if (result.outcome === 'rejected') {
      summary.rejected.push({
        invoiceNumber: invoice.invoiceNumber,
        invoiceDate: invoice.invoiceDate,
        reason: result.submission?.reasonCode ?? 'rules.failed',
      });
    } else {
      summary.pending += 1;
    }
  }
  return decide();
}

function carrierReason(summary: CarrierSummary): string {
  if (summary.found === 0) return 'verification.carrier_no_invoices';
  if (summary.pending > 0) return 'verification.carrier_pending';
  if (summary.alreadyRegistered === summary.found) return 'verification.carrier_all_registered';
  return 'verification.carrier_none_qualified';
}

/**
 * One listed invoice of a carrier proof: its own submission (source ref derived from the container's),
 * unless the invoice is already held in the campaign. A rerun of the same proof finds the submission it
 * created before and reports it as it stands, without asking the platform again.
 */
async function registerCarrierInvoice(
  deps: SubmissionsDeps,
  parent: Submission,
  campaign: CampaignWithSettings,
  listed: PlatformInvoice,
  attempt = 1,
): Promise<SubmitProofResult> {
  const repository = createSubmissionsRepository({ db: deps.db });
  const sourceRef = carrierInvoiceSourceRef(
    parent.sourceRef ?? parent.id,
    listed.invoiceNumber,
    listed.invoiceDate,
  );
  const before = await repository.findBySourceRef({ brandId: parent.brandId, sourceRef });
  if (before) return resultOfStored(before);

  const { carrier, input } = parent.rawInput as CarrierRawInput;
  const proofKey = taiwanInvoiceProofKey(listed.invoiceNumber, listed.invoiceDate);
  const now = deps.clock.now();
  const rawInput: CarrierInvoiceRawInput = {
    input,
    carrierInvoice: {
      parentId: parent.id,
      cardNo: carrier.barcode,
      cardEncrypt: carrier.verificationCode,
      invoiceNumber: listed.invoiceNumber,
      invoiceDate: listed.invoiceDate,
    },
  };
  const created = await deps.db.transaction(async (tx) => {
    const txRepository = createSubmissionsRepository({ db: tx });
    const invoice = await txRepository.upsertInvoice({
      generateId: deps.generateId,
      invoice: {
        brandId: parent.brandId,
        kind: 'einvoice',
        invoiceNumber: listed.invoiceNumber,
        invoiceDate: listed.invoiceDate,
        sellerTaxId: listed.sellerBan || null,
        buyerTaxId: listed.buyerBan,
        currency: 'TWD',
        totalAmountMinor: listed.totalAmountMinor ?? 0,
        status: 'unverified',
        source: 'carrier',
        createdAt: now,
        updatedAt: now,
      },
    });
    return txRepository.insertSubmission({
      id: deps.generateId('submission'),
      brandId: parent.brandId,
      campaignId: parent.campaignId,
      memberId: parent.memberId,
      kind: 'einvoice_carrier',
      channel: parent.channel,
      sourceRef,
      rawInput: rawInput as unknown as Record<string, unknown>,
      state: 'parsed',
      proofKey,
      invoiceId: invoice.id,
      nextCheckAt: new Date(now.getTime() + leaseMs(deps)),
      checkAttempts: 1,
      createdAt: now,
      updatedAt: now,
    });
  });
  if (created) return verifyCarrierInvoice(deps, created, campaign);

  const same = await repository.findBySourceRef({ brandId: parent.brandId, sourceRef });
  if (same) return resultOfStored(same);
  const holder = await repository.findLiveByProofKey({ campaignId: parent.campaignId, proofKey });
  // The holder was rejected between our insert and the read: the invoice is free again.
  if (!holder && attempt < 3) return registerCarrierInvoice(deps, parent, campaign, listed, attempt + 1);
  return { outcome: holder?.memberId === parent.memberId ? 'duplicate_self' : 'duplicate_other' };
}

/**
 * Verifies one carrier invoice with the carrier detail query (the carrier's verification code proves
 * possession) — unless the invoice row already holds a detail answer — and decides it by the rules.
 */
export async function verifyCarrierInvoice(
  deps: SubmissionsDeps,
  claimed: Submission,
  campaign: CampaignWithSettings,
): Promise<SubmitProofResult> {
  const repository = createSubmissionsRepository({ db: deps.db });
  const fence = { submissionId: claimed.id, checkAttempts: claimed.checkAttempts, states: VERIFIABLE_STATES };
  const { carrierInvoice } = claimed.rawInput as CarrierInvoiceRawInput;
  const invoice = claimed.invoiceId ? await repository.getInvoice(claimed.invoiceId) : undefined;
  const reject = async (reasonCode: string) => {
    const now = deps.clock.now();
    const row = await repository.updateIfClaimed({
      ...fence,
      values: { state: 'rejected', reasonCode, nextCheckAt: null, decidedAt: now, updatedAt: now },
    });
    return resultOfStored(row ?? (await reload(repository, claimed)));
  };
  if (!carrierInvoice || !invoice || !deps.platform.getCarrierInvoiceDetail)
    return reject('verification.unreadable');

  const stored = invoice.platformAnswer as StoredPlatformAnswer | null;
  let platformInvoice =
    stored?.status === 'found' && stored.invoice?.level === 'detail' ? stored.invoice : undefined;
  const asked = !platformInvoice;
  if (!platformInvoice) {
    try {
      const answer = await deps.platform.getCarrierInvoiceDetail({
        cardNo: carrierInvoice.cardNo,
        cardEncrypt: carrierInvoice.cardEncrypt,
        invoiceNumber: carrierInvoice.invoiceNumber,
        invoiceDate: carrierInvoice.invoiceDate,
      });
      if (answer.status === 'carrier_rejected') return reject('verification.carrier_rejected');
      if (answer.status === 'not_found') return reject('verification.not_uploaded');
      platformInvoice = answer.invoice;
    } catch (error) {
      if (!isAppError(error)) throw error;
      if (error.code !== 'einvoice_platform.unavailable') return reject(error.code);
      const now = deps.clock.now();
      const nextCheckAt = nextCheckAfter({ now, attempts: claimed.checkAttempts });
      const row = await repository.updateIfClaimed({
        ...fence,
        values: { nextCheckAt, reasonCode: 'verification.platform_unavailable', updatedAt: now },
      });
      return { ...resultOfStored(row ?? (await reload(repository, claimed))), nextCheckAt };
    }
  }
  const found = platformInvoice;
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    if (asked)
      await createSubmissionsRepository({ db: tx }).storePlatformAnswer({
        generateId: deps.generateId,
        invoice,
        answer: {
          status: 'found',
          randomCode: '',
          checkedAt: now.toISOString(),
          invoice: found,
          carrier: carrierInvoice.cardNo,
        },
        now,
      });
    return decideInTransaction(tx, deps, {
      submission: claimed,
      campaign,
      invoice: rulesInvoiceFromPlatform(found, undefined),
      verification: { status: 'found', checkedAt: now.toISOString() },
      fence,
      now,
    });
  });
}
