import {
  dateRuleVerdicts,
  firstFailedVerdict,
  NO_REWARDS,
  type CampaignWithSettings,
  type RulesDecision,
} from '../campaigns/index.js';
import {
  findPartialProof,
  parseProofText,
  type CarrierProof,
  type ParsedInvoice,
} from '../invoices/index.js';
import { isAppError } from '../shared/errors.js';
import type { Executor } from '../db/database.js';
import type { BudgetPermit, InvoiceDetailQuery, PlatformDetailResult } from '../verification/index.js';
import {
  nextCheckAfter,
  reuseStoredAnswer,
  rulesInvoiceFromPlatform,
  campaignUploadDeadline,
  toMinor,
  type StoredPlatformAnswer,
} from './submissions.models.js';
import {
  createSubmissionsRepository,
  memberCampaignLock,
  VERIFIABLE_STATES,
  type InvoiceRecord,
  type Submission,
} from './submissions.repository.js';
import type { SubmissionState } from './submissions.table.js';
import type {
  SubmissionDecision,
  SubmissionIssue,
  SubmissionsDeps,
  SubmitProofCommand,
  SubmitProofResult,
} from './submissions.types.js';
import { resultOfStored, reload, decideInTransaction } from './submissions.decide.js';
import { processCarrierProof, verifyCarrierInvoice } from './submissions.carrier.js';

/** What `submissions.raw_input` holds: the input as received and, for e-invoices, what it parsed to. */
export type RawInput = { input: SubmitProofCommand['input']; parsed?: ParsedInvoice };

