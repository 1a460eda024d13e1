import { and, asc, eq, exists, inArray, isNotNull, isNull, notExists, or } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import {
  draws,
  drawWinners,
  getDrawOrThrow,
  lotteryEntries,
  notifyWinnerOnce,
  promoteReserveWinners,
  type Draw,
  type DrawWinner,
} from '../draws/index.js';
import { submissions } from '../submissions/submissions.table.js';
import {
  isPlatformChecked,
  PROOF_REJECTED_REASON,
  REVIEW_CHECKED_KINDS,
  type ProofStanding,
} from './payouts.models.js';
import { INVOICE_VOIDED_REASON, recheckAndReverse, type RecheckDeps } from './payouts.usecases.js';

/** Another row of the same draw's winners (the reserve who replaces a win, or one free to). */
const replacement = alias(drawWinners, 'replacement');

export type SettleDrawResult = {
  /** Winners told now (their proof still stands). */
  told: number;
  /** Proofs behind winners taken back (invoice voided): their wins forfeited. */
  reversed: number;
  /** Reserves who stepped up for those wins (and were checked in turn). */
  promoted: number;
  /** Winners not told yet because the platform could not be asked (the next run asks again). */
  waiting: number;
  /** Winners held until a reviewer confirms the photo proof (draws that require reviewed proofs). */
  heldForReview: number;
};

/** Enough rounds for every reserve of a draw to be checked in turn; each round promotes at least one. */
const MAX_ROUNDS = 50;

/** A win still to be told: pending, not told, a prize (not a reserve who has not stepped up). */
function awaitsTelling(winner: DrawWinner): boolean {
  return (
    winner.status === 'pending' &&
    winner.notifiedAt === null &&
    (!winner.isReserve || winner.awardedPrizeKey !== null)
  );
}

/**
 * Pays a drawn draw's wins only on proofs that still stand: before each winner (and each reserve who
 * steps up) is told, the e-invoice behind the winning entry is re-asked on the MoF platform (batched, on
 * the deployment's MoF budget). A voided invoice reverses the proof (points, entries, the win forfeited,
 * the member told why, audited) and the next reserve steps up and is checked in turn. A winner whose
 * proof could not be checked is not told now; running it again (the draws job does) carries on. Told
 * once: the win message is claimed with `notified_at` in the telling transaction.
 */
export async function settleDrawWinners(
  deps: RecheckDeps,
  { brandId, drawId }: { brandId: string; drawId: string },
): Promise<SettleDrawResult> {
  const { db, clock } = deps;
  const result: SettleDrawResult = { told: 0, reversed: 0, promoted: 0, waiting: 0, heldForReview: 0 };
  let draw = await getDrawOrThrow(db, { brandId, drawId });
  if (draw.status !== 'drawn') return result;

  for (let round = 0; round < MAX_ROUNDS; round++) {
    const promoted = await promoteReserveWinners({ db, clock, brandId, drawId });
    result.promoted += promoted.promoted.length;
    draw = await getDrawOrThrow(db, { brandId, drawId });
    const candidates = (
      await db.select().from(drawWinners).where(eq(drawWinners.drawId, drawId)).orderBy(asc(drawWinners.rank))
    ).filter(awaitsTelling);
    if (candidates.length === 0) break;

    const proofs = await db
      .select({
        entryId: lotteryEntries.id,
        submissionId: submissions.id,
        kind: submissions.kind,
        reviewedBy: submissions.reviewedBy,
      })
      .from(lotteryEntries)
      .innerJoin(submissions, eq(submissions.id, lotteryEntries.submissionId))
      .where(
        inArray(
          lotteryEntries.id,
          candidates.map((winner) => winner.entryId),
        ),
      );
    const proofByEntry = new Map(proofs.map((proof) => [proof.entryId, proof]));
    const { standing, reversed } = await recheckAndReverse(
      deps,
      proofs.filter((proof) => isPlatformChecked(proof.kind)).map((proof) => proof.submissionId),
    );
    result.reversed += reversed;
    // A reversal forfeited wins: promote their reserves and check those before anyone else is told.
    if (reversed > 0) continue;

    for (const winner of candidates) {
      const proof = proofByEntry.get(winner.entryId);
      const answer: ProofStanding = proof ? (standing.get(proof.submissionId) ?? 'stands') : 'stands';
      if (answer === 'unchecked') {
        result.waiting += 1;
        continue;
      }
      if (answer === 'voided') continue;
      if (
        draw.requireReviewedProofs &&
        proof &&
        REVIEW_CHECKED_KINDS.includes(proof.kind) &&
        proof.reviewedBy === null
      ) {
        if (await holdForReview(deps, winner)) result.heldForReview += 1;
        continue;
      }
      if (await tellWinner(deps, { draw, winner })) result.told += 1;
    }
    break;
  }
  return result;
}

