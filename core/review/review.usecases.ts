import { recordAudit } from '../audit/index.js';
import type { Executor } from '../db/database.js';
import type { ReceiptReading } from '../receipts/index.js';
import { createValidationError } from '../shared/errors.js';
import {
  confirmHeldProof,
  listHeldWinnerProofs,
  rejectHeldProof,
  settleDrawWinners,
  type HeldProofDecision,
} from '../payouts/index.js';
import {
  createSubmissionNotFoundError,
  decideReviewedSubmission,
  resultOfStored,
  type SubmitProofResult,
} from '../submissions/index.js';
import { createReviewItemLeasedError } from './review.errors.js';
import { REVIEW_REJECT_REASONS, rejectionReasonCode, type ReviewRejectReason } from './review.models.js';
import { judgeFields, memberCounts } from './review.queue.js';
import { createReviewRepository } from './review.repository.js';
import { correctedFieldsSchema, type CorrectedFields } from './review.schemas.js';
import type { ReviewDeps, Reviewer } from './review.types.js';
import { createCampaignsRepository, readCampaignSettings } from '../campaigns/index.js';

function parseCorrections(corrections: CorrectedFields | undefined): CorrectedFields {
  const parsed = correctedFieldsSchema.safeParse(corrections ?? {});
  if (!parsed.success)
    throw createValidationError({
      message: 'Invalid corrected fields',
      details: {
        issues: parsed.error.issues.map((issue) => ({
          path: ['fields', ...issue.path.map(String)],
          message: issue.message,
        })),
      },
    });
  return parsed.data;
}

/** The item, its campaign and reading, refusing when another reviewer holds a live lease on it. */
async function loadForDecision(
  deps: ReviewDeps,
  { brandId, submissionId, reviewer }: { brandId: string; submissionId: string; reviewer: Reviewer },
) {
  const repository = createReviewRepository({ db: deps.db });
  const row = await repository.itemRow({ brandId, submissionId });
  if (!row) throw createSubmissionNotFoundError({ details: { submissionId } });
  const lease = await repository.getLease(submissionId);
  if (lease && lease.reviewerId !== reviewer.id && lease.expiresAt > deps.clock.now())
    throw createReviewItemLeasedError({
      message: `${lease.reviewerName} is working on this proof`,
      details: { submissionId, reviewer: lease.reviewerName, expiresAt: lease.expiresAt },
    });
  const campaignRow = await createCampaignsRepository({
    db: deps.db,
    generateId: deps.generateId,
  }).getCampaign({
    brandId,
    campaignId: row.submission.campaignId,
  });
  if (!campaignRow) throw createSubmissionNotFoundError({ details: { submissionId } });
  const [held] = await listHeldWinnerProofs(deps.db, { brandId, submissionId });
  return {
    row,
    repository,
    campaign: readCampaignSettings(campaignRow),
    reading: row.image.reading as unknown as ReceiptReading | null,
    /** The proof was accepted without a person and draw wins wait on it (not an `in_review` proof). */
    heldForWins: held !== undefined,
  };
}

/** What a decision on a held winner's proof answers: the proof as it now stands, and what it released. */
async function heldResult(
  deps: ReviewDeps,
  { brandId, submissionId, decided }: { brandId: string; submissionId: string; decided: HeldProofDecision },
): Promise<SubmitProofResult & { drawWins: HeldProofDecision }> {
  const row = await createReviewRepository({ db: deps.db }).itemRow({ brandId, submissionId });
  if (!row) throw createSubmissionNotFoundError({ details: { submissionId } });
  return { ...resultOfStored(row.submission), drawWins: decided };
}

/**
 * What approving with these corrections would do, without doing it: the purchase the rules would judge,
 * each rule's verdict and the rewards (or the fields missing to judge it).
 */
export async function previewReviewItem(
  deps: ReviewDeps,
  {
    brandId,
    submissionId,
    reviewer,
    corrections,
  }: { brandId: string; submissionId: string; reviewer: Reviewer; corrections?: CorrectedFields },
) {
  const fields = parseCorrections(corrections);
  const { row, campaign, reading } = await loadForDecision(deps, { brandId, submissionId, reviewer });
  const counts = await memberCounts(deps, campaign, row.submission);
  const judged = judgeFields(campaign, {
    reading,
    corrections: fields,
    registeredAt: row.submission.createdAt,
    counts,
  });
  if (!judged.ok)
    return {
      canApprove: false,
      missing: judged.missing,
      fields: judged.fields,
      qualifies: false,
      verdicts: [],
      rewards: null,
    };
  return {
    canApprove: true,
    missing: [],
    fields: judged.fields,
    invoice: judged.invoice,
    qualifies: judged.rules.qualifies,
    verdicts: judged.rules.verdicts,
    rewards: judged.rules.qualifies ? judged.rules.rewards : null,
  };
}

/**
 * Approves a queued photo proof with the reviewer's corrections, then hands it to the submissions
 * capability, which runs the same rules and rewards as any other proof. Audited with what changed, in the
 * deciding transaction, and only when this approval decided the proof (not a repeat or a lost race).
 */