export function readEInvoice(
  input: Exclude<SubmitProofCommand['input'], { type: 'receipt_image' }>,
):
  | { outcome: 'parsed'; invoice: ParsedInvoice }
  | { outcome: 'carrier'; carrier: CarrierProof }
  | { outcome: 'done'; result: SubmitProofResult } {
  let invoice: ParsedInvoice;
  if (input.type === 'text') {
    const parsed = parseProofText(input.text);
    if (parsed.kind === 'not_a_proof') return { outcome: 'done', result: { outcome: 'not_a_proof' } };
    if (parsed.kind === 'invalid') {
      // A barcode without its date, a right QR code alone: kept, and the member is asked for the rest.
      const partial = findPartialProof(input.text);
      if (partial) return { outcome: 'done', result: { outcome: 'incomplete', partial } };
      return { outcome: 'done', result: { outcome: 'invalid', errors: parsed.errors } };
    }
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

/**
 * Asks the platform (unless its stored answer already settles it) and decides a claimed submission.
 * `permit`: the MoF budget's permit reserved for it when it was stored (`decideInstantCheck`).
 */
export async function verifyClaimedSubmission(
  deps: SubmissionsDeps,
  claimed: Submission,
  campaign: CampaignWithSettings,
  permit?: BudgetPermit,
  /** The proof's invoice row when the caller has it (it stored it): not read again. */
  loaded?: { invoice: InvoiceRecord | undefined },
  /** `SubmitProofCommand.decideInCallersTransaction`: the decision is returned (`decideIn`), not run. */
  { inCallersTransaction = false }: { inCallersTransaction?: boolean } = {},
): Promise<SubmitProofResult> {
  const checked = await checkClaimedSubmission(deps, claimed, campaign, loaded, permit);
  if ('result' in checked) return checked.result;
  if (inCallersTransaction)
    return {
      outcome: 'being_checked',
      submission: claimed,
      decideIn: (tx) => settleAnswer(tx, deps, checked.answered, deps.clock.now()),
    };
  const now = deps.clock.now();
  return deps.db.transaction((tx) => settleAnswer(tx, deps, checked.answered, now));
}

/**
 * Whether checking this proof will ask the platform: not when it cannot be asked about (no random code),
 * its dates already rule it out, or the invoice's stored answer settles it (`checkClaimedSubmission`'s
 * early exits). A proof that will not ask takes no permit of the MoF budget and never waits for one.
 */
export function asksPlatform(
  campaign: CampaignWithSettings,
  parsed: ParsedInvoice,
  invoice: Pick<InvoiceRecord, 'platformAnswer'>,
  registeredAt: Date,
): boolean {
  if (!parsed.randomCode) return false;
  if (refuseOnDates(campaign, parsed, registeredAt)) return false;
  return !reuseStoredAnswer(invoice.platformAnswer as StoredPlatformAnswer | null, parsed.randomCode);
}

/** A claimed e-invoice proof with the platform's answer, to be decided (`settleAnswer`). */
export type AnsweredCheck = {
  claimed: Submission;
  campaign: CampaignWithSettings;
  parsed: ParsedInvoice & { randomCode: string };
  invoice: InvoiceRecord;
  answer: PlatformDetailResult;
  /** Asked now (the answer is to be stored), or a stored answer reused. */
  asked: boolean;
  fence: { submissionId: string; checkAttempts: number; states: SubmissionState[] };
};

/**
 * The part of verifying a claimed submission outside any transaction: asks the platform (unless its
 * stored answer settles it). Settles at once what needs no decision (carrier proofs, unreadable proofs,
 * dates that rule it out, the platform refusing or away); else returns the answer to decide.
 * `invoice`: the proof's invoice row when the caller loaded it already.
 */
export async function checkClaimedSubmission(
  deps: SubmissionsDeps,
  claimed: Submission,
  campaign: CampaignWithSettings,
  loaded?: { invoice: InvoiceRecord | undefined },
  permit?: BudgetPermit,
): Promise<{ result: SubmitProofResult } | { answered: AnsweredCheck }> {
  if (claimed.kind === 'einvoice_carrier')
    return {
      result:
        claimed.proofKey === null
          ? await processCarrierProof(deps, claimed, campaign)
          : await verifyCarrierInvoice(deps, claimed, campaign),
    };
  const repository = createSubmissionsRepository({ db: deps.db });
  const parsed = (claimed.rawInput as RawInput).parsed;
  const invoice = loaded
    ? loaded.invoice
    : claimed.invoiceId
      ? await repository.getInvoice(claimed.invoiceId)
      : undefined;
  const fence = { submissionId: claimed.id, checkAttempts: claimed.checkAttempts, states: VERIFIABLE_STATES };
  if (!parsed?.randomCode || !invoice) {
    const now = deps.clock.now();
    const row = await repository.updateIfClaimed({
      ...fence,
      values: { state: 'rejected', reasonCode: 'verification.unreadable', decidedAt: now, updatedAt: now },
    });
    return { result: resultOfStored(row ?? (await reload(repository, claimed))) };
  }
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
        campaignVersion: campaign.version,
        decision: decision as unknown as Record<string, unknown>,
        nextCheckAt: null,
        decidedAt: now,
        updatedAt: now,
      },
    });
    return {
      result: row ? { ...resultOfStored(row), decision } : resultOfStored(await reload(repository, claimed)),
    };
  }

  let answer = reuseStoredAnswer(invoice.platformAnswer as StoredPlatformAnswer | null, parsed.randomCode);
  const asked = !answer;
  if (!answer) {
    try {
      const query = detailQuery(parsed);
      answer = await (permit
        ? deps.platform.getInvoiceDetail(query, { permit })
        : deps.platform.getInvoiceDetail(query));
    } catch (error) {
      const now = deps.clock.now();
      if (isAppError(error) && error.code !== 'einvoice_platform.unavailable') {
        // The platform refused the question itself (bad parameters, query cap): asking again will not help.
        const row = await repository.updateIfClaimed({
          ...fence,
          values: { state: 'rejected', reasonCode: error.code, decidedAt: now, updatedAt: now },
        });
        return { result: resultOfStored(row ?? (await reload(repository, claimed))) };
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
      return { result: { ...resultOfStored(row ?? (await reload(repository, claimed))), nextCheckAt } };
    }
  }
  return {
    answered: {
      claimed,
      campaign,
      parsed: { ...parsed, randomCode: parsed.randomCode },
      invoice,
      answer,
      asked,
      fence,
    },
  };
}

/** What the platform's answer is kept as on the invoice row. */
export function storedAnswerOf(answered: AnsweredCheck, now: Date): StoredPlatformAnswer {
  const { answer, parsed } = answered;
  return {
    status: answer.status,
    randomCode: parsed.randomCode,
    checkedAt: now.toISOString(),
    ...(answer.status === 'not_found' ? {} : { invoice: answer.invoice }),
  };
}

