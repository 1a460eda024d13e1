import { addDays, firstFailedVerdict, localDateOf, NO_REWARDS, startOfLocalDay } from '../campaigns/index.js';
import { recordAcceptedLineItemsOfMany } from '../analytics/index.js';
import { members } from '../members/members.table.js';
import { inArray } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { grantRewardsForSubmissions } from '../rewards/index.js';
import { judgeRules, resultOfStored } from './submissions.decide.js';
import { settleAnswer, settleUnfound, storedAnswerOf, type AnsweredCheck } from './submissions.einvoice.js';
import { rulesInvoiceFromPlatform } from './submissions.models.js';
import { createSubmissionsRepository, type Submission } from './submissions.repository.js';
import type { SubmissionDecision, SubmissionsDeps, SubmitProofResult } from './submissions.types.js';

/** Thrown inside a batch's transaction when a proof moved under it: the batch is decided one by one. */
class FenceMovedError extends Error {}

/**
 * Decides many answered proofs in one transaction and a fixed number of statements: the same decisions,
 * rewards and rows as `settleAnswer` one proof after the other in the given order (a member's caps count
 * the earlier proofs of the batch), fenced the same way. When anything goes wrong — a proof moved under
 * it, a failing row — the transaction rolls back and each proof is decided on its own, so one bad row
 * never holds the others. Results in the order given.
 */
export async function settleAnswers(
  deps: SubmissionsDeps,
  answers: readonly AnsweredCheck[],
): Promise<(SubmitProofResult | Error)[]> {
  if (answers.length === 0) return [];
  const now = deps.clock.now();
  if (answers.length > 1) {
    try {
      return await deps.db.transaction((tx) => settleInOneTransaction(tx, deps, answers, now));
    } catch (error) {
      if (!(error instanceof FenceMovedError))
        deps.logger?.warn(
          { err: error, count: answers.length },
          'batch decision failed; deciding one by one',
        );
    }
  }
  const results: (SubmitProofResult | Error)[] = [];
  for (const answered of answers) {
    try {
      results.push(await deps.db.transaction((tx) => settleAnswer(tx, deps, answered, now)));
    } catch (error) {
      results.push(error as Error);
    }
  }
  return results;
}