export async function approveReviewItem(
  deps: ReviewDeps,
  {
    brandId,
    submissionId,
    reviewer,
    corrections,
  }: { brandId: string; submissionId: string; reviewer: Reviewer; corrections?: CorrectedFields },
): Promise<SubmitProofResult> {
  const fields = parseCorrections(corrections);
  const { row, repository, campaign, reading, heldForWins } = await loadForDecision(deps, {
    brandId,
    submissionId,
    reviewer,
  });
  if (heldForWins) {
    // Accepted already (rules and rewards ran): the reviewer confirms the photo, and the winners are told.
    const decided = await confirmHeldProof(deps, {
      brandId,
      submissionId,
      reviewerId: reviewer.id,
      data: Object.keys(fields).length > 0 ? { corrections: fields } : {},
    });
    await repository.clearLease(submissionId);
    return heldResult(deps, { brandId, submissionId, decided });
  }
  const judged = judgeFields(campaign, {
    reading,
    corrections: fields,
    registeredAt: row.submission.createdAt,
  });
  if (!judged.ok)
    throw createValidationError({
      message: 'A date and a total are needed to approve',
      details: {
        missing: judged.missing,
        issues: judged.missing.map((name) => ({ path: ['fields', name], message: 'Needed to approve' })),
      },
    });
  const result = await decideReviewedSubmission(deps, {
    brandId,
    submissionId,
    reviewerId: reviewer.id,
    onDecided: (tx, decided) =>
      audit(tx, deps, {
        brandId,
        reviewerId: reviewer.id,
        action: 'review.approved',
        submissionId,
        data: { corrections: fields, outcome: decided.outcome },
      }),
    verdict: {
      action: 'approve',
      kind:
        judged.fields.invoiceNumber || row.image.readingKind === 'paper-invoice'
          ? 'paper_invoice'
          : 'receipt',
      invoice: judged.invoice,
    },
  });
  await repository.clearLease(submissionId);
  return result;
}

/**
 * Rejects a queued photo proof with the reviewer's reason; the reason is stored as `review.<code>` so the
 * member is told it in their language.
 */
export async function rejectReviewItem(
  deps: ReviewDeps,
  {
    brandId,
    submissionId,
    reviewer,
    reasonCode,
    note,
  }: { brandId: string; submissionId: string; reviewer: Reviewer; reasonCode: string; note?: string },
): Promise<SubmitProofResult> {
  if (!(REVIEW_REJECT_REASONS as readonly string[]).includes(reasonCode))
    throw createValidationError({
      message: `Unknown reason code: ${reasonCode}`,
      details: {
        allowed: REVIEW_REJECT_REASONS,
        issues: [{ path: ['reasonCode'], message: 'Unknown reason code' }],
      },
    });
  const { repository, heldForWins } = await loadForDecision(deps, { brandId, submissionId, reviewer });
  if (heldForWins) {
    const decided = await rejectHeldProof(deps, {
      brandId,
      submissionId,
      reviewerId: reviewer.id,
      reasonCode: rejectionReasonCode(reasonCode as ReviewRejectReason),
      data: note ? { note } : {},
    });
    await repository.clearLease(submissionId);
    await settleAfterRejection(deps, { brandId, drawIds: decided.drawIds });
    return heldResult(deps, { brandId, submissionId, decided });
  }
  const result = await decideReviewedSubmission(deps, {
    brandId,
    submissionId,
    reviewerId: reviewer.id,
    onDecided: (tx) =>
      audit(tx, deps, {
        brandId,
        reviewerId: reviewer.id,
        action: 'review.rejected',
        submissionId,
        data: { reasonCode, ...(note ? { note } : {}) },
      }),
    verdict: { action: 'reject', reasonCode: rejectionReasonCode(reasonCode as ReviewRejectReason) },
  });
  await repository.clearLease(submissionId);
  return result;
}

/**
 * After a rejection forfeited draw wins: the next reserve of each draw steps up and is checked in turn
 * (platform re-check, or held for review too), now when the platform is at hand. A failure here loses
 * nothing: the decision is committed and the draws job settles the draw on its next run.
 */
async function settleAfterRejection(
  deps: ReviewDeps,
  { brandId, drawIds }: { brandId: string; drawIds: string[] },
) {
  const { platform } = deps;
  if (!platform) return;
  for (const drawId of drawIds) {
    try {
      await settleDrawWinners({ ...deps, platform }, { brandId, drawId });
    } catch (error) {
      deps.logger?.warn({ err: error, drawId }, 'could not settle a draw after a rejected winner proof');
    }
  }
}

/** The reviewer's audit row, written in the deciding transaction (`tx`) only when the verdict changed the proof. */
function audit(
  tx: Executor,
  deps: ReviewDeps,
  entry: {
    brandId: string;
    reviewerId: string;
    action: string;
    submissionId: string;
    data: Record<string, unknown>;
  },
) {
  return recordAudit(tx, deps, {
    brandId: entry.brandId,
    actorType: 'console_user',
    actorId: entry.reviewerId,
    action: entry.action,
    targetType: 'submission',
    targetId: entry.submissionId,
    data: entry.data,
  });
}