/**
 * Decides an answered proof in the caller's transaction: stores the answer (when asked now), and applies
 * the rules and grants the rewards (found), waits for the upload (not found before its deadline), or
 * refuses it. Fenced: only the runner that holds the claim decides it.
 */
export async function settleAnswer(
  tx: Executor,
  deps: SubmissionsDeps,
  answered: AnsweredCheck,
  now: Date,
): Promise<SubmitProofResult> {
  const { claimed, campaign, parsed, invoice, answer: settled, asked, fence } = answered;
  const txRepository = createSubmissionsRepository({ db: tx });
  // A found answer stored now hands back the invoice's header: its line items need not read it again. The
  // statement also takes the decision's member–campaign lock (one statement fewer after the MoF's answer).
  const header = asked
    ? await txRepository.storePlatformAnswer({
        generateId: deps.generateId,
        invoice,
        answer: storedAnswerOf(answered, now),
        now,
        ...(settled.status === 'found' ? { lock: memberCampaignLock(claimed) } : {}),
      })
    : undefined;
  const verification = { status: settled.status, checkedAt: now.toISOString() };

  if (settled.status === 'found') {
    return decideInTransaction(tx, deps, {
      submission: claimed,
      campaign,
      invoice: rulesInvoiceFromPlatform(settled.invoice, parsed),
      ...(header ? { header, memberCampaignLocked: true } : {}),
      verification,
      fence,
      now,
    });
  }
  return settleUnfound(tx, answered, now);
}

/**
 * A "not found" or a wrong random code: waits for the upload until the deadline (a "not found" before it is
 * asked again later), else refused. The deadline is worked out only here: a found invoice never needs it.
 */
export async function settleUnfound(
  tx: Executor,
  { claimed, campaign, parsed, answer, fence }: AnsweredCheck,
  now: Date,
): Promise<SubmitProofResult> {
  const txRepository = createSubmissionsRepository({ db: tx });
  const deadline = campaignUploadDeadline(campaign, parsed.invoiceDate);
  if (answer.status === 'not_found' && now < deadline) {
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
  const verification = { status: answer.status, checkedAt: now.toISOString() };
  const reasonCode =
    answer.status === 'not_found' ? 'verification.not_uploaded' : 'verification.random_code_mismatch';
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
}

/**
 * The refusal on the date rules alone (purchase date, registration window, registering within N days),
 * when one of them fails: they need nothing from the platform, and a failed rule leaves no reward, no
 * matched item.
 */
export function refuseOnDates(
  campaign: CampaignWithSettings,
  parsed: ParsedInvoice,
  registeredAt: Date,
): RulesDecision | undefined {
  const verdicts = dateRuleVerdicts(campaign.settings, parsed.invoiceDate, registeredAt);
  if (verdicts.every((verdict) => verdict.passed)) return undefined;
  return {
    qualifies: false,
    verdicts,
    matchedItems: [],
    matchedAmountMinor: 0,
    matchedGroups: [],
    rewards: NO_REWARDS,
  };
}

export function detailQuery(parsed: ParsedInvoice): InvoiceDetailQuery {
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

/** The invoice row a parsed e-invoice proof stores before it is checked (unverified). */
export function unverifiedInvoiceOf(brandId: string, parsed: ParsedInvoice, now: Date) {
  return {
    brandId,
    kind: 'einvoice' as const,
    invoiceNumber: parsed.invoiceNumber,
    invoiceDate: parsed.invoiceDate,
    randomCode: parsed.randomCode,
    sellerTaxId: parsed.sellerBan,
    buyerTaxId: parsed.buyerBan,
    currency: 'TWD',
    salesAmountMinor: parsed.salesAmount === null ? null : toMinor(parsed.salesAmount),
    // Typed text carries no amount: 0 until the platform's answer fills it in.
    totalAmountMinor: parsed.totalAmount === null ? 0 : toMinor(parsed.totalAmount),
    status: 'unverified' as const,
    source: parsed.source === 'text' ? ('text' as const) : ('qr' as const),
    createdAt: now,
    updatedAt: now,
  };
}
