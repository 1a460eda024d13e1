import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { drawWinners, lotteryEntries } from '../draws/draws.table.js';
import { members } from '../members/members.table.js';
import type { RewardsNotifier } from '../rewards/index.js';

/**
 * After `reverseRewardsForSubmission` forfeited the draw wins on a proof's entries, labels them with why
 * (`invoice_voided`, `proof_rejected`) and lifts any review hold (a forfeited win waits for nobody), in the
 * caller's transaction. Wins forfeited earlier for another reason keep theirs. Answers the wins labelled.
 */
export async function labelWinsForfeitedWithProof(
  tx: Executor,
  { submissionId, reason }: { submissionId: string; reason: string },
): Promise<{ id: string; drawId: string }[]> {
  return tx
    .update(drawWinners)
    .set({ forfeitReason: reason, heldForReviewAt: null })
    .where(
      and(
        eq(drawWinners.status, 'forfeited'),
        isNull(drawWinners.forfeitReason),
        inArray(
          drawWinners.entryId,
          tx
            .select({ id: lotteryEntries.id })
            .from(lotteryEntries)
            .where(eq(lotteryEntries.submissionId, submissionId)),
        ),
      ),
    )
    .returning({ id: drawWinners.id, drawId: drawWinners.drawId });
}

/**
 * Tells a member, in their language and in the caller's transaction (the outbox: sent once it commits,
 * once per `dedupeKey`), why a proof of theirs was taken back. No notifier, nothing to do.
 */
export async function tellMemberProofTakenBack(
  tx: Executor,
  notifier: RewardsNotifier | undefined,
  {
    brandId,
    memberId,
    dedupeKey,
    messages,
  }: {
    brandId: string;
    memberId: string;
    dedupeKey: string;
    messages: (locale: string | null | undefined) => Record<string, unknown>[];
  },
): Promise<void> {
  if (!notifier) return;
  const [member] = await tx
    .select({ locale: members.locale })
    .from(members)
    .where(eq(members.id, memberId))
    .limit(1);
  await notifier({ tx, brandId, memberId, dedupeKey, messages: messages(member?.locale) });
}
