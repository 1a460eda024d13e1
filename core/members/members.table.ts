import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  date,
  index,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';
import { brands, lineChannels } from '../brands/brands.table.js';
import { createdAt, idColumn, tstz, updatedAt } from '../db/columns.js';

/** A LINE user as a member of one brand. Personal fields are null until registration and after erasure. */
export const members = pgTable(
  'members',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    lineUserId: text('line_user_id').notNull(),
    /** The LINE channel the member last talked through: pushes to the member go out on it. */
    channelId: text('channel_id').references(() => lineChannels.id),
    displayName: text('display_name'),
    pictureUrl: text('picture_url'),
    locale: text('locale').notNull().$type<'zh-TW' | 'th' | 'en'>(),
    following: boolean('following').notNull().default(true),
    followedAt: tstz('followed_at'),
    unfollowedAt: tstz('unfollowed_at'),
    registeredAt: tstz('registered_at'),
    name: text('name'),
    phone: text('phone'),
    email: text('email'),
    gender: text('gender').$type<'female' | 'male' | 'other' | 'undisclosed'>(),
    birthday: date('birthday', { mode: 'string' }),
    region: text('region'),
    /** The brand's own membership number, once linked. */
    externalMemberNo: text('external_member_no'),
    linkedAt: tstz('linked_at'),
    lastActiveAt: tstz('last_active_at'),
    erasedAt: tstz('erased_at'),
    /**
     * The member's consents in force (the latest `consents` row of each kind; null: never asked), kept by a
     * trigger on `consents` (migration 0028) so that segment counts over a million members read a column
     * instead of searching each member's consent history.
     */
    marketingConsent: boolean('marketing_consent'),
    dataProcessingConsent: boolean('data_processing_consent'),
    /** The member's tags (from `member_tags`, sorted), kept by a trigger for the same reason. */
    tags: text('tags')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    /**
     * When the member's latest accepted proofs (accepted or rewarded submissions) were sent, newest first,
     * at most ACCEPTED_PROOF_TIMES_KEPT; kept by a trigger on `submissions` (migration 0033). "N accepted
     * proofs within D days" is then `accepted_proofs_at[N] >= now - D`, read in the scan of members.
     */
    acceptedProofsAt: timestamp('accepted_proofs_at', { withTimezone: true, mode: 'date' })
      .array()
      .notNull()
      .default(sql`'{}'::timestamptz[]`),
    /**
     * The member's points balance: the sum of their `points_ledger` rows, kept by statement triggers on the
     * ledger (each write adds its rows' points in the same transaction), so that a segment's `points` test
     * reads a column in the scan of members instead of grouping the whole ledger per count.
     */
    pointsBalance: bigint('points_balance', { mode: 'number' }).notNull().default(0),
    /**
     * Facts a segment's behaviour tests read in the one scan of members (docs/decisions/011, sixth pass),
     * kept by statement triggers in the transaction that changes their source rows and never written by the
     * application. `purchases`: the member's latest `member_purchases` rows (at most
     * `member_purchases_kept()`, 20) as a jsonb array, newest invoice first, each `{ d: invoice date in days
     * since 1970-01-01, t: seller tax id, n: seller name, r: region codes the seller address names, i: item
     * names }` (nulls left out, migration 0050), so `bought` is one jsonpath test on the member row.
     */
    purchases: jsonb('purchases')
      .notNull()
      .default(sql`'[]'::jsonb`)
      .$type<Array<{ d: number; t?: string; n?: string; r?: string[]; i: string }>>(),
    /**
     * The invoice date of the oldest purchase kept in `purchases` when older ones were left out (null: every
     * purchase is kept): a `bought` window reaching back to it reads the member's `member_purchases` rows.
     */
    purchasesFrom: date('purchases_from', { mode: 'string' }),
    /**
     * The latest invoice date among `purchases` (null: none): tested before the jsonpath, so a `bought`
     * within N days looks into the purchases only of members who bought anything since then.
     */
    lastBoughtOn: date('last_bought_on', { mode: 'string' }),
    /** When the member last redeemed (a redemption not cancelled); null: never. */
    lastRedeemedAt: tstz('last_redeemed_at'),
    /**
     * When the member last won: a draw win not forfeited, or an instant prize not voided (its `played_at`;
     * `-infinity` for a won card not played yet, which counts for "won" but for no "within N days"). Null: never.
     */
    lastWonAt: tstz('last_won_at'),
    /**
     * The member's survey answers as keys `["survey id", "question", "answer"]` (jsonb text), sorted: the
     * text of every answer (`answers ->> question`) and of each choice of a multiple choice, so
     * `surveyAnswer` is an array overlap on the member row.
     */
    surveyAnswerKeys: text('survey_answer_keys')
      .array()
      .notNull()
      .default(sql`'{}'::text[]`),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('members_brand_line_user_uq').on(t.brandId, t.lineUserId),
    index('members_brand_created_idx').on(t.brandId, t.createdAt),
  ],
);

/** Consents are appended, never updated: the latest row per kind is in force, and all are evidence. */
export const consents = pgTable(
  'consents',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    kind: text('kind').notNull().$type<'data_processing' | 'marketing'>(),
    granted: boolean('granted').notNull(),
    /** The version of the consent text the member was shown, e.g. `tw-2026-01`. */
    textVersion: text('text_version').notNull(),
    locale: text('locale').notNull(),
    source: text('source').notNull().$type<'liff' | 'chat' | 'console' | 'erasure'>(),
    recordedAt: createdAt(),
  },
  (t) => [index('consents_member_kind_idx').on(t.memberId, t.kind, t.recordedAt)],
);

export const memberTags = pgTable(
  'member_tags',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    memberId: text('member_id')
      .notNull()
      .references(() => members.id),
    tag: text('tag').notNull(),
    source: text('source').notNull().$type<'rule' | 'survey' | 'purchase' | 'console'>(),
    details: jsonb('details').$type<Record<string, unknown>>(),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('member_tags_member_tag_uq').on(t.memberId, t.tag),
    index('member_tags_brand_tag_idx').on(t.brandId, t.tag),
  ],
);
