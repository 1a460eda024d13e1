import {
  CHECKED_RULE_OF,
  evaluateCampaignRules,
  firstFailedVerdict,
  localDateOf,
  type CampaignForRules,
  type CheckedRuleKey,
} from '../campaigns/index.js';
import type { DecidedSubmission } from '../submissions/index.js';

/**
 * The what-if replay, pure: decided proofs go through draft rules in registration order (so per-member
 * caps count as they would have), and what changes against the real decisions is tallied — by the rule
 * that flips each proof, with a few examples per bucket, and what the rewards would have cost.
 */

/** Examples kept per bucket. @default 20 */
export const REPLAY_EXAMPLES_PER_BUCKET = 20;

/** `review`: accepted then, but a photo the draft would refuse — a person would decide it again. */
export type ReplayDirection = 'gained' | 'lost' | 'review';

export type ReplayExample = {
  submissionId: string;
  memberId: string;
  /** The invoice number, else the store's name. */
  proof: string;
  invoiceDate: string | null;
  totalAmountMinor: number | null;
  /** The reason key of the rule that flips it (`rules.min_amount.below_minimum`). */
  reasonKey: string | null;
  before: { points: number; entries: number };
  after: { points: number; entries: number };
};

export type ReplayBucket = {
  direction: ReplayDirection;
  /** For `gained`: the rule that refused it then; for `lost`: the rule that refuses it now. */
  rule: CheckedRuleKey;
  count: number;
  examples: ReplayExample[];
};

export type ReplayResult = {
  /** Decided proofs in the window. */
  total: number;
  /** Those judged again (a purchase was read, and a rule — not the e-invoice platform — decided). */
  replayed: number;
  /** Kept as decided: nothing was read, or the platform refused it (no rule can change that). */
  notReplayable: number;
  before: { accepted: number; rejected: number };
  /** `needsReview`: photos the draft would refuse go to a person in the real path, so they are not counted refused. */
  after: { accepted: number; rejected: number; needsReview: number };
  changed: { gained: number; lost: number; review: number };
  buckets: ReplayBucket[];
  cost: {
    points: { before: number; after: number; extra: number };
    entries: { before: number; after: number; extra: number };
  };
};

type MemberCounts = { total: number; days: Map<string, number> };

export function createReplayAccumulator({
  campaign,
  examplesPerBucket = REPLAY_EXAMPLES_PER_BUCKET,
}: {
  campaign: CampaignForRules;
  examplesPerBucket?: number;
}) {
  const members = new Map<string, MemberCounts>();
  const buckets = new Map<string, ReplayBucket>();
  const result: ReplayResult = {
    total: 0,
    replayed: 0,
    notReplayable: 0,
    before: { accepted: 0, rejected: 0 },
    after: { accepted: 0, rejected: 0, needsReview: 0 },
    changed: { gained: 0, lost: 0, review: 0 },
    buckets: [],
    cost: { points: { before: 0, after: 0, extra: 0 }, entries: { before: 0, after: 0, extra: 0 } },
  };

  const bucketOf = (direction: ReplayDirection, rule: CheckedRuleKey) => {
    const key = `${direction}:${rule}`;
    let bucket = buckets.get(key);
    if (!bucket) {
      bucket = { direction, rule, count: 0, examples: [] };
      buckets.set(key, bucket);
    }
    return bucket;
  };

  const tally = (accepted: boolean, side: 'before' | 'after', points: number, entries: number) => {
    result[side][accepted ? 'accepted' : 'rejected'] += 1;
    result.cost.points[side] += points;
    result.cost.entries[side] += entries;
  };
  const tallyReview = () => {
    result.after.needsReview += 1;
  };

  return {
    add(row: DecidedSubmission) {
      result.total += 1;
      const { points: beforePoints, entries: beforeEntries } = row.rewards;
      tally(row.accepted, 'before', beforePoints, beforeEntries);
      const refusedBy = row.refusedBy;
      // Nothing read, or refused by the platform rather than a rule: the draft cannot change it.
      if (!row.invoice || (!row.accepted && !refusedBy)) {
        result.notReplayable += 1;
        tally(row.accepted, 'after', beforePoints, beforeEntries);
        if (row.accepted) count(members, row.memberId, localDateOf(row.createdAt, campaign.timezone));
        return;
      }
      result.replayed += 1;
      const day = localDateOf(row.createdAt, campaign.timezone);
      const counts = members.get(row.memberId);
      const decision = evaluateCampaignRules({
        campaign,
        invoice: row.invoice,
        registeredAt: row.createdAt,
        context: {
          memberAcceptedToday: counts?.days.get(day) ?? 0,
          memberAcceptedInCampaign: counts?.total ?? 0,
        },
      });
      const accepted = decision.qualifies;
      const afterPoints = accepted ? decision.rewards.points : 0;
      const afterEntries = accepted ? decision.rewards.entries : 0;
      // A photo the draft would refuse is not refused by a machine in the real path (it refuses a photo only
      // on fields it read surely, and most decided photos were a reviewer's): a person would decide it.
      const toReview = !accepted && row.photo;
      if (toReview) tallyReview();
      else tally(accepted, 'after', afterPoints, afterEntries);
      if (accepted) count(members, row.memberId, day);
      if (accepted === row.accepted || (toReview && !row.accepted)) return;

      const flip = accepted ? refusedBy : firstFailedVerdict(decision);
      const direction: ReplayDirection = accepted ? 'gained' : toReview ? 'review' : 'lost';
      result.changed[direction] += 1;
      const bucket = bucketOf(direction, CHECKED_RULE_OF[flip?.rule ?? 'purchase_date'] ?? 'purchaseWindow');
      bucket.count += 1;
      if (bucket.examples.length < examplesPerBucket)
        bucket.examples.push({
          submissionId: row.id,
          memberId: row.memberId,
          proof: row.invoice.invoiceNumber ?? row.invoice.sellerName ?? row.id,
          invoiceDate: row.invoice.invoiceDate,
          totalAmountMinor: row.invoice.totalAmountMinor,
          reasonKey: flip?.reasonKey ?? null,
          before: { points: beforePoints, entries: beforeEntries },
          after: { points: afterPoints, entries: afterEntries },
        });
    },
    result(): ReplayResult {
      const sorted = [...buckets.values()].sort(
        (a, b) => b.count - a.count || a.direction.localeCompare(b.direction) || a.rule.localeCompare(b.rule),
      );
      return {
        ...result,
        buckets: sorted,
        cost: {
          points: { ...result.cost.points, extra: result.cost.points.after - result.cost.points.before },
          entries: { ...result.cost.entries, extra: result.cost.entries.after - result.cost.entries.before },
        },
      };
    },
  };
}

function count(members: Map<string, MemberCounts>, memberId: string, day: string) {
  let counts = members.get(memberId);
  if (!counts) {
    counts = { total: 0, days: new Map() };
    members.set(memberId, counts);
  }
  counts.total += 1;
  counts.days.set(day, (counts.days.get(day) ?? 0) + 1);
}
