import {
  readCampaignSettings,
  type CampaignWithSettings,
  type RuleName,
  type RulesInvoice,
} from '../campaigns/index.js';
import { isUniqueViolation, type Database } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { receiptProofKey, taiwanInvoiceProofKey } from './submissions.models.js';
import {
  createSubmissionsRepository,
  type InvoiceRecord,
  type Submission,
  type SubmissionsRepository,
} from './submissions.repository.js';
import type {
  OnDecided,
  SubmissionsDeps,
  SubmitProofCommand,
  SubmitProofResult,
} from './submissions.types.js';
import { resolveCampaign, resultOfStored, reload, decideInTransaction } from './submissions.decide.js';

export async function submitReceiptImage(
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
    mayRefuseOn: reading.mayRefuseOn,
  });
}

/** Decides a photo proof (read automatically or reviewed) once its purchase is known. */
export async function decidePhotoProof(
  deps: Pick<SubmissionsDeps, 'db' | 'generateId' | 'clock'>,
  {
    submission,
    campaign,
    kind,
    invoice,
    verification,
    reviewerId,
    mayRefuseOn,
    onDecided,
  }: {
    submission: Submission;
    campaign: CampaignWithSettings;
    kind: 'receipt' | 'paper_invoice';
    invoice: RulesInvoice & { invoiceTime?: string | null };
    verification: 'reviewed' | 'read';
    reviewerId?: string;
    /** For a photo read automatically: whether a failed rule may refuse it (else it stays in review). */
    mayRefuseOn?: (rule: RuleName) => boolean;
    /** Writes with the decision, only when this call decided the proof (see `OnDecided`). */
    onDecided?: OnDecided;
  },
): Promise<SubmitProofResult> {
  const now = deps.clock.now();
  const proofKey = invoice.invoiceNumber
    ? taiwanInvoiceProofKey(invoice.invoiceNumber, invoice.invoiceDate)
    : receiptProofKey(invoice);
  const repository = createSubmissionsRepository({ db: deps.db });
  const holder = await repository.findLiveByProofKey({ campaignId: submission.campaignId, proofKey });
  if (holder && holder.id !== submission.id)
    return rejectAsDuplicate(deps.db, submission, holder, { now, reviewerId, onDecided });
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
      const decided = await decideInTransaction(tx, deps, {
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
        mayRefuseOn,
      });
      // The row was attached in this transaction, so a state out of review is this call's decision.
      if (decided.submission?.state !== 'in_review') await onDecided?.(tx, decided);
      return decided;
    });
  } catch (error) {
    // Someone registered the same purchase between the check and the write.
    if (!isUniqueViolation(error, 'submissions_campaign_proof_key_uq')) throw error;
    const winner = await repository.findLiveByProofKey({ campaignId: submission.campaignId, proofKey });
    return rejectAsDuplicate(deps.db, submission, winner, { now, reviewerId, onDecided });
  }
}

async function rejectAsDuplicate(
  db: Database,
  submission: Submission,
  holder: Submission | undefined,
  { now, reviewerId, onDecided }: { now: Date; reviewerId?: string; onDecided?: OnDecided },
): Promise<SubmitProofResult> {
  const sameMember = holder?.memberId === submission.memberId;
  const outcome = sameMember ? 'duplicate_self' : 'duplicate_other';
  const row = await db.transaction(async (tx) => {
    const rejected = await createSubmissionsRepository({ db: tx }).updateIfClaimed({
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
    if (rejected) await onDecided?.(tx, { ...resultOfStored(rejected), outcome });
    return rejected;
  });
  const result = resultOfStored(row ?? (await reload(createSubmissionsRepository({ db }), submission)));
  return { ...result, outcome };
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
