import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { campaigns } from '../campaigns/campaigns.table.js';
import { createdAt, idColumn, tstz } from '../db/columns.js';
import type { ReplayResult } from './replays.models.js';

export type ReplayState = 'queued' | 'running' | 'done' | 'failed';

/**
 * A what-if replay: the draft rules and rewards, the window of decided proofs it replays, its progress
 * (the console polls it) and, once done, the result. Run by the campaign-replays worker.
 */
export const campaignReplays = pgTable(
  'campaign_replays',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    /** The campaign version the draft was made from (what the decisions are compared against). */
    baseVersion: integer('base_version').notNull(),
    /** The draft settings, already validated by the campaign schemas. */
    rules: jsonb('rules').notNull().$type<Record<string, unknown>>(),
    rewards: jsonb('rewards').notNull().$type<Record<string, unknown>>(),
    days: integer('days').notNull(),
    /** Proofs registered from this instant on are replayed. */
    since: tstz('since').notNull(),
    state: text('state').notNull().$type<ReplayState>(),
    /** Decided proofs in the window when the run started, and how many are done. */
    total: integer('total'),
    processed: integer('processed').notNull().default(0),
    result: jsonb('result').$type<ReplayResult>(),
    lastError: text('last_error'),
    /** A running replay whose lease has lapsed (its worker died) is started again by another. */
    leaseUntil: tstz('lease_until'),
    requestedBy: text('requested_by'),
    createdAt: createdAt(),
    startedAt: tstz('started_at'),
    finishedAt: tstz('finished_at'),
  },
  (t) => [
    index('campaign_replays_state_idx').on(t.state, t.createdAt),
    index('campaign_replays_campaign_idx').on(t.campaignId, t.createdAt),
  ],
);
