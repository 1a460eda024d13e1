import {
  addDays,
  createCampaignsRepository,
  evaluateCampaignRules,
  firstFailedVerdict,
  localDateOf,
  NO_REWARDS,
  readCampaignSettings,
  startOfLocalDay,
  type Campaign,
  type CampaignWithSettings,
  type ProofKind,
  type RewardQuantities,
  type RulesInvoice,
} from '../campaigns/index.js';
import type { Executor } from '../db/database.js';
import { isUniqueViolation } from '../db/database.js';
import { parseProofText, type CarrierProof, type ParsedInvoice } from '../invoices/index.js';
import { grantRewardsForSubmission, type GrantRewardsResult } from '../rewards/index.js';
import type { Clock } from '../shared/clock.js';
import { isAppError } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import type { InvoiceDetailQuery, PlatformInvoice } from '../verification/index.js';
import { createSubmissionNotFoundError, createSubmissionNotReviewableError } from './submissions.errors.js';
import {
  carrierInvoiceSourceRef,
  carrierListWindow,
  nextCheckAfter,
  outcomeOfState,
  receiptProofKey,
  reuseStoredAnswer,
  rulesInvoiceFromParsed,
  rulesInvoiceFromPlatform,
  taiwanInvoiceProofKey,
  toMinor,
  uploadDeadline,
  type StoredPlatformAnswer,
} from './submissions.models.js';
import {
  createSubmissionsRepository,
  VERIFIABLE_STATES,
  type InvoiceRecord,
  type Submission,
  type SubmissionsRepository,
} from './submissions.repository.js';
import type { SubmissionState } from './submissions.table.js';
import type {
  CarrierSummary,
  SubmissionDecision,
  SubmissionIssue,
  SubmissionsDeps,
  SubmitProofCommand,
  SubmitProofResult,
} from './submissions.types.js';

const DEFAULT_LEASE_MS = 5 * 60_000;

/** What `submissions.raw_input` holds: the input as received and, for e-invoices, what it parsed to. */
type RawInput = { input: SubmitProofCommand['input']; parsed?: ParsedInvoice };

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

const CARRIER_REJECTED_ERRORS: SubmissionIssue[] = [
  { field: 'verificationCode', reason: 'carrier.rejected' },
];

/**
 * A member sends a proof. It is parsed, checked against the one-proof-per-campaign rule, stored, and —
 * in instant mode — verified with the MoF platform and decided at once; in batch mode the verification
 * job picks it up. Idempotent by `sourceRef`: a redelivered webhook event gets the first answer again.
 */
