import { date, index, integer, pgTable, primaryKey, text, boolean } from 'drizzle-orm/pg-core';
import { tstz } from '../db/columns.js';

/*
 * Rollups of `submissions` for the funnel and the member cohorts, kept by statement triggers on that table
 * in the transaction that writes it (a proof received, decided, rewarded, reversed, an erasure's sweep):
 * every statement subtracts what the rows it touched looked like before and adds what they look like after
 * (migration 0030, docs/decisions/009). Days are the brand's local days of `created_at` (a change of the
 * brand's time zone rebuilds its rows). Rows that fall to zero are deleted.
 */

/** Proofs by local day of receipt and by what became of them: the funnel's steps and rejection reasons. */
export const analyticsProofDays = pgTable(
  'analytics_proof_days',
  {
    brandId: text('brand_id').notNull(),
    campaignId: text('campaign_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    state: text('state').notNull(),
    /** The rejection reason of rejected proofs ('' otherwise, or when none was given). */
    reason: text('reason').notNull(),
    /** Purchase data known (an invoice row). */
    read: boolean('read').notNull(),
    /** Checked with the platform, or accepted (read/reviewed). */
    verified: boolean('verified').notNull(),
    proofs: integer('proofs').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'analytics_proof_days_pk',
      columns: [t.brandId, t.campaignId, t.day, t.state, t.reason, t.read, t.verified],
    }),
    index('analytics_proof_days_brand_day_idx').on(t.brandId, t.day),
  ],
);

/**
 * A member's accepted (or rewarded) proofs per campaign and local day, with the first one's time: the
 * accepted and redeeming members, cohorts by first-proof week, new vs returning, repeat purchases.
 */
export const analyticsMemberDays = pgTable(
  'analytics_member_days',
  {
    brandId: text('brand_id').notNull(),
    campaignId: text('campaign_id').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    memberId: text('member_id').notNull(),
    proofs: integer('proofs').notNull(),
    firstAt: tstz('first_at').notNull(),
  },
  (t) => [
    primaryKey({ name: 'analytics_member_days_pk', columns: [t.brandId, t.campaignId, t.day, t.memberId] }),
    /**
     * A range of days, holding what the dated member questions read (campaign, member, proofs), so that
     * they scan the index alone (one month of a million invoices: 311,554 member-days; docs/decisions/009,
     * "Cohorts over any range").
     */
    index('analytics_member_days_brand_day_idx').on(t.brandId, t.day, t.campaignId, t.memberId, t.proofs),
    /** A member's days, for the per-member rollups below (recomputed for the members a statement touched). */
    index('analytics_member_days_member_idx').on(t.brandId, t.memberId),
  ],
);

/**
 * One row per member with an accepted (or rewarded) proof, per campaign and for all campaigns (`scope`
 * `*`): their accepted proofs, the first one's time and its week (Monday, local). The undated funnel
 * (accepted and redeeming members) and the undated cohorts (repeat purchases) read these instead of
 * every member-day of the history (migration 0033).
 */
export const analyticsMembers = pgTable(
  'analytics_members',
  {
    brandId: text('brand_id').notNull(),
    /** A campaign id, or `*` for all the brand's campaigns. */
    scope: text('scope').notNull(),
    memberId: text('member_id').notNull(),
    proofs: integer('proofs').notNull(),
    firstAt: tstz('first_at').notNull(),
    firstWeek: date('first_week', { mode: 'string' }).notNull(),
  },
  (t) => [primaryKey({ name: 'analytics_members_pk', columns: [t.brandId, t.scope, t.memberId] })],
);

/**
 * Members by the week of their first accepted proof (`cohort`) and a week they had an accepted proof in
 * (`week`, the cohort's own week included), per campaign and for all campaigns (`*`): the undated retention
 * table and new vs returning members, as counters (migration 0033).
 */
export const analyticsCohortWeeks = pgTable(
  'analytics_cohort_weeks',
  {
    brandId: text('brand_id').notNull(),
    scope: text('scope').notNull(),
    cohort: date('cohort', { mode: 'string' }).notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    members: integer('members').notNull(),
  },
  (t) => [primaryKey({ name: 'analytics_cohort_weeks_pk', columns: [t.brandId, t.scope, t.cohort, t.week] })],
);
