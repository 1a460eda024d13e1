import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import type { LocalizedText } from '../campaigns/campaigns.table.js';
import { campaigns } from '../campaigns/campaigns.table.js';
import { createdAt, idColumn, tstz, updatedAt } from '../db/columns.js';
import { members } from '../members/members.table.js';
import { submissions } from '../submissions/submissions.table.js';

/**
 * The points ledger is append-only: a balance is the sum of a member's rows; a correction is a new row
 * (`adjust`, `reverse`), never an update. `idempotencyKey` makes every effect happen once per cause.
 */
export const pointsLedger = pgTable(
  'points_ledger',
  {
    id: idColumn(),
    /**
     * Commit order within a member: every ledger write holds the member's advisory lock until commit, so
     * `seq` orders one member's rows exactly as they happened (FIFO expiry replays them in this order).
     */
    seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    campaignId: text('campaign_id').references(() => campaigns.id),
    kind: text('kind').notNull().$type<'earn' | 'redeem' | 'expire' | 'adjust' | 'reverse'>(),
    /** Signed: positive for earn and positive adjustments. */
    points: integer('points').notNull(),
    expiresAt: tstz('expires_at'),
    submissionId: text('submission_id').references(() => submissions.id),
    redemptionId: text('redemption_id'),
    reversesId: text('reverses_id'),
    reason: text('reason'),
    actor: text('actor'),
    idempotencyKey: text('idempotency_key').notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('points_ledger_idempotency_uq').on(t.brandId, t.idempotencyKey),
    index('points_ledger_member_idx').on(t.memberId, t.createdAt),
    index('points_ledger_member_seq_idx').on(t.memberId, t.seq),
    index('points_ledger_expiry_idx').on(t.expiresAt),
  ],
);

export const rewards = pgTable(
  'rewards',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    campaignId: text('campaign_id').references(() => campaigns.id),
    kind: text('kind').notNull().$type<'item' | 'coupon'>(),
    name: jsonb('name').notNull().$type<LocalizedText>(),
    description: jsonb('description').$type<LocalizedText>(),
    imageUrl: text('image_url'),
    pointsPrice: integer('points_price').notNull(),
    stockTotal: integer('stock_total').notNull(),
    /** Decremented in the redemption transaction; a check constraint keeps it from going below zero. */
    stockLeft: integer('stock_left').notNull(),
    perMemberLimit: integer('per_member_limit'),
    validFrom: tstz('valid_from'),
    validTo: tstz('valid_to'),
    active: boolean('active').notNull().default(true),
    /** The console flags the stock as low at or below this many left (null: the default, 10). */
    lowStockAt: integer('low_stock_at'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    check('rewards_stock_left_nonnegative', sql`${t.stockLeft} >= 0`),
    index('rewards_brand_idx').on(t.brandId),
  ],
);

export const redemptions = pgTable(
  'redemptions',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    rewardId: text('reward_id')
      .notNull()
      .references(() => rewards.id),
    points: integer('points').notNull(),
    state: text('state').notNull().$type<'reserved' | 'fulfilled' | 'cancelled'>(),
    couponCodeId: text('coupon_code_id'),
    idempotencyKey: text('idempotency_key').notNull(),
    fulfilledAt: tstz('fulfilled_at'),
    cancelledAt: tstz('cancelled_at'),
    /** Who moved the redemption out of `reserved` (a console user, `member`, or `system`). */
    closedBy: text('closed_by'),
    cancelReason: text('cancel_reason'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('redemptions_idempotency_uq').on(t.brandId, t.idempotencyKey),
    index('redemptions_member_idx').on(t.memberId, t.createdAt),
    index('redemptions_member_reward_idx').on(t.memberId, t.rewardId),
  ],
);

export const couponCodes = pgTable(
  'coupon_codes',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    rewardId: text('reward_id')
      .notNull()
      .references(() => rewards.id),
    code: text('code').notNull(),
    redemptionId: text('redemption_id').references(() => redemptions.id),
    assignedAt: tstz('assigned_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('coupon_codes_reward_code_uq').on(t.rewardId, t.code),
    uniqueIndex('coupon_codes_redemption_uq').on(t.redemptionId),
    index('coupon_codes_free_idx')
      .on(t.rewardId, t.id)
      .where(sql`${t.redemptionId} is null`),
  ],
);

/** Instant-win (scratch card) prizes of a campaign; `stockLeft` never goes below zero. */
export const instantPrizes = pgTable(
  'instant_prizes',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    campaignId: text('campaign_id')
      .notNull()
      .references(() => campaigns.id),
    name: jsonb('name').notNull().$type<LocalizedText>(),
    /** Chance per play in parts per million. */
    oddsPpm: integer('odds_ppm').notNull(),
    stockTotal: integer('stock_total').notNull(),
    stockLeft: integer('stock_left').notNull(),
    /** How stock is released over the campaign days, so prizes do not run out on day one. */
    schedule: jsonb('schedule').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [check('instant_prizes_stock_left_nonnegative', sql`${t.stockLeft} >= 0`)],
);

/** One play per accepted proof; the outcome is decided and stored before it is shown. */
export const instantPlays = pgTable(
  'instant_plays',
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
    prizeId: text('prize_id').references(() => instantPrizes.id),
    playedAt: tstz('played_at'),
    revealedAt: tstz('revealed_at'),
    /** Set when the proof is reversed: an unplayed card can no longer be played, a won prize is withheld. */
    voidedAt: tstz('voided_at'),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('instant_plays_submission_uq').on(t.submissionId),
    index('instant_plays_member_idx').on(t.memberId, t.createdAt),
  ],
);