async function settleInOneTransaction(
  tx: Executor,
  deps: SubmissionsDeps,
  answers: readonly AnsweredCheck[],
  now: Date,
): Promise<SubmitProofResult[]> {
  const repository = createSubmissionsRepository({ db: tx });
  const results: SubmitProofResult[] = new Array(answers.length);
  const found: { index: number; answered: AnsweredCheck }[] = [];
  const foundAnswers: Parameters<typeof repository.storeFoundAnswers>[0]['answers'] = [];
  for (const [index, answered] of answers.entries()) {
    if (answered.answer.status === 'found') {
      found.push({ index, answered });
      if (answered.asked)
        foundAnswers.push({ invoice: answered.invoice, answer: storedAnswerOf(answered, now) });
    }
  }
  const headers = await repository.storeFoundAnswers({
    generateId: deps.generateId,
    answers: foundAnswers,
    now,
  });
  // The few that were not found take the single path (their answer stored by it).
  for (const [index, answered] of answers.entries()) {
    if (answered.answer.status === 'found') continue;
    if (answered.asked)
      await repository.storePlatformAnswer({
        generateId: deps.generateId,
        invoice: answered.invoice,
        answer: storedAnswerOf(answered, now),
        now,
      });
    results[index] = await settleUnfound(tx, answered, now);
  }
  if (found.length === 0) return results;

  // Rules: serialised per member and campaign like `decideInTransaction`, with the earlier proofs of the
  // batch counted as the single path would have found them accepted.
  await repository.lockMemberCampaigns(found.map(({ answered }) => answered.claimed));
  // The fence: every proof still where this runner claimed it, locked until the decisions are written. A
  // proof that moved under the batch changes what the others count: decide them one by one instead.
  const locked = await repository.lockClaimed(
    found.map(({ answered: { claimed } }) => ({ id: claimed.id, checkAttempts: claimed.checkAttempts })),
  );
  if (locked.size !== found.length) throw new FenceMovedError();
  // A member's day in the campaign's time zone: worked out once per zone and day in the batch.
  const days = new Map<string, { dayStart: Date; dayEnd: Date }>();
  const windows = found.map(({ answered: { claimed, campaign } }) => {
    const day = localDateOf(claimed.createdAt, campaign.timezone);
    const key = `${campaign.timezone}\u0000${day}`;
    let bounds = days.get(key);
    if (!bounds) {
      bounds = {
        dayStart: startOfLocalDay(day, campaign.timezone),
        dayEnd: startOfLocalDay(addDays(day, 1), campaign.timezone),
      };
      days.set(key, bounds);
    }
    return { id: claimed.id, memberId: claimed.memberId, campaignId: claimed.campaignId, ...bounds };
  });
  const counts = await repository.countAcceptedMany(windows);
  // The batch's proofs accepted so far, per member and campaign: looked up, not scanned, for each proof
  // (a scan of every earlier acceptance made a batch of 500 quadratic).
  const acceptedSoFar = new Map<string, Date[]>();
  const decisions = found.map(({ answered }, position) => {
    const { claimed, campaign, parsed, answer } = answered;
    if (answer.status !== 'found') throw new Error('unreachable');
    const window = windows[position]!;
    const stored = counts.get(claimed.id) ?? { today: 0, total: 0 };
    const memberCampaign = `${claimed.memberId}\u0000${claimed.campaignId}`;
    const earlier = acceptedSoFar.get(memberCampaign) ?? [];
    const invoice = rulesInvoiceFromPlatform(answer.invoice, parsed);
    const { rules } = judgeRules({
      campaign,
      invoice,
      registeredAt: claimed.createdAt,
      context: {
        memberAcceptedToday:
          stored.today +
          earlier.filter((createdAt) => createdAt >= window.dayStart && createdAt < window.dayEnd).length,
        memberAcceptedInCampaign: stored.total + earlier.length,
      },
    });
    if (rules.qualifies) acceptedSoFar.set(memberCampaign, [...earlier, claimed.createdAt]);
    const decision: SubmissionDecision = {
      ...rules,
      rewards: rules.qualifies ? rules.rewards : NO_REWARDS,
      verification: { status: answer.status, checkedAt: now.toISOString() },
      decidedAt: now.toISOString(),
    };
    return { answered, invoice, rules, decision };
  });
  // Each proof's row as the single path leaves it; written once, at the end, in one statement.
  const final = new Map<
    string,
    { row: Submission; reasonCode: string | null; decision: SubmissionDecision }
  >();
  const accepted: { index: number; row: Submission; decision: SubmissionDecision }[] = [];
  decisions.forEach(({ answered: { claimed, campaign }, rules, decision }, position) => {
    const { index } = found[position]!;
    const reasonCode = rules.qualifies ? null : (firstFailedVerdict(rules)?.reasonKey ?? 'rules.failed');
    const row: Submission = {
      ...claimed,
      state: rules.qualifies ? 'accepted' : 'rejected',
      reasonCode,
      campaignVersion: campaign.version,
      decision: decision as unknown as Record<string, unknown>,
      nextCheckAt: null,
      decidedAt: now,
      updatedAt: now,
    };
    final.set(row.id, { row, reasonCode, decision });
    if (rules.qualifies) accepted.push({ index, row, decision });
    else results[index] = { ...resultOfStored(row), decision, rewards: { quantities: NO_REWARDS } };
  });
  const write = () =>
    repository.writeDecisions(
      [...final.values()].map(({ row, reasonCode, decision }) => ({
        id: row.id,
        state: row.state,
        reasonCode,
        campaignVersion: row.campaignVersion as number,
        decision: decision as unknown as Record<string, unknown>,
      })),
      now,
    );
  if (accepted.length === 0) {
    await write();
    return results;
  }

  // The purchases join the analytics in the deciding transaction, with the items the rules judged and
  // the headers the answers' update returned (an invoice answered before is read).
  const itemsById = new Map(decisions.map(({ answered, invoice }) => [answered.claimed.id, invoice.items]));
  const campaignOf = new Map(answers.map((answered) => [answered.claimed.id, answered.campaign]));
  const headerById = new Map(headers.map((header) => [header.id, header]));
  await recordAcceptedLineItemsOfMany(
    tx,
    accepted.map(({ row }) => ({
      submission: row,
      itemGroups: campaignOf.get(row.id)!.settings.rules.itemGroups,
      items: itemsById.get(row.id),
      invoice: row.invoiceId ? headerById.get(row.invoiceId) : undefined,
    })),
  );

  // Campaigns that hold rewards until registration: read under a share lock, as `isRegistered` does.
  const needRegistration = accepted.filter(
    ({ row }) => campaignOf.get(row.id)?.settings.rewards.registrationRequired,
  );
  const registered = new Set<string>();
  if (needRegistration.length > 0) {
    const rows = await tx
      .select({ id: members.id, registeredAt: members.registeredAt })
      .from(members)
      .where(
        inArray(
          members.id,
          needRegistration.map(({ row }) => row.memberId),
        ),
      )
      .for('share');
    for (const row of rows) if (row.registeredAt) registered.add(row.id);
  }
  const held = new Set(
    needRegistration.filter(({ row }) => !registered.has(row.memberId)).map(({ row }) => row.id),
  );
  for (const { index, row, decision } of accepted) {
    if (!held.has(row.id)) continue;
    const heldDecision: SubmissionDecision = { ...decision, heldFor: 'registration' };
    const waiting: Submission = { ...row, decision: heldDecision as unknown as Record<string, unknown> };
    final.set(row.id, { row: waiting, reasonCode: null, decision: heldDecision });
    results[index] = {
      outcome: 'accepted',
      submission: waiting,
      decision: heldDecision,
      rewards: { quantities: heldDecision.rewards },
    };
  }

  const toReward = accepted.filter(({ row }) => !held.has(row.id));
  const byBrand = new Map<string, typeof toReward>();
  for (const item of toReward) {
    const group = byBrand.get(item.row.brandId);
    if (group) group.push(item);
    else byBrand.set(item.row.brandId, [item]);
  }
  // Brand by brand in one order, so two batches take the member locks in the same order.
  for (const [, group] of [...byBrand].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const granted = await grantRewardsForSubmissions({
      tx,
      generateId: deps.generateId,
      clock: deps.clock,
      grants: group.map(({ row, decision }) => ({
        submission: row,
        quantities: {
          points: decision.rewards.points,
          entries: decision.rewards.entries,
          instantWin: decision.rewards.instantWin ? 1 : 0,
        },
      })),
    });
    group.forEach(({ index, row, decision }, position) => {
      const grant = granted[position]!;
      const grantedDecision: SubmissionDecision = { ...decision, granted: grant };
      const rewarded: Submission = {
        ...row,
        state: 'rewarded',
        decision: grantedDecision as unknown as Record<string, unknown>,
      };
      final.set(row.id, { row: rewarded, reasonCode: null, decision: grantedDecision });
      results[index] = {
        outcome: 'accepted',
        submission: rewarded,
        decision: { ...decision, granted: grant },
        rewards: { quantities: decision.rewards, granted: grant },
      };
    });
  }
  await write();
  return results;
}
