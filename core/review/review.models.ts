/** Pure rules of the review queue: why an item waits, how long a lease lasts. */

/** Why a proof is waiting for a person, as the queue filters name it. */
export const REVIEW_FLAG_REASONS = ['low_confidence', 'duplicate_photo', 'velocity', 'rule_doubt'] as const;
export type ReviewFlagReason = (typeof REVIEW_FLAG_REASONS)[number];

/** Kinds of reading a queued photo can have. */
export const REVIEW_KINDS = ['receipt', 'paper-invoice', 'unreadable', 'einvoice'] as const;

/** The reasons a reviewer picks when rejecting (the consumer is told the chosen one in their language). */
export const REVIEW_REJECT_REASONS = [
  'not_a_receipt',
  'unreadable',
  'duplicate',
  'outside_campaign_period',
  'store_not_eligible',
  'products_not_eligible',
  'suspected_fraud',
  'other',
] as const;
export type ReviewRejectReason = (typeof REVIEW_REJECT_REASONS)[number];

/** A lease lapses after this long without a renewal: the page renews it every minute while it is open. */
export const REVIEW_LEASE_MS = 5 * 60_000;

/** Below this overall confidence a reading counts as "low confidence" in the queue. */
export const LOW_CONFIDENCE_BELOW = 0.75;

/**
 * The queue's reasons for one item, from what intake recorded: the reading's confidence, the fraud flags
 * (`duplicate_image`, `duplicate_content`, `velocity`) and whether the campaign rules fail on what was
 * read (a doubt a person settles).
 */
export function flagReasonsOf({
  confidence,
  flags,
  rulesPass,
}: {
  confidence: number | null;
  flags: readonly string[];
  /** Whether the campaign rules pass on the fields read; undefined when they cannot be run (no date/total). */
  rulesPass: boolean | undefined;
}): ReviewFlagReason[] {
  const reasons: ReviewFlagReason[] = [];
  if (confidence === null || confidence < LOW_CONFIDENCE_BELOW) reasons.push('low_confidence');
  if (flags.includes('duplicate_image') || flags.includes('duplicate_content'))
    reasons.push('duplicate_photo');
  if (flags.includes('velocity')) reasons.push('velocity');
  if (rulesPass === false) reasons.push('rule_doubt');
  return reasons;
}

/** The consumer-facing reason code stored on a rejected submission for a reviewer's reason. */
export function rejectionReasonCode(reason: ReviewRejectReason): string {
  return `review.${reason}`;
}
