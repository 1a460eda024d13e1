import { and, eq, inArray, sql } from 'drizzle-orm';
import type { BlobStore } from '../blobs/index.js';
import { queryRows, type Database, type Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { createReceiptsRepository } from './receipts.repository.js';
import type { ReceiptReading } from './receipts.types.js';
import { receiptBlobDeletions, receiptImages } from './receipts.table.js';

/** Advisory-lock namespace of a blob key: the deletion worker and an upload of the same bytes take turns. */
export const BLOB_KEY_LOCK_NAMESPACE = 730_003;

/** Back-off before the next attempt at deleting a blob: 30 s, 2 min, 8 min, … capped at 1 h. */
export function blobDeletionBackoffMs(attempts: number): number {
  return Math.min(3_600_000, 30_000 * 4 ** Math.max(0, attempts - 1));
}

export const MAX_BLOB_DELETION_ATTEMPTS = 8;

/** Serialises "does any row use this key / delete or re-store its bytes" per blob key, until commit. */
export async function lockBlobKey(tx: Executor, storageKey: string) {
  await tx.execute(
    sql`select pg_advisory_xact_lock(${BLOB_KEY_LOCK_NAMESPACE}::int, hashtext(${storageKey}))`,
  );
}

/**
 * The receipts part of a member's erasure, inside the erasure's transaction: queues the bytes of every
 * photo the member sent for deletion (one outbox row per distinct blob key), and leaves on the rows only
 * what is not personal (see docs/decisions/006-receipt-photos-on-erasure.md): no storage key, no
 * location, no raw QR/OCR text; hashes, content key, flags and the parsed purchase fields stay for fraud
 * checks and the brand's aggregates.
 */
export async function eraseMemberReceiptImages(
  tx: Executor,
  {
    generateId,
    brandId,
    memberId,
    now,
  }: { generateId: IdGenerator; brandId: string; memberId: string; now: Date },
): Promise<{ images: number; blobsQueued: number }> {
  const images = await tx
    .select({ id: receiptImages.id, storageKey: receiptImages.storageKey, reading: receiptImages.reading })
    .from(receiptImages)
    .where(and(eq(receiptImages.brandId, brandId), eq(receiptImages.memberId, memberId)));
  const keys = [...new Set(images.map((i) => i.storageKey).filter((k): k is string => k !== null))].sort();
  if (keys.length > 0)
    await tx.insert(receiptBlobDeletions).values(
      keys.map((storageKey) => ({
        id: generateId('receiptBlobDeletion'),
        brandId,
        storageKey,
        reason: 'member_erasure' as const,
        nextAttemptAt: now,
        createdAt: now,
      })),
    );
  for (const image of images) {
    await tx
      .update(receiptImages)
      .set({
        storageKey: null,
        latitude: null,
        longitude: null,
        reading: withoutRawText(image.reading),
        erasedAt: now,
      })
      .where(eq(receiptImages.id, image.id));
  }
  return { images: images.length, blobsQueued: keys.length };
}

/** The parsed purchase (kind, fields, confidence) without the raw QR codes and OCR lines it came from. */
function withoutRawText(reading: Record<string, unknown> | null): Record<string, unknown> | null {
  if (!reading) return null;
  const { kind, fields, currency, confidence, checks } = reading as unknown as ReceiptReading;
  return { kind, fields, currency, confidence, ...(checks ? { checks } : {}), erased: true };
}

export type ReceiptBlobDeletionDeps = {
  db: Database;
  blobStore: BlobStore;
  clock: Clock;
  logger?: Logger;
};

export type ReceiptBlobDeletionSummary = {
  claimed: number;
  deleted: number;
  keptShared: number;
  retried: number;
  failed: number;
};

/**
 * Leases up to `limit` due outbox rows: pending ones whose time has come, and processing ones whose
 * worker's lease lapsed (it crashed). FOR UPDATE SKIP LOCKED: claimers never wait on or share a row.
 */
export async function claimDueReceiptBlobDeletions(
  db: Executor,
  { now, leaseMs, limit }: { now: Date; leaseMs: number; limit: number },
) {
  return queryRows<{ id: string; storage_key: string; attempts: number }>(
    db,
    sql`update receipt_blob_deletions set state = 'processing', attempts = attempts + 1,
          locked_until = ${new Date(now.getTime() + leaseMs).toISOString()}::timestamptz
        where id in (
          select id from receipt_blob_deletions
          where (state = 'pending' and next_attempt_at <= ${now.toISOString()}::timestamptz)
             or (state = 'processing' and locked_until < ${now.toISOString()}::timestamptz)
          order by created_at, id
          limit ${limit}
          for update skip locked)
        returning id, storage_key, attempts`,
  );
}

/**
 * The deletion worker's one batch: leases due outbox rows (pending ones whose time has come, and
 * processing ones whose worker's lease lapsed — it crashed), and for each, under the key's advisory lock,
 * deletes the bytes unless a receipt_images row (any member, any brand) still uses the key, then marks the
 * row done. A failure goes back to pending with back-off, and is parked as `failed` after
 * MAX_BLOB_DELETION_ATTEMPTS. Deleting a key already gone is a no-op in every store, so a retry after a
 * crash between the delete and the commit is harmless.
 */
export async function deleteQueuedReceiptBlobs(
  deps: ReceiptBlobDeletionDeps,
  {
    limit = 20,
    leaseMs = 5 * 60_000,
    maxAttempts = MAX_BLOB_DELETION_ATTEMPTS,
  }: { limit?: number; leaseMs?: number; maxAttempts?: number } = {},
): Promise<ReceiptBlobDeletionSummary> {
  const { db, blobStore, clock, logger } = deps;
  const now = clock.now();
  const claimed = await claimDueReceiptBlobDeletions(db, { now, leaseMs, limit });
  const summary: ReceiptBlobDeletionSummary = {
    claimed: claimed.length,
    deleted: 0,
    keptShared: 0,
    retried: 0,
    failed: 0,
  };
  for (const row of claimed) {
    const attempt = Number(row.attempts);
    try {
      const outcome = await db.transaction(async (tx) => {
        await lockBlobKey(tx, row.storage_key);
        const used = await createReceiptsRepository({ db: tx }).isStorageKeyUsed(row.storage_key);
        const result = used ? ('kept_shared' as const) : ('deleted' as const);
        if (!used) await blobStore.delete(row.storage_key);
        const owned = await tx
          .update(receiptBlobDeletions)
          .set({
            state: 'done',
            outcome: result,
            processedAt: clock.now(),
            lockedUntil: null,
            lastError: null,
          })
          .where(
            and(
              eq(receiptBlobDeletions.id, row.id),
              eq(receiptBlobDeletions.state, 'processing'),
              eq(receiptBlobDeletions.attempts, attempt),
            ),
          )
          .returning({ id: receiptBlobDeletions.id });
        return owned.length === 1 ? result : undefined;
      });
      if (outcome === 'deleted') summary.deleted++;
      else if (outcome === 'kept_shared') summary.keptShared++;
      else logger?.warn({ deletionId: row.id }, 'blob deletion lease lapsed; another worker has it');
    } catch (error) {
      const giveUp = attempt >= maxAttempts;
      await db
        .update(receiptBlobDeletions)
        .set(
          giveUp
            ? { state: 'failed', lockedUntil: null, lastError: String(error) }
            : {
                state: 'pending',
                lockedUntil: null,
                lastError: String(error),
                nextAttemptAt: new Date(clock.now().getTime() + blobDeletionBackoffMs(attempt)),
              },
        )
        .where(and(eq(receiptBlobDeletions.id, row.id), eq(receiptBlobDeletions.attempts, attempt)));
      if (giveUp) summary.failed++;
      else summary.retried++;
      logger?.warn(
        { deletionId: row.id, attempt, giveUp, err: error },
        giveUp ? 'blob deletion parked as failed' : 'blob deletion failed; will retry',
      );
    }
  }
  return summary;
}

/** Puts parked deletions back in the queue with a fresh set of attempts (all, or the given ids). */
export async function retryFailedReceiptBlobDeletions(
  db: Executor,
  { ids, now }: { ids?: string[]; now: Date },
): Promise<number> {
  const rows = await db
    .update(receiptBlobDeletions)
    .set({ state: 'pending', attempts: 0, nextAttemptAt: now, lockedUntil: null })
    .where(
      ids
        ? and(eq(receiptBlobDeletions.state, 'failed'), inArray(receiptBlobDeletions.id, ids))
        : eq(receiptBlobDeletions.state, 'failed'),
    )
    .returning({ id: receiptBlobDeletions.id });
  return rows.length;
}
