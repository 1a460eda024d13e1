import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import type { Submission } from './submissions.repository.js';
import type {
  ProofQueuePlace,
  SubmissionsDeps,
  SubmitProofCommand,
  SubmitProofResult,
} from './submissions.types.js';
import { resultOfStored } from './submissions.decide.js';
import type { BudgetPermit, BudgetTurnRow } from '../verification/index.js';

/** What `submissions_instant_turn` returns: the budget's backlog, the checks queued ahead, the permit. */
type InstantTurnRow = BudgetTurnRow & { backlog_ms: number | string; ahead: number | string };

/** The reason code a proof carries while its instant check waits for its turn (`submissions.reason_code`). */
export const QUEUED_REASON_CODE = 'verification.queued';

/**
 * The instant checks waiting for the platform ahead of a proof: due submissions of instant-mode campaigns
 * (queued proofs and upload retries), all taken by the retry worker from the same MoF budget. Before
 * `before` (a stored proof's place), or all of them (a new proof goes last).
 */
export async function countChecksAhead(
  db: Executor,
  { now, before }: { now: Date; before?: { nextCheckAt: Date; id: string } },
): Promise<number> {
  const [row] = await queryRows<{ ahead: number | string }>(
    db,
    sql`select count(*) as ahead
          from submissions s
          join campaigns c on c.id = s.campaign_id
         where s.state in ('parsed', 'awaiting_upload')
           and s.next_check_at <= ${now.toISOString()}::timestamptz
           and c.verification_mode = 'instant'
           ${before ? sql`and (s.next_check_at, s.id) < (${before.nextCheckAt.toISOString()}::timestamptz, ${before.id})` : sql``}`,
  );
  return Number(row?.ahead ?? 0);
}

/** A check's place from the budget's backlog and the checks queued ahead, each one permit. */
export function placeOf(
  backlogMs: number,
  ahead: number,
  ratePerSecond: number | undefined,
): ProofQueuePlace {
  const intervalMs = ratePerSecond ? 1000 / ratePerSecond : 0;
  const permitsTaken = intervalMs > 0 ? Math.round(backlogMs / intervalMs) : 0;
  return { position: permitsTaken + ahead + 1, etaMs: Math.round(backlogMs + ahead * intervalMs) };
}

/**
 * Where a proof's instant check stands: the permits already taken ahead on the deployment's MoF budget
 * plus the checks queued ahead, each one permit. `etaMs` is when its own permit would come.
 */
export async function placeInQueue(
  deps: Pick<SubmissionsDeps, 'db' | 'platform'>,
  { now, before }: { now: Date; before?: { nextCheckAt: Date; id: string } },
): Promise<ProofQueuePlace> {
  const budget = deps.platform.budget;
  const [budgetWaitMs, ahead] = await Promise.all([
    budget ? budget.waitMs() : Promise.resolve(0),
    countChecksAhead(deps.db, { now, before }),
  ]);
  return placeOf(budgetWaitMs, ahead, budget?.ratePerSecond);
}

/**
 * Whether a new chat proof's instant check runs in the member's request or waits in the queue, decided
 * in the transaction `tx` that stores it (the proof itself not yet due, so not counted ahead). Queued
 * when it would still wait for its turn (the budget's backlog, the checks ahead) and the member would so
 * wait longer than `answerAtOnceAfterMs` in all (they have waited since `receivedAt`); a check that can go
 * at once runs in the request, however late (its decision then comes by free reply, not a paid push).
 * One atomic decision on a shared budget: its row stays locked until `tx` ends, and a check told to go
 * now gets its `permit` in the same step, so no other request can take the turn it was promised, while a
 * queued one takes none. `undefined`: not to be decided here (a photo, LIFF, no limit set).
 */
export async function decideInstantCheck(
  deps: Pick<SubmissionsDeps, 'platform' | 'answerAtOnceAfterMs'>,
  tx: Executor,
  command: Pick<SubmitProofCommand, 'channel' | 'receivedAt'>,
  now: Date,
): Promise<{ queued?: ProofQueuePlace; permit?: BudgetPermit } | undefined> {
  const limitMs = deps.answerAtOnceAfterMs;
  if (limitMs === undefined || command.channel !== 'chat') return undefined;
  const waitedMs = command.receivedAt ? Math.max(0, now.getTime() - command.receivedAt.getTime()) : 0;
  const budget = deps.platform.budget;
  let queued: ProofQueuePlace | undefined;
  const decide = async (backlogMs: number) => {
    const place = placeOf(backlogMs, await countChecksAhead(tx, { now }), budget?.ratePerSecond);
    queued = place.etaMs > 0 && waitedMs + place.etaMs > limitMs ? place : undefined;
    return !queued;
  };
  // The deployment's budget: lock, count the checks ahead, decide and take the permit in one call
  // (migration 0056's `submissions_instant_turn`, the same three steps as `reserve` with `decide`).
  if (budget?.reserveIn) {
    const { row, permit } = await budget.reserveIn<InstantTurnRow>(
      tx,
      ({ key, intervalMs, toleranceMs }) =>
        sql`select backlog_ms, ahead, wait_ms from submissions_instant_turn(${key}, ${intervalMs},
              ${toleranceMs}, ${waitedMs}, ${limitMs}, ${now.toISOString()}::timestamptz)`,
    );
    if (permit) return { permit };
    return {
      queued: placeOf(Number(row?.backlog_ms ?? 0), Number(row?.ahead ?? 0), budget.ratePerSecond),
    };
  }
  // A budget not shared through the database: nothing to reserve, its question takes its permit.
  if (!budget?.reserve) {
    await decide(budget ? await budget.waitMs() : 0);
    return { queued };
  }
  const permit = await budget.reserve(tx, decide);
  return { queued, ...(permit ? { permit } : {}) };
}

/**
 * A stored proof asked about again (a retried or redelivered event): one that was queued and is still
 * waiting is answered "received, checking" again, with its current place; anything else as stored.
 */
export async function resultOfSeen(
  deps: Pick<SubmissionsDeps, 'db' | 'platform' | 'clock'>,
  seen: Submission,
): Promise<SubmitProofResult> {
  if (seen.state !== 'parsed' || seen.reasonCode !== QUEUED_REASON_CODE) return resultOfStored(seen);
  const now = deps.clock.now();
  const nextCheckAt = seen.nextCheckAt ?? now;
  // Leased: the retry worker is checking it right now.
  if (nextCheckAt > now) return { outcome: 'queued', submission: seen, queue: { position: 1, etaMs: 0 } };
  const place = await placeInQueue(deps, { now, before: { nextCheckAt, id: seen.id } });
  return { outcome: 'queued', submission: seen, queue: place };
}
