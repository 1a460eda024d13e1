import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { Locale } from '../i18n/index.js';
import type { IdGenerator } from '../shared/ids.js';
import { members } from './members.table.js';

export type Member = typeof members.$inferSelect;

/** Members of a brand, keyed by LINE user id. Every query is scoped by brand. */
export function createMembersRepository({ db, generateId }: { db: Executor; generateId: IdGenerator }) {
  return {
    async getMemberByLineUserId({
      brandId,
      lineUserId,
    }: {
      brandId: string;
      lineUserId: string;
    }): Promise<Member | undefined> {
      const [member] = await db
        .select()
        .from(members)
        .where(and(eq(members.brandId, brandId), eq(members.lineUserId, lineUserId)))
        .limit(1);
      return member;
    },

    async getMemberById({
      brandId,
      memberId,
    }: {
      brandId: string;
      memberId: string;
    }): Promise<Member | undefined> {
      const [member] = await db
        .select()
        .from(members)
        .where(and(eq(members.brandId, brandId), eq(members.id, memberId)))
        .limit(1);
      return member;
    },

    /**
     * A follow (or a first message from someone we do not know yet): creates the member, or marks an
     * existing one as following again with the fresh profile. The locale comes from the first profile
     * seen; a language the member chose by command is kept.
     */
    async upsertFollowingMember(input: {
      brandId: string;
      channelId: string;
      lineUserId: string;
      displayName: string | undefined;
      pictureUrl: string | undefined;
      locale: Locale;
      followedAt: Date | undefined;
      now: Date;
    }): Promise<{ member: Member; created: boolean }> {
      const [row] = await db
        .insert(members)
        .values({
          id: generateId('member'),
          brandId: input.brandId,
          channelId: input.channelId,
          lineUserId: input.lineUserId,
          displayName: input.displayName,
          pictureUrl: input.pictureUrl,
          locale: input.locale,
          following: true,
          followedAt: input.followedAt,
          lastActiveAt: input.now,
          createdAt: input.now,
          updatedAt: input.now,
        })
        .onConflictDoUpdate({
          target: [members.brandId, members.lineUserId],
          set: {
            channelId: input.channelId,
            // A member first seen without a profile takes the profile's language once it is known; a
            // language chosen later by command is kept.
            locale: sql`case when ${members.displayName} is null and excluded.display_name is not null
                        then excluded.locale else ${members.locale} end`,
            displayName: sql`coalesce(excluded.display_name, ${members.displayName})`,
            pictureUrl: sql`coalesce(excluded.picture_url, ${members.pictureUrl})`,
            ...(input.followedAt
              ? { following: true, followedAt: input.followedAt, unfollowedAt: null }
              : {}),
            lastActiveAt: input.now,
            updatedAt: input.now,
          },
        })
        .returning();
      const member = row as Member;
      // A row inserted just now carries the creation time we gave it; an updated one kept its own.
      return { member, created: member.createdAt.getTime() === input.now.getTime() };
    },

    /**
     * A known member wrote again (in the caller's transaction): what `upsertFollowingMember` changes on
     * a member it finds, without its insert attempt.
     */
    async touchActive({
      memberId,
      channelId,
      now,
    }: {
      memberId: string;
      channelId: string;
      now: Date;
    }): Promise<void> {
      await db
        .update(members)
        .set({ channelId, lastActiveAt: now, updatedAt: now })
        .where(eq(members.id, memberId));
    },

    /** `touchActive` for several members in one statement (the answers of a group of events). */
    async touchActiveMany({
      touches,
      now,
    }: {
      touches: { memberId: string; channelId: string }[];
      now: Date;
    }): Promise<void> {
      if (touches.length === 0) return;
      await db.execute(
        sql`update members m
               set channel_id = v.channel_id, last_active_at = ${now.toISOString()}::timestamptz,
                   updated_at = ${now.toISOString()}::timestamptz
              from (values ${sql.join(
                touches.map(({ memberId, channelId }) => sql`(${memberId}, ${channelId})`),
                sql`, `,
              )}) as v(id, channel_id)
             where m.id = v.id`,
      );
    },

    /** An unfollow (block): the member is kept but never messaged until they follow again. */
    async markUnfollowed({
      brandId,
      lineUserId,
      at,
    }: {
      brandId: string;
      lineUserId: string;
      at: Date;
    }): Promise<Member | undefined> {
      const [member] = await db
        .update(members)
        .set({ following: false, unfollowedAt: at, updatedAt: at })
        .where(and(eq(members.brandId, brandId), eq(members.lineUserId, lineUserId)))
        .returning();
      return member;
    },

    async setLocale({
      brandId,
      memberId,
      locale,
      now,
    }: {
      brandId: string;
      memberId: string;
      locale: Locale;
      now: Date;
    }): Promise<Member | undefined> {
      const [member] = await db
        .update(members)
        .set({ locale, updatedAt: now })
        .where(and(eq(members.brandId, brandId), eq(members.id, memberId)))
        .returning();
      return member;
    },
  };
}

export type MembersRepository = ReturnType<typeof createMembersRepository>;
