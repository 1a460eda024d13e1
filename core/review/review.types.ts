import type { Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';

export type ReviewDeps = { db: Database; clock: Clock; generateId: IdGenerator };

/** The console user reviewing (their id is recorded on decisions, their name shown on leases). */
export type Reviewer = { id: string; name: string };
