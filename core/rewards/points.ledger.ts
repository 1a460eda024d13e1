import { and, asc, desc, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { findExpiredLots, replayLedger, type LedgerKind, type LedgerReplay } from './points.models.js';
import { pointsLedger } from './rewards.table.js';

export type LedgerRow = typeof pointsLedger.$inferSelect;

/** Advisory-lock namespace of the per-member points lock (the second key is the member id's hash). */
export const POINTS_LOCK_NAMESPACE = 730_001;

/**
 * Serialises every ledger write of one member until the transaction ends. The balance check and the debit
 * then see the same ledger, so two redemptions racing for the last points cannot both pass; it also makes
 * `seq` the member's true commit order. Lock the member before any row lock (reward stock, coupon code),
 * always in that order, so redemptions cannot deadlock.
 *
 * The member's row is locked first (`for no key update`): every ledger write updates it (the balance kept
 * by migration 0039's triggers), and a deciding transaction already holds it (the accepted-proof facts of
 * 0032) when it grants, so row then points lock is the one order every writer takes.
 */
export async function lockMemberPoints(tx: Executor, memberId: string): Promise<void> {
  await tx.execute(sql`select ${memberPointsLocked(memberId)}`);
}

/**
 * `lockMemberPoints` as a condition (always true) that another statement of the transaction can carry, so
 * the lock costs no statement of its own. `first`: a condition that takes the caller's own locks before
 * these (a one-time filter of the member's scan). The count consumes the row's locking scan before the
 * advisory lock is taken: the row first.
 */
export function memberPointsLocked(memberId: string, first: SQL = sql`true`): SQL {
  return sql`(select count(*) from (
      select pg_advisory_xact_lock(${POINTS_LOCK_NAMESPACE}::int, hashtext(${memberId}))
        from (select count(*)
                from (select 1 from members where id = ${memberId} and ${first} for no key update) m) row_locked
    ) points_locked) = 1`;
}

export async function getPointsBalance(
  executor: Executor,
  { brandId, memberId }: { brandId: string; memberId: string },
): Promise<number> {
  const [row] = await queryRows<{ balance: string | number | null }>(
    executor,
    sql`select coalesce(sum(${pointsLedger.points}), 0)::bigint as balance from ${pointsLedger}
        where ${pointsLedger.brandId} = ${brandId} and ${pointsLedger.memberId} = ${memberId}`,
  );
  return Number(row?.balance ?? 0);
}

export async function loadLedgerRows(
  executor: Executor,
  { brandId, memberId }: { brandId: string; memberId: string },
): Promise<LedgerRow[]> {
  return executor
    .select()
    .from(pointsLedger)
    .where(and(eq(pointsLedger.brandId, brandId), eq(pointsLedger.memberId, memberId)))
    .orderBy(asc(pointsLedger.seq));
}

export async function listLedgerHistory(
  executor: Executor,
  { brandId, memberId, limit = 50 }: { brandId: string; memberId: string; limit?: number },
): Promise<LedgerRow[]> {
  return executor
    .select()
    .from(pointsLedger)
    .where(and(eq(pointsLedger.brandId, brandId), eq(pointsLedger.memberId, memberId)))
    .orderBy(desc(pointsLedger.seq))
    .limit(limit);
}

export type NewLedgerRow = {
  brandId: string;
  memberId: string;
  campaignId?: string | null;
  kind: LedgerKind;
  points: number;
  expiresAt?: Date | null;
  submissionId?: string | null;
  redemptionId?: string | null;
  reversesId?: string | null;
  reason?: string | null;
  actor?: string | null;
  idempotencyKey: string;
};

/**
 * Appends one row unless a row with the same idempotency key exists; returns the row that holds the key
 * and whether it was written now. The caller must hold the member lock.
 */
export async function appendLedgerRow(
  tx: Executor,
  { generateId, clock, row }: { generateId: IdGenerator; clock: { now: () => Date }; row: NewLedgerRow },
): Promise<{ row: LedgerRow; created: boolean }> {
  const [created] = await tx
    .insert(pointsLedger)
    .values({ ...row, id: generateId('pointsEntry'), createdAt: clock.now() })
    .onConflictDoNothing()
    .returning();
  if (created) return { row: created, created: true };
  const existing = await findLedgerRowByKey(tx, { brandId: row.brandId, idempotencyKey: row.idempotencyKey });
  if (!existing) throw new Error(`ledger row ${row.idempotencyKey} conflicted but cannot be found`);
  return { row: existing, created: false };
}

export async function findLedgerRowByKey(
  executor: Executor,
  { brandId, idempotencyKey }: { brandId: string; idempotencyKey: string },
): Promise<LedgerRow | undefined> {
  const [row] = await executor
    .select()
    .from(pointsLedger)
    .where(and(eq(pointsLedger.brandId, brandId), eq(pointsLedger.idempotencyKey, idempotencyKey)))
    .limit(1);
  return row;
}

export async function replayMemberLedger(
  executor: Executor,
  member: { brandId: string; memberId: string },
): Promise<{ rows: LedgerRow[]; replay: LedgerReplay }> {
  const rows = await loadLedgerRows(executor, member);
  return { rows, replay: replayLedger(rows) };
}

/**
 * Writes an `expire` row for every lot of the member whose time has come (what is left of it; zero when
 * the lot was spent, which marks it settled for the job's candidate query). Runs inside every redemption
 * too, so expired points can never be spent between two runs of the job. The caller holds the member lock.
 */
export async function settleExpiredPoints(
  tx: Executor,
  {
    generateId,
    clock,
    brandId,
    memberId,
  }: { generateId: IdGenerator; clock: { now: () => Date }; brandId: string; memberId: string },
): Promise<{ expiredPoints: number; lotsSettled: number }> {
  const { rows, replay } = await replayMemberLedger(tx, { brandId, memberId });
  const now = clock.now();
  const expireCounts = new Map<string, number>();
  for (const row of rows) {
    if (row.kind === 'expire' && row.reversesId)
      expireCounts.set(row.reversesId, (expireCounts.get(row.reversesId) ?? 0) + 1);
  }
  const due = findExpiredLots(replay, now);
  // Spent lots past their date get a zero row once, so the job stops looking at them.
  const spent = replay.lots.filter(
    (lot) =>
      lot.remaining === 0 &&
      lot.expiresAt !== null &&
      lot.expiresAt.getTime() <= now.getTime() &&
      !expireCounts.has(lot.id),
  );
  let expiredPoints = 0;
  for (const { lotId, points } of [...due, ...spent.map((lot) => ({ lotId: lot.id, points: 0 }))]) {
    const lotRow = rows.find((row) => row.id === lotId);
    const sequence = expireCounts.get(lotId) ?? 0;
    const { created } = await appendLedgerRow(tx, {
      generateId,
      clock,
      row: {
        brandId,
        memberId,
        campaignId: lotRow?.campaignId ?? null,
        kind: 'expire',
        points: -points,
        reversesId: lotId,
        reason: 'expired',
        actor: 'system',
        idempotencyKey: `expire:${lotId}:${sequence}`,
      },
    });
    if (created) expiredPoints += points;
  }
  return { expiredPoints, lotsSettled: due.length + spent.length };
}
