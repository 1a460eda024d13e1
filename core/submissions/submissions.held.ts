import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { rewardAccepted } from './submissions.decide.js';
import { submissions } from './submissions.table.js';
import type { SubmissionDecision } from './submissions.types.js';

export type ReleasedRewards = { proofs: number; points: number; entries: number; instantPlays: number };

/**
 * Hands out the rewards a campaign held until the member registered: every accepted proof of the member
 * whose decision says `heldFor: 'registration'` gets its grant (the ledger key and the unique entry and
 * play columns make a second call change nothing) and becomes `rewarded`. Runs inside the registering
 * transaction, so registration and the release commit together.
 */
export async function releaseRewardsHeldForRegistration(
  tx: Executor,
  {
    generateId,
    clock,
    brandId,
    memberId,
  }: { generateId: IdGenerator; clock: Clock; brandId: string; memberId: string },
): Promise<ReleasedRewards> {
  const held = await tx
    .select()
    .from(submissions)
    .where(
      and(
        eq(submissions.brandId, brandId),
        eq(submissions.memberId, memberId),
        eq(submissions.state, 'accepted'),
        sql`${submissions.decision} ->> 'heldFor' = 'registration'`,
      ),
    )
    .orderBy(submissions.createdAt)
    .for('update');
  const released: ReleasedRewards = { proofs: 0, points: 0, entries: 0, instantPlays: 0 };
  for (const submission of held) {
    const { heldFor: _released, ...decision } = submission.decision as unknown as SubmissionDecision;
    const { granted } = await rewardAccepted(tx, { generateId, clock }, submission, decision, clock.now());
    released.proofs += 1;
    released.points += granted.pointsEarned;
    released.entries += granted.entriesAdded;
    if (granted.instantPlayId) released.instantPlays += 1;
  }
  return released;
}