export async function submitProof(
  deps: SubmissionsDeps,
  command: SubmitProofCommand,
  attempt = 1,
): Promise<SubmitProofResult> {
  const repository = createSubmissionsRepository({ db: deps.db });
  const seen = await repository.findBySourceRef({ brandId: command.brandId, sourceRef: command.sourceRef });
  if (seen) return resultOfStored(seen);

  if (command.input.type === 'receipt_image') {
    const reading = await deps.readReceiptProof?.({
      brandId: command.brandId,
      memberId: command.memberId,
      receiptImageId: command.input.receiptImageId,
    });
    // A photo of an e-invoice proof: its QR codes are the invoice, verified with the platform like a scan.
    if (reading?.status === 'einvoice')
      return submitProof(
        deps,
        { ...command, input: { type: 'einvoice', invoice: reading.invoice } },
        attempt,
      );
    return submitReceiptImage(deps, command, command.input.receiptImageId, reading);
  }

  const read = readEInvoice(command.input);
  if (read.outcome === 'carrier') return submitCarrierProof(deps, command, read.carrier);
  if (read.outcome !== 'parsed') return read.result;
  const parsed = read.invoice;

  const kind: ProofKind = parsed.source === 'text' ? 'einvoice_text' : 'einvoice_qr';
  const campaign = await resolveCampaign(deps, command, kind);
  if (!campaign) return { outcome: 'no_active_campaign' };

  const now = deps.clock.now();
  const instant = campaign.verificationMode === 'instant';
  const proofKey = taiwanInvoiceProofKey(parsed.invoiceNumber, parsed.invoiceDate);
  const rawInput: RawInput = { input: command.input, parsed };

  const created = await deps.db.transaction(async (tx) => {
    const txRepository = createSubmissionsRepository({ db: tx });
    const invoice = await txRepository.upsertInvoice({
      generateId: deps.generateId,
      invoice: {
        brandId: command.brandId,
        kind: 'einvoice',
        invoiceNumber: parsed.invoiceNumber,
        invoiceDate: parsed.invoiceDate,
        randomCode: parsed.randomCode,
        sellerTaxId: parsed.sellerBan,
        buyerTaxId: parsed.buyerBan,
        currency: 'TWD',
        salesAmountMinor: parsed.salesAmount === null ? null : toMinor(parsed.salesAmount),
        // Typed text carries no amount: 0 until the platform's answer fills it in.
        totalAmountMinor: parsed.totalAmount === null ? 0 : toMinor(parsed.totalAmount),
        status: 'unverified',
        source: parsed.source === 'text' ? 'text' : 'qr',
        createdAt: now,
        updatedAt: now,
      },
    });
    return txRepository.insertSubmission({
      id: deps.generateId('submission'),
      brandId: command.brandId,
      campaignId: campaign.id,
      memberId: command.memberId,
      kind,
      channel: command.channel,
      sourceRef: command.sourceRef,
      rawInput: rawInput as unknown as Record<string, unknown>,
      state: 'parsed',
      proofKey,
      invoiceId: invoice.id,
      // Instant mode: the sender's own request holds the lease (a crash hands it to the retry worker).
      nextCheckAt: instant ? new Date(now.getTime() + leaseMs(deps)) : now,
      checkAttempts: instant ? 1 : 0,
      createdAt: now,
      updatedAt: now,
    });
  });

  if (!created) {
    const conflict = await answerConflict(repository, command, campaign.id, proofKey);
    // The holder was rejected between our insert and the read: the proof is free again, so try once more.
    if (conflict) return conflict;
    if (attempt < 3) return submitProof(deps, command, attempt + 1);
    throw new Error(`submission ${command.sourceRef} kept conflicting on ${proofKey}`);
  }
  if (!instant)
    return { outcome: 'awaiting_upload', submission: created, nextCheckAt: created.nextCheckAt ?? now };
  return verifyClaimedSubmission(deps, created, readCampaignSettings(campaign));
}

/**
 * Batch verification: claims due submissions (FOR UPDATE SKIP LOCKED, leased), asks the platform outside
 * any transaction, and decides each one. Any number of runners may call it at once; each submission is
 * verified by exactly one of them.
 */
export async function verifyDueSubmissions(
  deps: SubmissionsDeps,
  {
    limit = 100,
    now = deps.clock.now(),
    verificationMode,
    concurrency = 4,
  }: {
    limit?: number;
    now?: Date;
    /** `instant`: the retry worker (instant campaigns only); unset: the scheduled batch run (all). */
    verificationMode?: 'instant' | 'batch';
    concurrency?: number;
  } = {},
): Promise<{ claimed: number; outcomes: Partial<Record<SubmitProofResult['outcome'], number>> }> {
  const repository = createSubmissionsRepository({ db: deps.db });
  const claimed = await repository.claimDueSubmissions({
    now,
    leaseUntil: new Date(now.getTime() + leaseMs(deps)),
    limit,
    verificationMode,
  });
  const outcomes: Partial<Record<SubmitProofResult['outcome'], number>> = {};
  const campaigns = new Map<string, Promise<CampaignWithSettings | undefined>>();
  const campaignOf = (submission: Submission) => {
    let campaign = campaigns.get(submission.campaignId);
    if (!campaign) {
      campaign = createCampaignsRepository({ db: deps.db, generateId: deps.generateId })
        .getCampaign({ brandId: submission.brandId, campaignId: submission.campaignId })
        .then((row) => (row ? readCampaignSettings(row) : undefined));
      campaigns.set(submission.campaignId, campaign);
    }
    return campaign;
  };

  let next = 0;
  const work = async () => {
    while (next < claimed.length) {
      const submission = claimed[next++] as Submission;
      try {
        const campaign = await campaignOf(submission);
        if (!campaign) continue;
        const result = await verifyClaimedSubmission(deps, submission, campaign);
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      } catch (error) {
        // The lease lapses and another run tries again; one bad row does not stop the batch.
        deps.logger?.error({ err: error, submissionId: submission.id }, 'verifying a submission failed');
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, claimed.length)) }, work));
  return { claimed: claimed.length, outcomes };
}

