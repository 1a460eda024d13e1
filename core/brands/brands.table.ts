import { boolean, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { createdAt, idColumn, updatedAt } from '../db/columns.js';

/** A brand is a workspace: its own LINE channels, campaigns, members and console users. */
export const brands = pgTable('brands', {
  id: idColumn(),
  slug: text('slug').notNull().unique(),
  name: text('name').notNull(),
  country: text('country').notNull().$type<'TW' | 'TH'>(),
  defaultLocale: text('default_locale').notNull().$type<'zh-TW' | 'th' | 'en'>(),
  timezone: text('timezone').notNull(),
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
