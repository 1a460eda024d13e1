import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import type { Locale } from '../i18n/index.js';
import type { IdGenerator } from '../shared/ids.js';
import { members } from './members.table.js';

export type Member = typeof members.$inferSelect;

/** A member who follows (or wrote first), with their LINE profile: `upsertFollowingMember`. */
export type FollowingMemberInput = {
  brandId: string;
  channelId: string;
  lineUserId: string;
  displayName: string | undefined;
  pictureUrl: string | undefined;
  locale: Locale;
  /** Set for a follow: marks them following again from then. */
  followedAt: Date | undefined;
  now: Date;
};

/**
 * The row of a member seen for the first time: following from a follow or a message, not yet from a LIFF
 * login (`ensureMemberForLineUser`), which only a follow event turns on.
 */
export function newMemberRow(
  input: Omit<FollowingMemberInput, 'followedAt'> & { followedAt?: Date },
  id: string,
  following: boolean,
): typeof members.$inferInsert {
  return {
    id,
    brandId: input.brandId,
    channelId: input.channelId,
    lineUserId: input.lineUserId,
    displayName: input.displayName,
    pictureUrl: input.pictureUrl,
    locale: input.locale,
    following,
    followedAt: input.followedAt ?? null,
    lastActiveAt: input.now,
    createdAt: input.now,
    updatedAt: input.now,
  };
}

/** Members of a brand, keyed by LINE user id. Every query is scoped by brand. */
export function createMembersRepository({ db, generateId }: { db: Executor; generateId: IdGenerator }) {
  /**
   * `upsertFollowingMember` for several members in one statement (the new members of a group of events
   * answered together), each result in the order given. Each (brand, LINE user) at most once.
   */
  const upsertFollowingMembers = async (
    inputs: FollowingMemberInput[],
  ): Promise<{ member: Member; created: boolean }[]> => {
    if (inputs.length === 0) return [];
    const rows = await db
      .insert(members)
      .values(inputs.map((input) => newMemberRow(input, generateId('member'), true)))
      .onConflictDoUpdate({
        target: [members.brandId, members.lineUserId],
        set: {
          channelId: sql`excluded.channel_id`,
          // A member first seen without a profile takes the profile's language once it is known; a
          // language chosen later by command is kept.
          locale: sql`case when ${members.displayName} is null and excluded.display_name is not null
                      then excluded.locale else ${members.locale} end`,
          displayName: sql`coalesce(excluded.display_name, ${members.displayName})`,
          pictureUrl: sql`coalesce(excluded.picture_url, ${members.pictureUrl})`,
          // A follow marks them following again; a message from someone unknown changes none of it.
          following: sql`case when excluded.followed_at is not null then true else ${members.following} end`,
          followedAt: sql`coalesce(excluded.followed_at, ${members.followedAt})`,
          unfollowedAt: sql`case when excluded.followed_at is not null then null else ${members.unfollowedAt} end`,
          lastActiveAt: sql`excluded.last_active_at`,
          updatedAt: sql`excluded.updated_at`,
        },
      })
      .returning();
    const byUser = new Map(rows.map((row) => [`${row.brandId}\n${row.lineUserId}`, row as Member]));
    return inputs.map((input) => {
      const member = byUser.get(`${input.brandId}\n${input.lineUserId}`);
      if (!member) throw new Error(`member ${input.lineUserId} was not stored`);
      // A row inserted just now carries the creation time we gave it; an updated one kept its own.
      return { member, created: member.createdAt.getTime() === input.now.getTime() };
    });
  };

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
    async upsertFollowingMember(input: FollowingMemberInput): Promise<{ member: Member; created: boolean }> {
      const [result] = await upsertFollowingMembers([input]);
      return result as { member: Member; created: boolean };
    },

    upsertFollowingMembers,

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