/**
 * A reviewer's verdict on a photo proof: approved with the fields read (and corrected) from the image,
 * it takes the same rules-and-rewards path as an e-invoice; rejected, it records the reason.
 */
export async function decideReviewedSubmission(
  deps: Omit<SubmissionsDeps, 'platform'>,
  {
    brandId,
    submissionId,
    reviewerId,
    verdict,
  }: {
    brandId: string;
    submissionId: string;
    reviewerId: string;
    verdict:
      | {
          action: 'approve';
          kind: 'receipt' | 'paper_invoice';
          invoice: RulesInvoice & { invoiceTime?: string | null };
        }
      | { action: 'reject'; reasonCode: string };
  },
): Promise<SubmitProofResult> {
  const repository = createSubmissionsRepository({ db: deps.db });
  const submission = await repository.getSubmission({ brandId, submissionId });
  if (!submission) throw createSubmissionNotFoundError({ details: { submissionId } });
  if (submission.state !== 'in_review')
    throw createSubmissionNotReviewableError({ details: { submissionId, state: submission.state } });
  const now = deps.clock.now();

  if (verdict.action === 'reject') {
    const rejected = await repository.updateIfClaimed({
      submissionId,
      checkAttempts: submission.checkAttempts,
      states: ['in_review'],
      values: {
        state: 'rejected',
        reasonCode: verdict.reasonCode,
        reviewedBy: reviewerId,
        decidedAt: now,
        updatedAt: now,
      },
    });
    return rejected ? resultOfStored(rejected) : resultOfStored(await reload(repository, submission));
  }

  const campaignRow = await createCampaignsRepository({
    db: deps.db,
    generateId: deps.generateId,
  }).getCampaign({
    brandId,
    campaignId: submission.campaignId,
  });
  if (!campaignRow) throw createSubmissionNotFoundError({ details: { submissionId } });
  return decidePhotoProof(deps, {
    submission,
    campaign: readCampaignSettings(campaignRow),
    kind: verdict.kind,
    invoice: verdict.invoice,
    verification: 'reviewed',
    reviewerId,
  });
}

/**
 * The one call that hands an accepted proof's rewards to the rewards capability, inside the deciding
 * transaction (idempotent per submission there).
 */
export async function handOffRewards({
  tx,
  generateId,
  clock,
  submission,
  quantities,
}: {
  tx: Executor;
  generateId: IdGenerator;
  clock: Clock;
  submission: Pick<Submission, 'id' | 'brandId' | 'campaignId' | 'memberId'>;
  quantities: RewardQuantities;
}): Promise<GrantRewardsResult> {
  return grantRewardsForSubmission({
    tx,
    generateId,
    clock,
    submission: {
      id: submission.id,
      brandId: submission.brandId,
      campaignId: submission.campaignId,
      memberId: submission.memberId,
    },
    quantities: {
      points: quantities.points,
      entries: quantities.entries,
      instantWin: quantities.instantWin ? 1 : 0,
    },
  });
}

// --------------------------------------------------------------------------------------------------

function leaseMs(deps: SubmissionsDeps) {
  return deps.leaseMs ?? DEFAULT_LEASE_MS;
}

function readEInvoice(
  input: Exclude<SubmitProofCommand['input'], { type: 'receipt_image' }>,
):
  | { outcome: 'parsed'; invoice: ParsedInvoice }
  | { outcome: 'carrier'; carrier: CarrierProof }
  | { outcome: 'done'; result: SubmitProofResult } {
  let invoice: ParsedInvoice;
  if (input.type === 'text') {
    const parsed = parseProofText(input.text);
    if (parsed.kind === 'not_a_proof') return { outcome: 'done', result: { outcome: 'not_a_proof' } };
    if (parsed.kind === 'invalid')
      return { outcome: 'done', result: { outcome: 'invalid', errors: parsed.errors } };
    // A carrier proof lists the carrier's invoices over a date range (`submitCarrierProof`).
    if (parsed.kind === 'carrier') return { outcome: 'carrier', carrier: parsed.carrier };
    invoice = parsed.invoice;
  } else {
    invoice = input.invoice;
  }
  const errors: SubmissionIssue[] = [];
  if (!invoice.randomCode) errors.push({ field: 'randomCode', reason: 'random_code.missing' });
  if (!/^[A-Z]{2}\d{8}$/.test(invoice.invoiceNumber))
    errors.push({ field: 'invoiceNumber', reason: 'invoice_number.invalid' });
  if (!/^\d{4}-\d{2}-\d{2}$/.test(invoice.invoiceDate))
    errors.push({ field: 'invoiceDate', reason: 'invoice_date.invalid' });
  if (errors.length > 0) return { outcome: 'done', result: { outcome: 'invalid', errors } };
  return { outcome: 'parsed', invoice };
}

