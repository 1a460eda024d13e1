import type { Database } from '../db/database.js';
import type { PlatformSource } from '../payouts/index.js';
import type { RewardsNotifier } from '../rewards/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';

export type ReviewDeps = {
  db: Database;
  clock: Clock;
  generateId: IdGenerator;
  /**
   * For proofs behind draw wins held for review: tells the winner on approval and the member on rejection
   * (without it, the draws job tells the winner).
   */
  notifier?: RewardsNotifier;
  /** Re-checks the reserve who steps up after a rejection at once (without it, the draws job does). */
  platform?: PlatformSource;
  logger?: Logger;
};

/** The console user reviewing (their id is recorded on decisions, their name shown on leases). */
export type Reviewer = { id: string; name: string };
