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

/** The reason code a proof carries while its instant check waits for its turn (`submissions.reason_code`). */
export const QUEUED_REASON_CODE = 'verification.queued';

/**
 * The instant checks waiting for the platform ahead of a proof: due submissions of instant-mode campaigns
 * (queued proofs and upload retries), all taken by the retry worker from the same MoF budget. Before
 * `before` (a stored proof's place), or all of them (a new proof goes last).
 */
async function countChecksAhead(
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
  const intervalMs = budget ? 1000 / budget.ratePerSecond : 0;
  const permitsTaken = intervalMs > 0 ? Math.round(budgetWaitMs / intervalMs) : 0;
  return { position: permitsTaken + ahead + 1, etaMs: Math.round(budgetWaitMs + ahead * intervalMs) };
}

/**
 * Whether a new chat proof's instant check should wait in the queue instead of the member's request:
 * when it would still wait for its turn (the budget's backlog, the checks ahead) and the member would so
 * wait longer than `answerAtOnceAfterMs` in all (they have waited since `receivedAt`). A check that can
 * go at once runs in the request, however late: its decision then comes by free reply, not a paid push.
 * Returns its place when it should be queued.
 */
export async function shouldQueueInstantCheck(
  deps: Pick<SubmissionsDeps, 'db' | 'platform' | 'answerAtOnceAfterMs'>,
  command: Pick<SubmitProofCommand, 'channel' | 'receivedAt'>,
  now: Date,
): Promise<ProofQueuePlace | undefined> {
  if (deps.answerAtOnceAfterMs === undefined || command.channel !== 'chat') return undefined;
  const waitedMs = command.receivedAt ? Math.max(0, now.getTime() - command.receivedAt.getTime()) : 0;
  const place = await placeInQueue(deps, { now });
  return place.etaMs > 0 && waitedMs + place.etaMs > deps.answerAtOnceAfterMs ? place : undefined;
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