async function resolveCampaign(
  deps: Pick<SubmissionsDeps, 'db' | 'generateId' | 'clock'>,
  command: Pick<SubmitProofCommand, 'brandId' | 'campaignId'>,
  kind: ProofKind,
): Promise<Campaign | undefined> {
  const campaignsRepository = createCampaignsRepository({ db: deps.db, generateId: deps.generateId });
  const accepts = (campaign: Campaign) => campaign.status === 'active' && campaign.proofKinds.includes(kind);
  if (command.campaignId) {
    const campaign = await campaignsRepository.getCampaign({
      brandId: command.brandId,
      campaignId: command.campaignId,
    });
    return campaign && accepts(campaign) ? campaign : undefined;
  }
  const now = deps.clock.now();
  const active = (await campaignsRepository.listActiveCampaigns({ brandId: command.brandId })).filter(
    accepts,
  );
  // The campaign open for registration now; else the one that opens next or closed last (the rules say why).
  return active.find((c) => c.registerFrom <= now && now <= c.registerTo) ?? active[0];
}

async function answerConflict(
  repository: SubmissionsRepository,
  command: SubmitProofCommand,
  campaignId: string,
  proofKey: string,
): Promise<SubmitProofResult | undefined> {
  const sameEvent = await repository.findBySourceRef({
    brandId: command.brandId,
    sourceRef: command.sourceRef,
  });
  if (sameEvent) return resultOfStored(sameEvent);
  const holder = await repository.findLiveByProofKey({ campaignId, proofKey });
  if (!holder) return undefined;
  // To another member, say nothing about who holds it.
  if (holder.memberId !== command.memberId) return { outcome: 'duplicate_other' };
  return { ...resultOfStored(holder), outcome: 'duplicate_self' };
}

function resultOfStored(submission: Submission): SubmitProofResult {
  if (submission.kind === 'einvoice_carrier' && submission.proofKey === null)
    return resultOfCarrierProof(submission);
  const decision = (submission.decision ?? undefined) as SubmissionDecision | undefined;
  return {
    outcome: outcomeOfState(submission.state),
    submission,
    ...(decision ? { decision, rewards: { quantities: decision.rewards, granted: decision.granted } } : {}),
    ...(submission.state === 'awaiting_upload' || submission.state === 'parsed'
      ? { nextCheckAt: submission.nextCheckAt ?? undefined }
      : {}),
  };
}

async function reload(repository: SubmissionsRepository, submission: Submission): Promise<Submission> {
  return (
    (await repository.getSubmission({ brandId: submission.brandId, submissionId: submission.id })) ??
    submission
  );
}

