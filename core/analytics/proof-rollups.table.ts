import { date, index, integer, pgTable, primaryKey, smallint, text, boolean } from 'drizzle-orm/pg-core';
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
 * (accepted and redeeming members) reads these instead of every member-day of the history (migration
 * 0033).
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

/*
 * The member questions over any range (or the whole history), exact from counters (migration 0042,
 * docs/decisions/009, "Cohorts by first-ever proof"): a member's cohort is the week of their first-ever
 * accepted proof (per scope: a campaign, or `*` for all the brand's campaigns), whatever range is asked.
 * Kept, like the table above, from the touched members' member-days in the writing transaction (the
 * undated cohort table `analytics_cohort_weeks` they made redundant is dropped, issue 17).
 */

/**
 * Members by their first-ever active day (`first_day`), a week they were active in (Monday, local) and the
 * days of that week they were active on (`days`: bit i = Monday + i). A member is active in a range's part
 * of a week when `days` meets the range's days of that week: the retention table and new vs returning of
 * any range are sums of these rows.
 */
export const analyticsCohortDays = pgTable(
  'analytics_cohort_days',
  {
    brandId: text('brand_id').notNull(),
    scope: text('scope').notNull(),
    week: date('week', { mode: 'string' }).notNull(),
    firstDay: date('first_day', { mode: 'string' }).notNull(),
    days: smallint('days').notNull(),
    members: integer('members').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'analytics_cohort_days_pk',
      columns: [t.brandId, t.scope, t.week, t.firstDay, t.days],
    }),
  ],
);

/**
 * Members by an active day and the active day before it (`prev_day`, `-infinity` on their first-ever
 * one): the members active in a range are its days whose previous active day is before the range.
 */
export const analyticsReturnDays = pgTable(
  'analytics_return_days',
  {
    brandId: text('brand_id').notNull(),
    scope: text('scope').notNull(),
    day: date('day', { mode: 'string' }).notNull(),
    prevDay: date('prev_day', { mode: 'string' }).notNull(),
    members: integer('members').notNull(),
  },
  (t) => [primaryKey({ name: 'analytics_return_days_pk', columns: [t.brandId, t.scope, t.day, t.prevDay] })],
);

/**
 * Members by the day of their first-ever accepted proof and of their second (`second_day`: the same day
 * when they sent two that day, `infinity` while they have one): a member whose first proof is in a range
 * and whose second is after it bought once, the other members of the range bought again.
 */
export const analyticsFirstDays = pgTable(
  'analytics_first_days',
  {
    brandId: text('brand_id').notNull(),
    scope: text('scope').notNull(),
    firstDay: date('first_day', { mode: 'string' }).notNull(),
    secondDay: date('second_day', { mode: 'string' }).notNull(),
    members: integer('members').notNull(),
  },
  (t) => [
    primaryKey({
      name: 'analytics_first_days_pk',
      columns: [t.brandId, t.scope, t.firstDay, t.secondDay],
    }),
  ],
);
