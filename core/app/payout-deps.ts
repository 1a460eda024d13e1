import { createMessagingRewardsNotifier } from '../rewards/index.js';
import { buildEInvoicePlatform, type BudgetPriority, type EInvoicePlatform } from '../verification/index.js';
import type { Services } from './build-services.js';

/**
 * What paying out on proofs that still stand needs (the console's rewards and review, the draws job): the
 * database, the notifier that tells members through the outbox, and the MoF platform to re-ask about
 * invoices, built on first use (nothing to re-check, nothing built or contacted) with the MoF budget's
 * `priority` (a member waiting: `instant`; draws and reviews: `batch`).
 */
export function buildPayoutDeps(
  services: Pick<Services, 'database' | 'generateId' | 'clock' | 'config' | 'logger'>,
  priority: BudgetPriority,
) {
  const { database, generateId, clock, logger } = services;
  let platform: EInvoicePlatform | undefined;
  return {
    db: database.db,
    generateId,
    clock,
    logger,
    notifier: createMessagingRewardsNotifier({ generateId, clock }),
    platform: (): EInvoicePlatform =>
      (platform ??= buildEInvoicePlatform(services.config, { clock, logger, db: database.db, priority })),
  };
}