/** Asks the platform (unless its stored answer already settles it) and decides a claimed submission. */
async function verifyClaimedSubmission(
  deps: SubmissionsDeps,
  claimed: Submission,
  campaign: CampaignWithSettings,
): Promise<SubmitProofResult> {
  if (claimed.kind === 'einvoice_carrier')
    return claimed.proofKey === null
      ? processCarrierProof(deps, claimed, campaign)
      : verifyCarrierInvoice(deps, claimed, campaign);
  const repository = createSubmissionsRepository({ db: deps.db });
  const parsed = (claimed.rawInput as RawInput).parsed;
  const invoice = claimed.invoiceId ? await repository.getInvoice(claimed.invoiceId) : undefined;
  const fence = { submissionId: claimed.id, checkAttempts: claimed.checkAttempts, states: VERIFIABLE_STATES };
  if (!parsed?.randomCode || !invoice) {
    const now = deps.clock.now();
    const row = await repository.updateIfClaimed({
      ...fence,
      values: { state: 'rejected', reasonCode: 'verification.unreadable', decidedAt: now, updatedAt: now },
    });
    return resultOfStored(row ?? (await reload(repository, claimed)));
  }
  const { upload } = campaign.settings.rules;
  const deadline = uploadDeadline({
    invoiceDate: parsed.invoiceDate,
    timezone: campaign.timezone,
    windowDays: upload.windowDays,
    graceHours: upload.graceHours,
  });

  // The detail query is capped per invoice: a proof whose dates already rule it out is refused
  // without asking the platform.
  const early = refuseOnDates(campaign, parsed, claimed.createdAt);
  if (early) {
    const now = deps.clock.now();
    const decision: SubmissionDecision = { ...early, rewards: NO_REWARDS, decidedAt: now.toISOString() };
    const row = await repository.updateIfClaimed({
      ...fence,
      values: {
        state: 'rejected',
        reasonCode: firstFailedVerdict(early)?.reasonKey ?? 'rules.failed',
        decision: decision as unknown as Record<string, unknown>,
        nextCheckAt: null,
        decidedAt: now,
        updatedAt: now,
      },
    });
    return row ? { ...resultOfStored(row), decision } : resultOfStored(await reload(repository, claimed));
  }

  let answer = reuseStoredAnswer(invoice.platformAnswer as StoredPlatformAnswer | null, parsed.randomCode);
  const asked = !answer;
  if (!answer) {
    try {
      answer = await deps.platform.getInvoiceDetail(detailQuery(parsed));
    } catch (error) {
      const now = deps.clock.now();
      if (isAppError(error) && error.code !== 'einvoice_platform.unavailable') {
        // The platform refused the question itself (bad parameters, query cap): asking again will not help.
        const row = await repository.updateIfClaimed({
          ...fence,
          values: { state: 'rejected', reasonCode: error.code, decidedAt: now, updatedAt: now },
        });
        return resultOfStored(row ?? (await reload(repository, claimed)));
      }
      if (!isAppError(error)) throw error;
      const nextCheckAt = nextCheckAfter({ now, attempts: claimed.checkAttempts });
      const row = await repository.updateIfClaimed({
        ...fence,
        values: { nextCheckAt, reasonCode: 'verification.platform_unavailable', updatedAt: now },
      });
      deps.logger?.warn(
        { submissionId: claimed.id, nextCheckAt },
        'e-invoice platform unavailable; retry later',
      );
      return { ...resultOfStored(row ?? (await reload(repository, claimed))), nextCheckAt };
    }
  }

  const settled = answer;
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const txRepository = createSubmissionsRepository({ db: tx });
    if (asked) {
      await txRepository.storePlatformAnswer({
        generateId: deps.generateId,
        invoice,
        answer: {
          status: settled.status,
          randomCode: parsed.randomCode as string,
          checkedAt: now.toISOString(),
          ...(settled.status === 'not_found' ? {} : { invoice: settled.invoice }),
        },
        now,
      });
    }
    const verification = { status: settled.status, checkedAt: now.toISOString() };

    if (settled.status === 'found') {
      return decideInTransaction(tx, deps, {
        submission: claimed,
        campaign,
        invoice: rulesInvoiceFromPlatform(settled.invoice, parsed),
        verification,
        fence,
        now,
      });
    }
    if (settled.status === 'not_found' && now < deadline) {
      const nextCheckAt = nextCheckAfter({ now, attempts: claimed.checkAttempts, deadline });
      const row = await txRepository.updateIfClaimed({
        ...fence,
        values: {
          state: 'awaiting_upload',
          nextCheckAt,
          reasonCode: 'verification.not_uploaded_yet',
          updatedAt: now,
        },
      });
      return { ...resultOfStored(row ?? (await reload(txRepository, claimed))), nextCheckAt };
    }
    const reasonCode =
      settled.status === 'not_found' ? 'verification.not_uploaded' : 'verification.random_code_mismatch';
    const row = await txRepository.updateIfClaimed({
      ...fence,
      values: {
        state: 'rejected',
        reasonCode,
        nextCheckAt: null,
        decision: { verification, qualifies: false, verdicts: [], decidedAt: now.toISOString() },
        decidedAt: now,
        updatedAt: now,
      },
    });
    return resultOfStored(row ?? (await reload(txRepository, claimed)));
  });
}

