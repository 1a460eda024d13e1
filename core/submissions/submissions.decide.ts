import {
  addDays,
  createCampaignsRepository,
  evaluateCampaignRules,
  listActiveCampaignsStamped,
  firstFailedVerdict,
  localDateOf,
  NO_REWARDS,
  startOfLocalDay,
  type Campaign,
  type CampaignWithSettings,
  type ProofKind,
  type RewardQuantities,
  type RuleName,
  type RulesContext,
  type RulesDecision,
  type RulesInvoice,
} from '../campaigns/index.js';
import { recordAcceptedLineItems } from '../analytics/index.js';
import type { PurchaseHeader } from '../invoices/index.js';
import { members } from '../members/members.table.js';
import { eq } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { grantRewardsForSubmission, type GrantRewardsResult } from '../rewards/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { outcomeOfState } from './submissions.models.js';
import {
  createSubmissionsRepository,
  type NewSubmission,
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

const CARRIER_REJECTED_ERRORS: SubmissionIssue[] = [
  { field: 'verificationCode', reason: 'carrier.rejected' },
];

export function leaseMs(deps: SubmissionsDeps) {
  return deps.leaseMs ?? DEFAULT_LEASE_MS;
}

export async function resolveCampaign(
  deps: Pick<SubmissionsDeps, 'db' | 'generateId' | 'clock'>,
  command: Pick<SubmitProofCommand, 'brandId' | 'campaignId' | 'activeCampaigns'>,
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
  // The rows read for an earlier proof when the event's context saw them unchanged (their row stamps).
  const active = (
    await listActiveCampaignsStamped(deps.db, { brandId: command.brandId, stamps: command.activeCampaigns })
  ).filter(accepts);
  // The campaign open for registration now; else the one that opens next or closed last (the rules say why).
  return active.find((c) => c.registerFrom <= now && now <= c.registerTo) ?? active[0];
}

export async function answerConflict(
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

export function resultOfStored(submission: Submission): SubmitProofResult {
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

export async function reload(repository: SubmissionsRepository, submission: Submission): Promise<Submission> {
  return (
    (await repository.getSubmission({ brandId: submission.brandId, submissionId: submission.id })) ??
    submission
  );
}

/**
 * What the rules make of a purchase: accepted, rejected, or — when a machine read it and is unsure of a
 * field a failed rule judges — left for a person. Pure: the deciding transaction and the rule checker
 * (`checkProofs`) both call it, so the checker cannot drift from real decisions.
 */
export function judgeRules({
  campaign,
  invoice,
  registeredAt,
  context,
  mayRefuseOn,
}: {
  campaign: Pick<CampaignWithSettings, 'settings'>;
  invoice: RulesInvoice;
  registeredAt: Date;
  context: RulesContext;
  mayRefuseOn?: (rule: RuleName) => boolean;
}): { state: 'accepted' | 'rejected' | 'in_review'; rules: RulesDecision } {
  const rules = evaluateCampaignRules({ campaign: campaign.settings, invoice, registeredAt, context });
  if (rules.qualifies) return { state: 'accepted', rules };
  // Unsure of what it read, a machine asks a person rather than says no.
  if (mayRefuseOn && rules.verdicts.some((v) => !v.passed && !mayRefuseOn(v.rule)))
    return { state: 'in_review', rules };
  return { state: 'rejected', rules };
}

/**
 * Applies the rules and, for a qualifying proof, hands the rewards over — all in the caller's
 * transaction, serialised per member and campaign so the caps hold, and fenced so that only the runner
 * that holds the submission decides it.
 */
export async function decideInTransaction(
  tx: Executor,
  deps: Pick<SubmissionsDeps, 'generateId' | 'clock'>,
  {
    submission,
    campaign,
    invoice,
    header,
    memberCampaignLocked = false,
    verification,
    fence,
    now,
    reviewerId,
    mayRefuseOn,
  }: {
    submission: Submission;
    campaign: CampaignWithSettings;
    invoice: RulesInvoice;
    /** The stored invoice's header as this transaction wrote it, when it did (else the line items read it). */
    header?: PurchaseHeader;
    /** The transaction took `lockMemberCampaign` already (with the statement that stored the header). */
    memberCampaignLocked?: boolean;
    verification: SubmissionDecision['verification'];
    fence: { submissionId: string; checkAttempts: number; states: SubmissionState[] };
    now: Date;
    reviewerId?: string;
    /**
     * Whether a failed rule may refuse the proof without a person (a photo read by OCR: only on fields
     * read surely). A failure it may not refuse on leaves the proof in review. @default every rule may
     */
    mayRefuseOn?: (rule: RuleName) => boolean;
  },
): Promise<SubmitProofResult> {
  const repository = createSubmissionsRepository({ db: tx });
  if (!memberCampaignLocked)
    await repository.lockMemberCampaign({ memberId: submission.memberId, campaignId: submission.campaignId });
  const registeredAt = submission.createdAt;
  const day = localDateOf(registeredAt, campaign.timezone);
  // The counts and the fence in one statement: the row is locked here when still claimed (an accepted
  // decision writes it once, below; a refusal's fenced update would take the same lock).
  const counts = await repository.countAcceptedAndLock({
    memberId: submission.memberId,
    campaignId: submission.campaignId,
    dayStart: startOfLocalDay(day, campaign.timezone),
    dayEnd: startOfLocalDay(addDays(day, 1), campaign.timezone),
    excludeId: submission.id,
    fence,
  });
  const judged = judgeRules({
    campaign,
    invoice,
    registeredAt,
    context: { memberAcceptedToday: counts.today, memberAcceptedInCampaign: counts.total },
    mayRefuseOn,
  });
  if (judged.state === 'in_review') return resultOfStored(submission);
  const rules = judged.rules;
  const decision: SubmissionDecision = {
    ...rules,
    rewards: rules.qualifies ? rules.rewards : NO_REWARDS,
    ...(verification ? { verification } : {}),
    ...(reviewerId ? { reviewedBy: reviewerId } : {}),
    decidedAt: now.toISOString(),
  };
  const reasonCode = rules.qualifies ? null : (firstFailedVerdict(rules)?.reasonKey ?? 'rules.failed');
  const values = {
    reasonCode,
    campaignVersion: campaign.version,
    nextCheckAt: null,
    decidedAt: now,
    updatedAt: now,
    ...(reviewerId ? { reviewedBy: reviewerId } : {}),
  };
  if (!rules.qualifies) {
    const decided = await repository.updateIfClaimed({
      ...fence,
      values: { ...values, state: 'rejected', decision: decision as unknown as Record<string, unknown> },
    });
    if (!decided) return resultOfStored(await reload(repository, submission));
    return { ...resultOfStored(decided), decision, rewards: { quantities: NO_REWARDS } };
  }
  // Accepted: the fence is taken as a row lock, and the row is written once, in its final state
  // (rewarded, or accepted and held for registration), as the batch decisions do: one round of the
  // submissions triggers (rollups, member purchases and facts, the outbound wake) instead of two.
  if (!counts.claimed) return resultOfStored(await reload(repository, submission));
  const accepted: Submission = {
    ...submission,
    ...values,
    state: 'accepted',
    decision: decision as unknown as Record<string, unknown>,
  };
  // The purchase joins the analytics in the deciding transaction, with the items the rules judged.
  await recordAcceptedLineItems(tx, {
    submission: accepted,
    itemGroups: campaign.settings.rules.itemGroups,
    items: invoice.items,
    ...(header ? { invoice: header } : {}),
  });
  const writeOnce = async (final: Partial<NewSubmission>) => {
    const row = await repository.updateIfClaimed({ ...fence, values: { ...values, ...final } });
    // The row is locked by this transaction since `countAcceptedAndLock`: nobody else can have moved it.
    if (!row) throw new Error(`submission ${submission.id} moved while locked`);
    return row;
  };
  if (campaign.settings.rewards.registrationRequired && !(await isRegistered(tx, accepted.memberId))) {
    const held: SubmissionDecision = { ...decision, heldFor: 'registration' };
    const waiting = await writeOnce({
      state: 'accepted',
      decision: held as unknown as Record<string, unknown>,
    });
    return {
      outcome: 'accepted',
      submission: waiting,
      decision: held,
      rewards: { quantities: held.rewards },
    };
  }

  const granted = await handOffRewards({
    tx,
    generateId: deps.generateId,
    clock: deps.clock,
    submission: accepted,
    quantities: decision.rewards,
    campaign,
  });
  const rewarded = await writeOnce({
    state: 'rewarded',
    decision: { ...decision, granted } as unknown as Record<string, unknown>,
  });
  return {
    outcome: 'accepted',
    submission: rewarded,
    decision: { ...decision, granted },
    rewards: { quantities: decision.rewards, granted },
  };
}

/**
 * Grants an accepted proof its rewards and marks it `rewarded` with what was granted, in the caller's
 * transaction: at the decision, or later when registration releases rewards a campaign held.
 */
export async function rewardAccepted(
  tx: Executor,
  { generateId, clock }: { generateId: IdGenerator; clock: Clock },
  submission: Submission,
  decision: SubmissionDecision,
  now: Date,
  /** The campaign the decision was made with, when the caller has it (else the grant reads it). */
  campaign?: Pick<Campaign, 'id' | 'rewards' | 'timezone'>,
): Promise<{ submission: Submission; granted: GrantRewardsResult }> {
  const granted = await handOffRewards({
    tx,
    generateId,
    clock,
    submission,
    quantities: decision.rewards,
    campaign,
  });
  const rewarded = await createSubmissionsRepository({ db: tx }).updateSubmission(submission.id, {
    state: 'rewarded',
    decision: { ...decision, granted } as unknown as Record<string, unknown>,
    updatedAt: now,
  });
  return { submission: rewarded, granted };
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
  campaign,
}: {
  tx: Executor;
  generateId: IdGenerator;
  clock: Clock;
  submission: Pick<Submission, 'id' | 'brandId' | 'campaignId' | 'memberId'>;
  quantities: RewardQuantities;
  campaign?: Pick<Campaign, 'id' | 'rewards' | 'timezone'>;
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
    ...(campaign ? { campaign } : {}),
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

/**
 * Whether the member has registered, read under a share lock: a registration committing meanwhile either
 * waits for this decision (and then releases what it held) or is seen by it, so no held reward is missed.
 */
async function isRegistered(tx: Executor, memberId: string): Promise<boolean> {
  const [member] = await tx
    .select({ registeredAt: members.registeredAt })
    .from(members)
    .where(eq(members.id, memberId))
    .for('share');
  return Boolean(member?.registeredAt);
}
