import {
  createCampaignsRepository,
  readCampaignSettings,
  type CampaignWithSettings,
  type ProofKind,
  type RulesInvoice,
} from '../campaigns/index.js';
import { createSubmissionNotFoundError, createSubmissionNotReviewableError } from './submissions.errors.js';
import { taiwanInvoiceProofKey } from './submissions.models.js';
import { createSubmissionsRepository } from './submissions.repository.js';
import type {
  OnDecided,
  SubmissionsDeps,
  SubmitProofCommand,
  SubmitProofResult,
} from './submissions.types.js';
import { leaseMs, resolveCampaign, answerConflict, resultOfStored, reload } from './submissions.decide.js';
import {
  asksPlatform,
  readEInvoice,
  unverifiedInvoiceOf,
  verifyClaimedSubmission,
  type RawInput,
} from './submissions.einvoice.js';
import { submitReceiptImage, decidePhotoProof } from './submissions.photos.js';
import { submitCarrierProof } from './submissions.carrier.js';
import { QUEUED_REASON_CODE, resultOfSeen, decideInstantCheck } from './submissions.queue.js';
import { notifyWork } from '../db/work-signal.js';

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
  const seen = await (command.seenBefore ??
    repository.findBySourceRef({ brandId: command.brandId, sourceRef: command.sourceRef }));
  if (seen) return resultOfSeen(deps, seen);

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
    if (reading?.status === 'partial') return { outcome: 'incomplete', partial: reading.partial };
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
  // Read once, and only for an instant check (a batch proof is stored as it is).
  let settings: CampaignWithSettings | undefined;
  const settingsOf = () => (settings ??= readCampaignSettings(campaign));
  const proofKey = taiwanInvoiceProofKey(parsed.invoiceNumber, parsed.invoiceDate);
  const rawInput: RawInput = { input: command.input, parsed };

  const stored = await deps.db.transaction(async (tx) => {
    const txRepository = createSubmissionsRepository({ db: tx });
    const invoice = await txRepository.upsertInvoice({
      generateId: deps.generateId,
      invoice: unverifiedInvoiceOf(command.brandId, parsed, now),
    });
    // A check that will not ask the platform (its dates rule it out, a stored answer settles it) takes no
    // permit of the MoF budget and is never queued for one: it is decided in the request. Else a member
    // who would wait too long for the instant check is answered at once; the retry worker checks it in
    // turn and the decision follows by push. Decided before the proof is stored, so it is stored once, as
    // decided (no second write, no second round of the submissions triggers); the budget stays locked
    // from here to the commit. A proof that then turns out stored already (a redelivery racing, the same
    // invoice) leaves its permit unused: the budget is a ceiling, never exceeded.
    const decided =
      instant && asksPlatform(settingsOf(), parsed, invoice, now)
        ? await decideInstantCheck(deps, tx, command, now)
        : undefined;
    const queued = decided?.queued;
    const submission = await txRepository.insertSubmission({
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
      // Instant mode: the sender's own request holds the lease (a crash hands it to the retry worker);
      // queued, it is due at once for the retry worker.
      nextCheckAt: instant && !queued ? new Date(now.getTime() + leaseMs(deps)) : now,
      checkAttempts: instant && !queued ? 1 : 0,
      ...(queued ? { reasonCode: QUEUED_REASON_CODE } : {}),
      createdAt: now,
      updatedAt: now,
    });
    if (!submission || !instant) return { submission };
    if (!queued) return { submission, invoice, permit: decided?.permit };
    // The retry worker is woken when this commits.
    await notifyWork(tx, 'verification');
    return { submission, queued };
  });
  const { submission: created, queued } = stored;

  if (!created) {
    const conflict = await answerConflict(repository, command, campaign.id, proofKey);
    // The holder was rejected between our insert and the read: the proof is free again, so try once more.
    if (conflict) return conflict;
    // Read again: the submission read ahead (`seenBefore`) was read before this conflict.
    if (attempt < 3) return submitProof(deps, { ...command, seenBefore: undefined }, attempt + 1);
    throw new Error(`submission ${command.sourceRef} kept conflicting on ${proofKey}`);
  }
  if (queued) return { outcome: 'queued', submission: created, queue: queued };
  // Batch mode: the verification run checks it (being checked, with the time of that run).
  if (!instant) return { ...resultOfStored(created), nextCheckAt: created.nextCheckAt ?? now };
  // The invoice row as this request stored it: the check does not read it again.
  return verifyClaimedSubmission(
    deps,
    created,
    settingsOf(),
    stored.permit,
    'invoice' in stored ? { invoice: stored.invoice } : undefined,
    { inCallersTransaction: command.decideInCallersTransaction === true },
  );
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
    onDecided,
  }: {
    brandId: string;
    submissionId: string;
    reviewerId: string;
    /** Writes with the decision (the reviewer's audit row), only when this verdict changed the proof. */
    onDecided?: OnDecided;
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
    const rejected = await deps.db.transaction(async (tx) => {
      const row = await createSubmissionsRepository({ db: tx }).updateIfClaimed({
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
      if (row) await onDecided?.(tx, resultOfStored(row));
      return row;
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
    onDecided,
  });
}
