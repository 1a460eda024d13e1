import { and, eq } from 'drizzle-orm';
import { brands, lineChannels, type Brand, type LineChannel } from '../brands/index.js';
import type { Database } from '../db/database.js';
import type { WebhookEvent } from '../events/index.js';
import { localeFromLineLanguage, type Locale } from '../i18n/index.js';
import { createMembersRepository, members, type Member } from '../members/index.js';
import type { ConversationDeps } from './conversations.usecases.js';

/** What answering an event starts from: its channel, its brand, and the member who wrote (if known). */
export type EventContext = { channel: LineChannel; brand: Brand | undefined; member: Member | undefined };

/**
 * The event's channel (of the event's brand), the brand and the member `lineUserId` of that brand, in one
 * statement; undefined when the channel is gone. Read fresh for each event (a rotated access token or a
 * changed locale applies at once): no cache to go stale.
 */
export async function readEventContext(
  db: Database,
  { brandId, channelId, lineUserId }: { brandId: string; channelId: string; lineUserId: string },
): Promise<EventContext | undefined> {
  const [row] = await db
    .select({ channel: lineChannels, brand: brands, member: members })
    .from(lineChannels)
    .leftJoin(brands, eq(brands.id, lineChannels.brandId))
    .leftJoin(members, and(eq(members.brandId, lineChannels.brandId), eq(members.lineUserId, lineUserId)))
    .where(and(eq(lineChannels.id, channelId), eq(lineChannels.brandId, brandId)))
    .limit(1);
  if (!row) return undefined;
  return { channel: row.channel, brand: row.brand ?? undefined, member: row.member ?? undefined };
}

/**
 * The member who wrote: a known one as read (their activity is recorded with the answer, in its
 * transaction: `known`), a new one stored now with their LINE profile (their id is needed before).
 */
export async function ensureMember(
  deps: ConversationDeps,
  {
    event,
    channel,
    existing,
    userId,
    brandLocale,
  }: {
    event: WebhookEvent;
    channel: LineChannel;
    /** The member as `readEventContext` found them. */
    existing: Member | undefined;
    userId: string;
    brandLocale: Locale;
  },
): Promise<{ member: Member; known: boolean }> {
  if (existing) return { member: { ...existing, channelId: channel.id }, known: true };
  // Someone who befriended the account before Proofline ran: the profile gives name and language.
  const member = await storeMemberWithProfile(deps, {
    event,
    channel,
    userId,
    brandLocale,
    followedAt: undefined,
  });
  return { member, known: false };
}

/** The member `userId` stored (or updated) as following, with their LINE profile's name and language. */
export async function storeMemberWithProfile(
  deps: ConversationDeps,
  {
    event,
    channel,
    userId,
    brandLocale,
    followedAt,
  }: {
    event: WebhookEvent;
    channel: LineChannel;
    userId: string;
    brandLocale: Locale;
    followedAt: Date | undefined;
  },
): Promise<Member> {
  const profile = await deps.messenger.getProfile(credentialsOf(channel), userId);
  const { member } = await createMembersRepository({
    db: deps.db,
    generateId: deps.generateId,
  }).upsertFollowingMember({
    brandId: event.brandId,
    channelId: channel.id,
    lineUserId: userId,
    displayName: profile?.displayName,
    pictureUrl: profile?.pictureUrl,
    locale: localeFromLineLanguage(profile?.language, brandLocale),
    followedAt,
    now: deps.clock.now(),
  });
  return member;
}

export function credentialsOf(channel: LineChannel) {
  return { lineChannelId: channel.lineChannelId, channelAccessToken: channel.channelAccessToken };
}
