import { queryRows, sql, type Executor } from '../db/database.js';

/** How many records of each outbox one fold takes (one transaction). */
export const FOLD_BATCH = 500;

const folded = async (db: Executor, query: ReturnType<typeof sql>) => {
  const [row] = await queryRows<{ folded: number | string | null }>(db, query);
  return Number(row?.folded ?? 0);
};

/**
 * One fold of the derived-facts outbox (migration 0053): up to `limit` records of each kind applied to the
 * rollups and member facts and deleted, in one transaction; resolves with how many it folded (0 when
 * nothing is pending). Safe on several workers at once (the fold takes a lock of its own).
 */
export async function foldDerivedFacts(db: Executor, { limit = FOLD_BATCH }: { limit?: number } = {}) {
  return folded(db, sql`select derived_facts_fold(${limit}::int) as folded`);
}

/** How many folds (of `FOLD_BATCH` records of each kind) a reader runs at most before it reads. */
export const READER_FOLD_CHUNKS = 20;

/**
 * What a reader of the derived tables (the funnel, the cohorts, segments, a broadcast's audience) runs
 * first, so it sees the proofs committed before it: folds of `limit` records of each kind, each its own
 * statement — its own transaction on a pool (the fold lock is held for one fold, never for the backlog) —
 * until nothing is pending or `maxChunks` folds ran. One cheap statement when nothing is pending. A reader
 * that meets a backlog larger than `maxChunks × limit` (the derived-facts worker stopped) reads without the
 * rest: the newest records, left for the worker and the next reader. Resolves with how many it folded.
 */
export async function foldPendingFacts(
  db: Executor,
  { limit = FOLD_BATCH, maxChunks = READER_FOLD_CHUNKS }: { limit?: number; maxChunks?: number } = {},
): Promise<number> {
  let total = 0;
  for (let chunk = 0; chunk < maxChunks; chunk++) {
    const count = await foldDerivedFacts(db, { limit });
    total += count;
    if (count === 0) break;
  }
  return total;
}
