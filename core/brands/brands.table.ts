import { boolean, index, integer, numeric, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from '../db/columns.js';

/** A brand is a workspace: its own LINE channels, campaigns, members and console users. */
export const brands = pgTable('brands', {
  id: idColumn(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  country: text('country').notNull().$type<'TW' | 'TH'>(),
  defaultLocale: text('default_locale').notNull().$type<'zh-TW' | 'th' | 'en'>(),
  timezone: text('timezone').notNull(),
  /**
   * Broadcast settings (console: Settings → Broadcasts). Quiet hours in the brand's time zone, as minutes
   * after midnight: no marketing message from the start to the end (21:00–09:00 by default).
   */
  quietHoursStart: integer('quiet_hours_start')
    .notNull()
    .default(21 * 60),
  quietHoursEnd: integer('quiet_hours_end')
    .notNull()
    .default(9 * 60),
  /** What happens to chunks not yet sent when quiet hours begin mid-send: they wait, or are skipped. */
  quietHoursMidSend: text('quiet_hours_mid_send').notNull().default('wait').$type<'wait' | 'skip'>(),
  /** At most this many marketing messages per member within this many days (0 messages: no cap). */
  frequencyCapMessages: integer('frequency_cap_messages').notNull().default(2),
  frequencyCapDays: integer('frequency_cap_days').notNull().default(7),
  /** The LINE Official Account plan (`tw_light`, `th_basic`… see core/broadcasts/broadcasts.plans.ts). */
  linePlan: text('line_plan'),
  /** The brand's own figures where they differ from the plan table (a negotiated price, a new tariff). */
  linePlanIncludedMessages: integer('line_plan_included_messages'),
  linePlanOveragePrice: numeric('line_plan_overage_price', { precision: 10, scale: 4 }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

/** A LINE Messaging API channel of a brand; the webhook URL is keyed by its LINE channel id. */
export const lineChannels = pgTable(
  'line_channels',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    lineChannelId: text('line_channel_id').notNull(),
    name: text('name').notNull(),
    channelSecret: text('channel_secret').notNull(),
    channelAccessToken: text('channel_access_token').notNull(),
    /** The LIFF app opened from this channel's rich menu. */
    liffId: text('liff_id'),
    /** LINE Login channel that owns the LIFF app: the `aud` of its ID tokens. */
    loginChannelId: text('login_channel_id'),
    botUserId: text('bot_user_id'),
    /** Set when the channel was created from environment variables (the single-brand deployment). */
    managedByEnv: boolean('managed_by_env').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('line_channels_line_channel_id_uq').on(t.lineChannelId),
    index('line_channels_brand_idx').on(t.brandId),
  ],
);