/**
 * Marks the win held (not told) until a reviewer confirms the photo proof, which puts the proof in the
 * review queue first; once. Only while the win is untold and the proof still unreviewed: a reviewer who
 * confirmed it since this run read it must not be undone by a stale hold.
 */
async function holdForReview({ db, clock }: RecheckDeps, winner: DrawWinner): Promise<boolean> {
  const held = await db
    .update(drawWinners)
    .set({ heldForReviewAt: clock.now() })
    .where(
      and(
        eq(drawWinners.id, winner.id),
        isNull(drawWinners.heldForReviewAt),
        isNull(drawWinners.notifiedAt),
        // Set on this row by a reviewer's confirmation, so a concurrent confirmation is seen under the lock.
        isNull(drawWinners.proofCheckedAt),
        eq(drawWinners.status, 'pending'),
        exists(
          db
            .select({ id: submissions.id })
            .from(lotteryEntries)
            .innerJoin(submissions, eq(submissions.id, lotteryEntries.submissionId))
            .where(and(eq(lotteryEntries.id, winner.entryId), isNull(submissions.reviewedBy))),
        ),
      ),
    )
    .returning({ id: drawWinners.id });
  return held.length > 0;
}

async function tellWinner(
  { db, clock, notifier }: RecheckDeps,
  { draw, winner }: { draw: Draw; winner: DrawWinner },
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const now = clock.now();
    // Under the row lock: a reversal committed since the check has forfeited the win; then nobody is told.
    const [current] = await tx.select().from(drawWinners).where(eq(drawWinners.id, winner.id)).for('update');
    if (!current || !awaitsTelling(current)) return false;
    await tx.update(drawWinners).set({ proofCheckedAt: now }).where(eq(drawWinners.id, winner.id));
    if (!notifier) return false;
    return notifyWinnerOnce(tx, {
      winner: { ...current, prizeKey: current.awardedPrizeKey ?? current.prizeKey },
      draw,
      notifier,
      now,
    });
  });
}

/** Drawn draws with a win still to be told (the draws job settles them, also after a platform outage). */
export async function listDrawsAwaitingPayout(
  db: RecheckDeps['db'],
): Promise<{ id: string; brandId: string }[]> {
  return db
    .selectDistinct({ id: draws.id, brandId: draws.brandId })
    .from(draws)
    .innerJoin(drawWinners, eq(drawWinners.drawId, draws.id))
    .where(
      and(
        eq(draws.status, 'drawn'),
        or(
          and(
            eq(drawWinners.status, 'pending'),
            isNull(drawWinners.notifiedAt),
            isNull(drawWinners.heldForReviewAt),
            or(eq(drawWinners.isReserve, false), isNotNull(drawWinners.awardedPrizeKey)),
          ),
          // A win taken back with its proof (voided invoice, rejected photo) whose prize no reserve holds
          // yet, while a reserve is still free: the next one steps up and is checked in turn.
          and(
            eq(drawWinners.status, 'forfeited'),
            inArray(drawWinners.forfeitReason, [INVOICE_VOIDED_REASON, PROOF_REJECTED_REASON]),
            notExists(
              db
                .select({ id: replacement.id })
                .from(replacement)
                .where(eq(replacement.replacesId, drawWinners.id)),
            ),
            exists(
              db
                .select({ id: replacement.id })
                .from(replacement)
                .where(
                  and(
                    eq(replacement.drawId, drawWinners.drawId),
                    eq(replacement.isReserve, true),
                    isNull(replacement.awardedPrizeKey),
                    eq(replacement.status, 'pending'),
                  ),
                ),
            ),
          ),
        ),
      ),
    );
}

/**
 * Settles every drawn draw with a win still to be told (the draws job, after running the due draws): one
 * draw's failure is logged and left for the next run, never blocking the others.
 */
export async function settleDrawsAwaitingPayout(
  deps: RecheckDeps,
): Promise<SettleDrawResult & { draws: number; failed: string[] }> {
  const total = {
    told: 0,
    reversed: 0,
    promoted: 0,
    waiting: 0,
    heldForReview: 0,
    draws: 0,
    failed: [] as string[],
  };
  for (const { id: drawId, brandId } of await listDrawsAwaitingPayout(deps.db)) {
    try {
      const result = await settleDrawWinners(deps, { brandId, drawId });
      total.draws += 1;
      for (const key of ['told', 'reversed', 'promoted', 'waiting', 'heldForReview'] as const)
        total[key] += result[key];
    } catch (error) {
      deps.logger?.error({ drawId, err: error }, 'could not settle the winners of a draw');
      total.failed.push(drawId);
    }
  }
  return total;
}
