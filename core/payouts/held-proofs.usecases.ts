import { and, asc, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import { syncSubmissionLineItems } from '../analytics/index.js';
import { recordAudit } from '../audit/index.js';
import type { Database, Executor } from '../db/database.js';
import { draws, drawWinners, lotteryEntries, notifyWinnerOnce, type Draw } from '../draws/index.js';
import { receiptImages } from '../receipts/index.js';
import { reverseRewardsForSubmission, type RewardsNotifier } from '../rewards/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { submissions } from '../submissions/submissions.table.js';
import { buildHeldProofRejectedMessages, PROOF_REJECTED_REASON } from './payouts.models.js';
import { labelWinsForfeitedWithProof, tellMemberProofTakenBack } from './proof-forfeits.js';

/** A draw win waiting for a reviewer to confirm the photo proof behind it (the review queue's marker). */
export type HeldWin = {
  winnerId: string;
  drawId: string;
  drawName: Record<string, string>;
  rank: number;
  prizeKey: string;
  /** The prize's name by language (the key when the draw no longer lists it). */
  prizeName: Record<string, string>;
  heldSince: Date;
};

export type HeldProofDeps = {
  db: Database;
  clock: Clock;
  generateId: IdGenerator;
  /** Tells the winner (approve) or the member (reject); without it the draws job tells the winner. */
  notifier?: RewardsNotifier;
};

/** A photo proof stands (accepted, not taken back) and no person has looked at it yet. */
const unreviewedStanding = and(
  inArray(submissions.state, ['accepted', 'rewarded']),
  isNull(submissions.reviewedBy),
);

/** Wins held for review, still pending and untold. */
const heldAndUntold = and(
  isNotNull(drawWinners.heldForReviewAt),
  eq(drawWinners.status, 'pending'),
  isNull(drawWinners.notifiedAt),
);

/**
 * The photo proofs behind draw wins held for review (draws that require reviewed proofs), each with its
 * image and the wins waiting on it, oldest hold first: the review queue puts them before everything else.
 */
export async function listHeldWinnerProofs(
  db: Executor,
  { brandId, campaignId, submissionId }: { brandId: string; campaignId?: string; submissionId?: string },
) {
  const rows = await db
    .select({
      submission: submissions,
      image: receiptImages,
      winnerId: drawWinners.id,
      drawId: drawWinners.drawId,
      rank: drawWinners.rank,
      prizeKey: drawWinners.prizeKey,
      awardedPrizeKey: drawWinners.awardedPrizeKey,
      heldSince: drawWinners.heldForReviewAt,
      drawName: draws.name,
      prizes: draws.prizes,
    })
    .from(drawWinners)
    .innerJoin(draws, eq(draws.id, drawWinners.drawId))
    .innerJoin(lotteryEntries, eq(lotteryEntries.id, drawWinners.entryId))
    .innerJoin(submissions, eq(submissions.id, lotteryEntries.submissionId))
    .innerJoin(receiptImages, eq(receiptImages.id, submissions.receiptImageId))
    .where(
      and(
        eq(drawWinners.brandId, brandId),
        heldAndUntold,
        unreviewedStanding,
        campaignId ? eq(submissions.campaignId, campaignId) : undefined,
        submissionId ? eq(submissions.id, submissionId) : undefined,
      ),
    )
    .orderBy(asc(drawWinners.heldForReviewAt), asc(drawWinners.id));
  const bySubmission = new Map<
    string,
    {
      submission: (typeof rows)[number]['submission'];
      image: (typeof rows)[number]['image'];
      wins: HeldWin[];
    }
  >();
  for (const row of rows) {
    const prizeKey = row.awardedPrizeKey ?? row.prizeKey;
    const entry = bySubmission.get(row.submission.id) ?? {
      submission: row.submission,
      image: row.image,
      wins: [],
    };
    entry.wins.push({
      winnerId: row.winnerId,
      drawId: row.drawId,
      drawName: row.drawName as Record<string, string>,
      rank: row.rank,
      prizeKey,
      prizeName: (row.prizes.find((prize) => prize.key === prizeKey)?.name as Record<string, string>) ?? {
        en: prizeKey,
      },
      heldSince: row.heldSince!,
    });
    bySubmission.set(row.submission.id, entry);
  }
  return [...bySubmission.values()];
}

/** The wins held on one proof, locked for the deciding transaction. */
async function lockHeldWins(tx: Executor, submissionId: string) {
  return tx
    .select({ winner: drawWinners })
    .from(drawWinners)
    .innerJoin(lotteryEntries, eq(lotteryEntries.id, drawWinners.entryId))
    .where(and(eq(lotteryEntries.submissionId, submissionId), heldAndUntold))
    .orderBy(asc(drawWinners.id))
    .for('update', { of: drawWinners });
}

async function lockUnreviewedProof(
  tx: Executor,
  { brandId, submissionId }: { brandId: string; submissionId: string },
) {
  const [proof] = await tx
    .select()
    .from(submissions)
    .where(and(eq(submissions.brandId, brandId), eq(submissions.id, submissionId)))
    .for('update');
  return proof && ['accepted', 'rewarded'].includes(proof.state) && proof.reviewedBy === null
    ? proof
    : undefined;
}

export type HeldProofDecision = {
  /** False when the proof was decided already (a repeat, another reviewer, a lost race): nothing written. */
  changed: boolean;
  /** Wins told now (approve). */
  told: number;
  /** Wins forfeited (reject); their draws promote the next reserve, who is checked in turn. */
  forfeited: number;
  /** Draws whose wins this decision released or forfeited. */
  drawIds: string[];
};

const UNCHANGED: HeldProofDecision = { changed: false, told: 0, forfeited: 0, drawIds: [] };

/**
 * A reviewer confirms the photo proof behind held draw wins, in ONE transaction under the proof's row
 * lock: the proof is marked reviewed, each held win is released and its winner told (once: `notified_at`
 * is claimed in the same transaction, the message carries the dedupe key `draw-win:<winner id>`), and the
 * audit row is written. A proof reviewed already changes nothing and writes no row; a failed audit write
 * rolls the whole decision back (nobody told).
 */
export async function confirmHeldProof(
  deps: HeldProofDeps,
  {
    brandId,
    submissionId,
    reviewerId,
    data = {},
  }: { brandId: string; submissionId: string; reviewerId: string; data?: Record<string, unknown> },
): Promise<HeldProofDecision> {
  const { db, clock, notifier } = deps;
  return db.transaction(async (tx) => {
    const proof = await lockUnreviewedProof(tx, { brandId, submissionId });
    if (!proof) return UNCHANGED;
    const now = clock.now();
    await tx
      .update(submissions)
      .set({ reviewedBy: reviewerId, updatedAt: now })
      .where(eq(submissions.id, proof.id));
    const held = await lockHeldWins(tx, proof.id);
    const drawCache = new Map<string, Draw>();
    let told = 0;
    for (const { winner } of held) {
      await tx
        .update(drawWinners)
        .set({ heldForReviewAt: null, proofCheckedAt: now })
        .where(eq(drawWinners.id, winner.id));
      if (!notifier) continue; // The draws job tells the winner: the win is no longer held.
      let draw = drawCache.get(winner.drawId);
      if (!draw) {
        [draw] = await tx.select().from(draws).where(eq(draws.id, winner.drawId));
        if (draw) drawCache.set(draw.id, draw);
      }
      if (!draw) continue;
      const prizeKey = winner.awardedPrizeKey ?? winner.prizeKey;
      if (await notifyWinnerOnce(tx, { winner: { ...winner, prizeKey }, draw, notifier, now })) told += 1;
    }
    const drawIds = [...new Set(held.map(({ winner }) => winner.drawId))];
    await recordAudit(tx, deps, {
      brandId,
      actorType: 'console_user',
      actorId: reviewerId,
      action: 'review.winner_proof_confirmed',
      targetType: 'submission',
      targetId: proof.id,
      data: { ...data, drawWinnerIds: held.map(({ winner }) => winner.id), told },
    });
    return { changed: true, told, forfeited: 0, drawIds };
  });
}

/**
 * A reviewer rejects the photo proof behind held draw wins, in ONE transaction under the proof's row lock:
 * the proof is taken back (`reversed`, reason `review.<code>`), its points and entries reversed
 * (`reverseRewardsForSubmission`), each win on it forfeited with reason `proof_rejected`, the member told
 * why in their language (dedupe key `proof-rejected:<id>`), and the audit row written. Exactly once: a
 * proof already decided changes nothing. The caller then settles the draws (the next reserve steps up and
 * is checked in turn); the draws job does it too.
 */
export async function rejectHeldProof(
  deps: HeldProofDeps,
  {
    brandId,
    submissionId,
    reviewerId,
    reasonCode,
    data = {},
  }: {
    brandId: string;
    submissionId: string;
    reviewerId: string;
    /** The stored reason code (`review.<reason>`), which the member is told in their language. */
    reasonCode: string;
    data?: Record<string, unknown>;
  },
): Promise<HeldProofDecision> {
  const { db, clock, generateId, notifier } = deps;
  return db.transaction(async (tx) => {
    const proof = await lockUnreviewedProof(tx, { brandId, submissionId });
    if (!proof) return UNCHANGED;
    const now = clock.now();
    const held = await lockHeldWins(tx, proof.id);
    await tx
      .update(submissions)
      .set({ state: 'reversed', reasonCode, reviewedBy: reviewerId, updatedAt: now })
      .where(eq(submissions.id, proof.id));
    // The purchase leaves the analytics in the same transaction (its line items, and so the rollups).
    await syncSubmissionLineItems(tx, { submissionId: proof.id });
    const reversal = await reverseRewardsForSubmission({
      tx,
      generateId,
      clock,
      submissionId: proof.id,
      reason: PROOF_REJECTED_REASON,
      actor: reviewerId,
    });
    const forfeited = await labelWinsForfeitedWithProof(tx, {
      submissionId: proof.id,
      reason: PROOF_REJECTED_REASON,
    });
    const draw = held[0]
      ? (await tx.select({ name: draws.name }).from(draws).where(eq(draws.id, held[0].winner.drawId)))[0]
      : undefined;
    await tellMemberProofTakenBack(tx, notifier, {
      brandId,
      memberId: proof.memberId,
      dedupeKey: `proof-rejected:${proof.id}`,
      messages: (locale) =>
        buildHeldProofRejectedMessages({
          locale,
          reasonCode,
          drawName: (draw?.name as Record<string, string> | undefined) ?? null,
        }),
    });
    await recordAudit(tx, deps, {
      brandId,
      actorType: 'console_user',
      actorId: reviewerId,
      action: 'review.winner_proof_rejected',
      targetType: 'submission',
      targetId: proof.id,
      data: {
        ...data,
        reasonCode,
        memberId: proof.memberId,
        drawWinnerIds: forfeited.map((row) => row.id),
        pointsReversed: reversal.pointsReversed,
        entriesVoided: reversal.entriesVoided,
        winsForfeited: reversal.winsForfeited,
      },
    });
    return {
      changed: true,
      told: 0,
      forfeited: forfeited.length,
      drawIds: [...new Set(forfeited.map((row) => row.drawId))],
    };
  });
}
