import { sql } from 'drizzle-orm';
import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import { queryRows, type Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  appendLedgerRow,
  getPointsBalance,
  listLedgerHistory,
  lockMemberPoints,
  replayMemberLedger,
  settleExpiredPoints,
  type LedgerRow,
} from './points.ledger.js';
import { findNextExpiry } from './points.models.js';
import {
  createAdjustmentWouldGoNegativeError,
  createInvalidPointsAdjustmentError,
} from './rewards.errors.js';
import { pointsLedger } from './rewards.table.js';

/**
 * A manual correction by a console user or operator: a new `adjust` row with the reason and the actor,
 * never an edit. A negative adjustment cannot take the balance below zero. `idempotencyKey` (e.g. a
 * console request id) makes a retried request count once.
 */
export async function adjustPoints({
  db,
  generateId,
  clock,
  brandId,
  memberId,
  points,
  reason,
  actor,
  idempotencyKey,
  expiresAt = null,
  auditActor,
}: {
  db: Database;
  generateId: IdGenerator;
  clock: Clock;
  brandId: string;
  memberId: string;
  points: number;
  reason: string;
  actor: string;
  idempotencyKey?: string;
  expiresAt?: Date | null;
  /** The console user making it: audited in the same transaction (a replayed key changes nothing, no row). */
  auditActor?: ConsoleAuditActor;
}): Promise<{ entry: LedgerRow; balance: number; created: boolean }> {
  if (!Number.isInteger(points) || points === 0 || !reason.trim() || !actor.trim())
    throw createInvalidPointsAdjustmentError({ details: { points, reason, actor } });
  return db.transaction(async (tx) => {
    await lockMemberPoints(tx, memberId);
    await settleExpiredPoints(tx, { generateId, clock, brandId, memberId });
    const key = `adjust:${memberId}:${idempotencyKey ?? generateId('pointsEntry')}`;
    const balanceBefore = await getPointsBalance(tx, { brandId, memberId });
    if (points < 0 && balanceBefore + points < 0)
      throw createAdjustmentWouldGoNegativeError({ details: { balance: balanceBefore, points } });
    const { row, created } = await appendLedgerRow(tx, {
      generateId,
      clock,
      row: {
        brandId,
        memberId,
        kind: 'adjust',
        points,
        expiresAt: points > 0 ? expiresAt : null,
        reason: reason.trim(),
        actor: actor.trim(),
        idempotencyKey: key,
      },
    });
    if (created && auditActor)
      await recordConsoleAction(tx, { clock, generateId }, auditActor, {
        action: 'points.adjusted',
        targetType: 'member',
        targetId: memberId,
        data: { points, reason: reason.trim(), entryId: row.id },
      });
    return { entry: row, balance: await getPointsBalance(tx, { brandId, memberId }), created };
  });
}

export type PointsSummary = {
  balance: number;
  /** The next points to expire (soonest date), for the LIFF app's "N points expire on …". */
  nextExpiry?: { at: Date; points: number };
  history: LedgerRow[];
};

/** The member's balance, the next expiry and the latest ledger rows. */
export async function getPointsSummary({
  db,
  clock,
  brandId,
  memberId,
  historyLimit = 50,
}: {
  db: Database;
  clock: Clock;
  brandId: string;
  memberId: string;
  historyLimit?: number;
}): Promise<PointsSummary> {
  const { replay } = await replayMemberLedger(db, { brandId, memberId });
  const now = clock.now();
  // Lots past their date count as gone even before the job writes their expire rows.
  const pendingExpiry = replay.lots
    .filter((lot) => lot.expiresAt !== null && lot.expiresAt.getTime() <= now.getTime())
    .reduce((sum, lot) => sum + lot.remaining, 0);
  const nextExpiry = findNextExpiry(replay, now);
  return {
    balance: replay.balance - pendingExpiry,
    ...(nextExpiry ? { nextExpiry } : {}),
    history: await listLedgerHistory(db, { brandId, memberId, limit: historyLimit }),
  };
}

/**
 * The scheduled expiry: finds members holding a lot past its date that has no expire row yet, and settles
 * each member in a transaction of its own under the member lock (FIFO, what is left of each lot).
 */
export async function expireDuePoints({
  db,
  generateId,
  clock,
  batchSize = 500,
}: {
  db: Database;
  generateId: IdGenerator;
  clock: Clock;
  batchSize?: number;
}): Promise<{ membersSettled: number; expiredPoints: number; lotsSettled: number }> {
  const now = clock.now();
  const totals = { membersSettled: 0, expiredPoints: 0, lotsSettled: 0 };
  for (;;) {
    const candidates = await queryRows<{ brand_id: string; member_id: string }>(
      db,
      sql`select distinct lot.brand_id, lot.member_id from ${pointsLedger} lot
          where lot.points > 0 and lot.expires_at is not null and lot.expires_at <= ${now}
            and not exists (select 1 from ${pointsLedger} e
                            where e.kind = 'expire' and e.reverses_id = lot.id and e.brand_id = lot.brand_id)
          limit ${batchSize}`,
    );
    if (candidates.length === 0) return totals;
    let progressed = false;
    for (const candidate of candidates) {
      const settled = await db.transaction(async (tx) => {
        await lockMemberPoints(tx, candidate.member_id);
        return settleExpiredPoints(tx, {
          generateId,
          clock,
          brandId: candidate.brand_id,
          memberId: candidate.member_id,
        });
      });
      totals.membersSettled++;
      totals.expiredPoints += settled.expiredPoints;
      totals.lotsSettled += settled.lotsSettled;
      if (settled.lotsSettled > 0) progressed = true;
    }
    // A candidate always gets a row, so this only guards against a query/replay disagreement looping forever.
    if (!progressed || candidates.length < batchSize) return totals;
  }
}
