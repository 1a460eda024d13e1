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

/**
 * Everything pending folded, in the caller's transaction: what a reader of the derived tables (the funnel,
 * the cohorts, segments, a broadcast's audience) runs first, so it sees every committed proof. One cheap
 * statement when nothing is pending.
 */
export async function foldPendingFacts(db: Executor): Promise<number> {
  return folded(db, sql`select derived_facts_fold_all() as folded`);
}
