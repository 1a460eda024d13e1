import { boolean, index, integer, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import type { LocalizedText } from '../campaigns/campaigns.table.js';
import { campaigns } from '../campaigns/campaigns.table.js';
import { createdAt, idColumn, tstz } from '../db/columns.js';
import { members } from '../members/members.table.js';
import { submissions } from '../submissions/submissions.table.js';

/** Lottery entries earned by an accepted proof: one row per proof, `weight` entries. */
export const lotteryEntries = pgTable(
  'lottery_entries',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    submissionId: text('submission_id')
      .notNull()
      .references(() => submissions.id),
    weight: integer('weight').notNull(),
    /** When the entry was earned: draws take the entries of their period. */
    earnedAt: tstz('earned_at').notNull(),
    voidedAt: tstz('voided_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('lottery_entries_submission_uq').on(t.submissionId),
    index('lottery_entries_campaign_earned_idx').on(t.campaignId, t.earnedAt),
    index('lottery_entries_member_idx').on(t.memberId, t.earnedAt),
  ],
);

export type DrawPrize = { key: string; name: LocalizedText; quantity: number; valueMinor?: number };

/**
 * A draw over one period's entries. The SHA-256 of a secret seed is published when the period opens; the
 * seed is revealed after the draw, so anyone can recompute the winners from the published entry list.
 */
export const draws = pgTable(
  'draws',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    name: jsonb('name').notNull().$type<LocalizedText>(),
    periodFrom: tstz('period_from').notNull(),
    periodTo: tstz('period_to').notNull(),
    prizes: jsonb('prizes').notNull().$type<DrawPrize[]>(),
    maxWinsPerMember: integer('max_wins_per_member').notNull().default(1),
    reserveCount: integer('reserve_count').notNull().default(0),
    seedHash: text('seed_hash').notNull(),
    /** Secret until the draw has run. */
    seed: text('seed').notNull(),
    seedRevealedAt: tstz('seed_revealed_at'),
    /**
     * HMAC key for the member pseudonyms in the published entry list. Never published (unlike the seed), so
     * the list cannot be linked to members or LINE users even after the seed is revealed.
     */
    pseudonymKey: text('pseudonym_key'),
    entriesDigest: text('entries_digest'),
    algorithmVersion: text('algorithm_version').notNull(),
    status: text('status').notNull().$type<'open' | 'drawn'>(),
    drawnAt: tstz('drawn_at'),
    /**
     * The campaign schedule's period this draw is for (`weekly:<period end>`, `final`); null for a draw
     * opened by hand. Unique per campaign, so two workers can never open the same period twice.
     */
    scheduleKey: text('schedule_key'),
    /**
     * A Thai lucky draw's permit (ใบอนุญาตจับรางวัล, issued by the province's administration office): its
     * number and the issuing province, printed on the public draw record. Null where none is needed.
     */
    permitNumber: text('permit_number'),
    /**
     * Winners' proofs that no platform can re-check (receipt and paper-invoice photos) must have been
     * reviewed by a person before the winner is told; unreviewed ones go to the review queue first.
     */
    requireReviewedProofs: boolean('require_reviewed_proofs').notNull().default(false),
    permitProvince: text('permit_province'),
    createdAt: createdAt(),
  },
  (t) => [
    index('draws_campaign_idx').on(t.campaignId, t.periodFrom),
    uniqueIndex('draws_campaign_schedule_uq').on(t.campaignId, t.scheduleKey),
    index('draws_scheduled_open_idx').on(t.status, t.periodTo),
  ],
);

export const drawWinners = pgTable(
  'draw_winners',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    drawId: text('draw_id')
      .notNull()
      .references(() => draws.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    entryId: text('entry_id')
      .notNull()
      .references(() => lotteryEntries.id),
    prizeKey: text('prize_key').notNull(),
    rank: integer('rank').notNull(),
    isReserve: boolean('is_reserve').notNull().default(false),
    status: text('status')
      .notNull()
      .default('pending')
      .$type<'pending' | 'confirmed' | 'forfeited' | 'paid'>(),
    /**
     * For a reserve who stepped up: the prize they now receive and the forfeited win they replace. The
     * drawn `prizeKey`/`isReserve` never change, so the published record keeps verifying.
     */
    awardedPrizeKey: text('awarded_prize_key'),
    replacesId: text('replaces_id'),
    /** What the tax rules need from a winner (ID for prizes above NT$1,000, withholding). */
    taxInfo: jsonb('tax_info').$type<Record<string, unknown>>(),
    notifiedAt: tstz('notified_at'),
    /** Why a win was forfeited: `invoice_voided` (the platform re-check), `proof_reversed`, `brand`. */
    forfeitReason: text('forfeit_reason'),
    /** When the proof behind the win was last re-checked before payout (platform or review). */
    proofCheckedAt: tstz('proof_checked_at'),
    /** Set while the winner waits for a reviewer to confirm the proof behind the win (not told yet). */
    heldForReviewAt: tstz('held_for_review_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('draw_winners_draw_rank_uq').on(t.drawId, t.rank),
    uniqueIndex('draw_winners_draw_entry_uq').on(t.drawId, t.entryId),
    index('draw_winners_member_idx').on(t.memberId),
  ],
);
