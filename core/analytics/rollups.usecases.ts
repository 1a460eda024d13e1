import { sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';

/**
 * Recomputes a brand's rollups (or every brand's) from its line items and its submissions. The triggers
 * keep them exact, so this is for repair and for the backfill (which may have written line items before
 * the triggers existed).
 */
export async function rebuildAnalyticsRollups(db: Executor, { brandId }: { brandId?: string } = {}) {
  // The line-item rollups settle their outbox the same way: one brand's rebuild holds back only that brand's
  // line-item writes (migration 0059), every brand's the whole outbox.
  await db.execute(sql`select analytics_rollup_rebuild(${brandId ?? null})`);
  await db.transaction(async (tx) => {
    // No funnel record of the brand may stay pending: the rebuild counts its proof, and its fold would again.
    // One brand's settle lets other brands' writes go on (migration 0055); every brand's takes the table.
    await tx.execute(sql`select derived_facts_settle_proofs(${brandId ?? null}::text)`);
    await tx.execute(sql`select analytics_proofs_rebuild(${brandId ?? null})`);
  });
}