const DATE_RULES = new Set(['purchase_date', 'registration_window', 'register_within_days']);

/** The date rules' verdicts, when one of them fails: they need nothing from the platform. */
function refuseOnDates(campaign: CampaignWithSettings, parsed: ParsedInvoice, registeredAt: Date) {
  const decision = evaluateCampaignRules({
    campaign: campaign.settings,
    invoice: rulesInvoiceFromParsed(parsed),
    registeredAt,
    context: { memberAcceptedToday: 0, memberAcceptedInCampaign: 0 },
  });
  const verdicts = decision.verdicts.filter((verdict) => DATE_RULES.has(verdict.rule));
  if (verdicts.every((verdict) => verdict.passed)) return undefined;
  return {
    ...decision,
    verdicts,
    qualifies: false,
    matchedItems: [],
    matchedAmountMinor: 0,
    matchedGroups: [],
  };
}

function detailQuery(parsed: ParsedInvoice): InvoiceDetailQuery {
  const base = {
    invoiceNumber: parsed.invoiceNumber,
    invoiceDate: parsed.invoiceDate,
    randomCode: parsed.randomCode as string,
    period: parsed.period,
  };
  // The QR's verification field lets the platform check the proof itself; typed text uses the code.
  if (parsed.encrypt && parsed.sellerBan)
    return { ...base, type: 'QRCode', encrypt: parsed.encrypt, sellerBan: parsed.sellerBan };
  return { ...base, type: 'Barcode' };
}

/**
 * Applies the rules and, for a qualifying proof, hands the rewards over — all in the caller's
 * transaction, serialised per member and campaign so the caps hold, and fenced so that only the runner
 * that holds the submission decides it.
 */
async function decideInTransaction(
  tx: Executor,
  deps: Pick<SubmissionsDeps, 'generateId' | 'clock'>,
  {
    submission,
    campaign,
    invoice,
    verification,
    fence,
    now,
    reviewerId,
  }: {
    submission: Submission;
    campaign: CampaignWithSettings;
    invoice: RulesInvoice;
    verification: SubmissionDecision['verification'];
    fence: { submissionId: string; checkAttempts: number; states: SubmissionState[] };
    now: Date;
    reviewerId?: string;
  },
): Promise<SubmitProofResult> {
  const repository = createSubmissionsRepository({ db: tx });
  await repository.lockMemberCampaign({ memberId: submission.memberId, campaignId: submission.campaignId });
  const registeredAt = submission.createdAt;
  const day = localDateOf(registeredAt, campaign.timezone);
  const counts = await repository.countAccepted({
    memberId: submission.memberId,
    campaignId: submission.campaignId,
    dayStart: startOfLocalDay(day, campaign.timezone),
    dayEnd: startOfLocalDay(addDays(day, 1), campaign.timezone),
    excludeId: submission.id,
  });
  const rules = evaluateCampaignRules({
    campaign: campaign.settings,
    invoice,
    registeredAt,
    context: { memberAcceptedToday: counts.today, memberAcceptedInCampaign: counts.total },
  });
  const decision: SubmissionDecision = {
    ...rules,
    rewards: rules.qualifies ? rules.rewards : NO_REWARDS,
    ...(verification ? { verification } : {}),
    ...(reviewerId ? { reviewedBy: reviewerId } : {}),
    decidedAt: now.toISOString(),
  };
  const decided = await repository.updateIfClaimed({
    ...fence,
    values: {
      state: rules.qualifies ? 'accepted' : 'rejected',
      reasonCode: rules.qualifies ? null : (firstFailedVerdict(rules)?.reasonKey ?? 'rules.failed'),
      decision: decision as unknown as Record<string, unknown>,
      nextCheckAt: null,
      decidedAt: now,
      updatedAt: now,
      ...(reviewerId ? { reviewedBy: reviewerId } : {}),
    },
  });
  if (!decided) return resultOfStored(await reload(repository, submission));
  if (!rules.qualifies) return { ...resultOfStored(decided), decision, rewards: { quantities: NO_REWARDS } };

  const granted = await handOffRewards({
    tx,
    generateId: deps.generateId,
    clock: deps.clock,
    submission: decided,
    quantities: decision.rewards,
  });
  const rewarded = await repository.updateSubmission(decided.id, {
    state: 'rewarded',
    decision: { ...decision, granted } as unknown as Record<string, unknown>,
    updatedAt: now,
  });
  return {
    outcome: 'accepted',
    submission: rewarded,
    decision: { ...decision, granted },
    rewards: { quantities: decision.rewards, granted },
  };
}

