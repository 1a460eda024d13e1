import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import type { Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';

/**
 * The console user making a rewards change: with it, the use case writes the audit row in the same
 * transaction as the change (both commit or neither), and only when something changed.
 */
export type RewardsAudit = { actor: ConsoleAuditActor; clock: Clock; generateId: IdGenerator };

export async function auditRewardsChange(
  tx: Executor,
  audit: RewardsAudit | undefined,
  entry: { action: string; targetType: string; targetId: string; data?: Record<string, unknown> },
): Promise<void> {
  if (audit) await recordConsoleAction(tx, audit, audit.actor, entry);
}

/** The fields whose value differs between two versions of a row (`updatedAt` aside), as `{ from, to }`. */
export function changedFields(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  keys: string[],
): Record<string, { from: unknown; to: unknown }> {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of keys) {
    if (key === 'updatedAt') continue;
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null))
      changed[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return changed;
}