async function submitReceiptImage(
  deps: SubmissionsDeps,
  command: SubmitProofCommand,
  receiptImageId: string,
  reading: Awaited<ReturnType<NonNullable<SubmissionsDeps['readReceiptProof']>>> | undefined,
): Promise<SubmitProofResult> {
  const campaign = await resolveCampaign(deps, command, 'receipt');
  if (!campaign) return { outcome: 'no_active_campaign' };
  const now = deps.clock.now();
  const repository = createSubmissionsRepository({ db: deps.db });
  const created = await repository.insertSubmission({
    id: deps.generateId('submission'),
    brandId: command.brandId,
    campaignId: campaign.id,
    memberId: command.memberId,
    kind: 'receipt',
    channel: command.channel,
    sourceRef: command.sourceRef,
    rawInput: { input: command.input } as unknown as Record<string, unknown>,
    state: 'in_review',
    receiptImageId,
    createdAt: now,
    updatedAt: now,
  });
  if (!created) {
    const same = await repository.findBySourceRef({ brandId: command.brandId, sourceRef: command.sourceRef });
    if (same) return resultOfStored(same);
    throw new Error('a receipt submission conflicted without a proof key');
  }
  // Extension point: the receipts capability reads the photo; a confident reading decides at once when
  // the campaign accepts receipts automatically, anything else waits for a reviewer.
  if (!reading || reading.status !== 'read' || !reading.confident || !campaign.autoAcceptReceipts)
    return resultOfStored(created);
  return decidePhotoProof(deps, {
    submission: created,
    campaign: readCampaignSettings(campaign),
    kind: reading.kind,
    invoice: reading.invoice,
    verification: 'read',
  });
}

/** Decides a photo proof (read automatically or reviewed) once its purchase is known. */
async function decidePhotoProof(
  deps: Pick<SubmissionsDeps, 'db' | 'generateId' | 'clock'>,
  {
    submission,
    campaign,
    kind,
    invoice,
    verification,
    reviewerId,
  }: {
    submission: Submission;
    campaign: CampaignWithSettings;
    kind: 'receipt' | 'paper_invoice';
    invoice: RulesInvoice & { invoiceTime?: string | null };
    verification: 'reviewed' | 'read';
    reviewerId?: string;
  },
): Promise<SubmitProofResult> {
  const now = deps.clock.now();
  const proofKey = invoice.invoiceNumber
    ? taiwanInvoiceProofKey(invoice.invoiceNumber, invoice.invoiceDate)
    : receiptProofKey(invoice);
  const repository = createSubmissionsRepository({ db: deps.db });
  const holder = await repository.findLiveByProofKey({ campaignId: submission.campaignId, proofKey });
  if (holder && holder.id !== submission.id)
    return rejectAsDuplicate(repository, submission, holder, now, reviewerId);
  try {
    return await deps.db.transaction(async (tx) => {
      const txRepository = createSubmissionsRepository({ db: tx });
      const source = verification === 'read' ? 'ocr' : 'review';
      const record = await recordPhotoInvoice(txRepository, deps.generateId, {
        brandId: submission.brandId,
        kind,
        source,
        invoice,
        now,
      });
      const attached = await txRepository.updateIfClaimed({
        submissionId: submission.id,
        checkAttempts: submission.checkAttempts,
        states: ['in_review'],
        values: { proofKey, invoiceId: record.id, kind, updatedAt: now },
      });
      if (!attached) return resultOfStored(await reload(txRepository, submission));
      return decideInTransaction(tx, deps, {
        submission: attached,
        campaign,
        invoice,
        verification: { status: verification, checkedAt: now.toISOString() },
        fence: {
          submissionId: submission.id,
          checkAttempts: submission.checkAttempts,
          states: ['in_review'],
        },
        now,
        reviewerId,
      });
    });
  } catch (error) {
    // Someone registered the same purchase between the check and the write.
    if (!isUniqueViolation(error, 'submissions_campaign_proof_key_uq')) throw error;
    const winner = await repository.findLiveByProofKey({ campaignId: submission.campaignId, proofKey });
    return rejectAsDuplicate(repository, submission, winner, now, reviewerId);
  }
}

async function rejectAsDuplicate(
  repository: SubmissionsRepository,
  submission: Submission,
  holder: Submission | undefined,
  now: Date,
  reviewerId?: string,
): Promise<SubmitProofResult> {
  const sameMember = holder?.memberId === submission.memberId;
  const row = await repository.updateIfClaimed({
    submissionId: submission.id,
    checkAttempts: submission.checkAttempts,
    states: ['in_review'],
    values: {
      state: 'rejected',
      reasonCode: sameMember ? 'submission.duplicate_self' : 'submission.duplicate_other',
      decidedAt: now,
      updatedAt: now,
      ...(reviewerId ? { reviewedBy: reviewerId } : {}),
    },
  });
  const result = resultOfStored(row ?? (await reload(repository, submission)));
  return { ...result, outcome: sameMember ? 'duplicate_self' : 'duplicate_other' };
}

async function recordPhotoInvoice(
  repository: SubmissionsRepository,
  generateId: IdGenerator,
  {
    brandId,
    kind,
    source,
    invoice,
    now,
  }: {
    brandId: string;
    kind: 'receipt' | 'paper_invoice';
    source: 'ocr' | 'review';
    invoice: RulesInvoice & { invoiceTime?: string | null };
    now: Date;
  },
): Promise<InvoiceRecord> {
  const values = {
    brandId,
    kind,
    invoiceNumber: invoice.invoiceNumber,
    invoiceDate: invoice.invoiceDate,
    invoiceTime: invoice.invoiceTime ?? null,
    sellerTaxId: invoice.sellerBan,
    sellerName: invoice.sellerName,
    sellerAddress: invoice.sellerAddress,
    buyerTaxId: invoice.buyerBan,
    currency: invoice.currency,
    totalAmountMinor: invoice.totalAmountMinor ?? 0,
    status: invoice.voided ? ('voided' as const) : ('unverified' as const),
    source,
    createdAt: now,
    updatedAt: now,
  };
  const record = invoice.invoiceNumber
    ? await repository.upsertInvoice({
        generateId,
        invoice: { ...values, invoiceNumber: invoice.invoiceNumber },
      })
    : await repository.insertInvoice({ generateId, invoice: values });
  await repository.insertInvoiceItems({ generateId, invoice: record, items: invoice.items });
  return record;
}

// Mobile barcode carrier ---------------------------------------------------------------------------

/**
 * A member sends a mobile barcode carrier with its verification code. One container row (no proof key)
 * is stored for the event; the carrier's invoices inside the campaign's purchase window are then each
 * registered as their own e-invoice submission (same proof key and unique index as a typed invoice),
 * decided by the same rules and rewarded once. An unavailable platform leaves the container due for the
 * verification job, like a typed invoice.
 */
async function submitCarrierProof(
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
async function processCarrierProof(
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
async function verifyCarrierInvoice(
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

/** The answer a carrier proof's container row gives (also to a redelivered event). */
function resultOfCarrierProof(submission: Submission): SubmitProofResult {
  const carrier = (submission.decision as { carrier?: CarrierSummary } | null)?.carrier;
  if (submission.state === 'rejected' && submission.reasonCode === 'verification.carrier_rejected')
    return { outcome: 'invalid', submission, errors: CARRIER_REJECTED_ERRORS };
  if (!carrier || submission.state === 'parsed')
    return {
      outcome: outcomeOfState(submission.state),
      submission,
      ...(carrier ? { carrier } : {}),
      ...(submission.state === 'parsed' ? { nextCheckAt: submission.nextCheckAt ?? undefined } : {}),
    };
  return {
    outcome: submission.state === 'accepted' || submission.state === 'rewarded' ? 'accepted' : 'rejected',
    submission,
    carrier,
    rewards: {
      quantities: { ...NO_REWARDS, points: carrier.rewards.points, entries: carrier.rewards.entries },
    },
  };
}
