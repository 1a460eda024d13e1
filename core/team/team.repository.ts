import { and, desc, eq, gt, isNull } from 'drizzle-orm';
import { consoleMemberships, consoleUsers, type ConsoleRole } from '../console/index.js';
import type { Executor } from '../db/database.js';
import { consoleInvitations } from './team.table.js';

export type Invitation = typeof consoleInvitations.$inferSelect;

export function createTeamRepository({ db }: { db: Executor }) {
  return {
    async listMembers(brandId: string) {
      return db
        .select({
          userId: consoleUsers.id,
          email: consoleUsers.email,
          name: consoleUsers.name,
          role: consoleMemberships.role,
          membershipDisabledAt: consoleMemberships.disabledAt,
          userDisabledAt: consoleUsers.disabledAt,
          lastSignInAt: consoleUsers.lastSignInAt,
          joinedAt: consoleMemberships.createdAt,
        })
        .from(consoleMemberships)
        .innerJoin(consoleUsers, eq(consoleUsers.id, consoleMemberships.userId))
        .where(eq(consoleMemberships.brandId, brandId))
        .orderBy(consoleUsers.email);
    },

    /** Invitations neither used nor withdrawn (pending or expired), newest first. */
    async listOpenInvitations(brandId: string) {
      return db
        .select({
          id: consoleInvitations.id,
          email: consoleInvitations.email,
          role: consoleInvitations.role,
          expiresAt: consoleInvitations.expiresAt,
          createdAt: consoleInvitations.createdAt,
          acceptedAt: consoleInvitations.acceptedAt,
          revokedAt: consoleInvitations.revokedAt,
          invitedByName: consoleUsers.name,
          invitedByEmail: consoleUsers.email,
        })
        .from(consoleInvitations)
        .leftJoin(consoleUsers, eq(consoleUsers.id, consoleInvitations.invitedBy))
        .where(
          and(
            eq(consoleInvitations.brandId, brandId),
            isNull(consoleInvitations.acceptedAt),
            isNull(consoleInvitations.revokedAt),
          ),
        )
        .orderBy(desc(consoleInvitations.createdAt));
    },

    async getMembership(brandId: string, userId: string) {
      const [row] = await db
        .select({
          userId: consoleMemberships.userId,
          role: consoleMemberships.role,
          disabledAt: consoleMemberships.disabledAt,
          email: consoleUsers.email,
        })
        .from(consoleMemberships)
        .innerJoin(consoleUsers, eq(consoleUsers.id, consoleMemberships.userId))
        .where(and(eq(consoleMemberships.brandId, brandId), eq(consoleMemberships.userId, userId)))
        .limit(1);
      return row;
    },

    /**
     * The brand's active owners, their membership rows locked until the transaction ends: two owners
     * demoting each other at the same moment are serialised, so one of them stays owner.
     */
    async lockActiveOwnerIds(brandId: string): Promise<string[]> {
      const rows = await db
        .select({ userId: consoleMemberships.userId })
        .from(consoleMemberships)
        .innerJoin(consoleUsers, eq(consoleUsers.id, consoleMemberships.userId))
        .where(
          and(
            eq(consoleMemberships.brandId, brandId),
            eq(consoleMemberships.role, 'owner'),
            isNull(consoleMemberships.disabledAt),
            isNull(consoleUsers.disabledAt),
          ),
        )
        .for('update', { of: consoleMemberships });
      return rows.map((row) => row.userId);
    },

    async updateMembership(
      brandId: string,
      userId: string,
      set: { role?: ConsoleRole; disabledAt?: Date | null },
    ) {
      await db
        .update(consoleMemberships)
        .set(set)
        .where(and(eq(consoleMemberships.brandId, brandId), eq(consoleMemberships.userId, userId)));
    },

    async insertMembership(input: { brandId: string; userId: string; role: ConsoleRole; createdAt: Date }) {
      await db.insert(consoleMemberships).values(input);
    },

    async findUserByEmail(email: string) {
      const [row] = await db
        .select({ id: consoleUsers.id, email: consoleUsers.email, name: consoleUsers.name })
        .from(consoleUsers)
        .where(eq(consoleUsers.email, email))
        .limit(1);
      return row;
    },

    async getInvitationByTokenHash(tokenHash: string): Promise<Invitation | undefined> {
      const [row] = await db
        .select()
        .from(consoleInvitations)
        .where(eq(consoleInvitations.tokenHash, tokenHash))
        .limit(1);
      return row;
    },

    async getInvitation(brandId: string, id: string): Promise<Invitation | undefined> {
      const [row] = await db
        .select()
        .from(consoleInvitations)
        .where(and(eq(consoleInvitations.brandId, brandId), eq(consoleInvitations.id, id)))
        .limit(1);
      return row;
    },

    async insertInvitation(invitation: typeof consoleInvitations.$inferInsert) {
      await db.insert(consoleInvitations).values(invitation);
    },

    /** Withdraws the open invitations of this email on this brand (a new one replaces them). */
    async revokeOpenInvitations(brandId: string, email: string, now: Date) {
      return db
        .update(consoleInvitations)
        .set({ revokedAt: now })
        .where(
          and(
            eq(consoleInvitations.brandId, brandId),
            eq(consoleInvitations.email, email),
            isNull(consoleInvitations.acceptedAt),
            isNull(consoleInvitations.revokedAt),
          ),
        )
        .returning({ id: consoleInvitations.id });
    },

    async revokeInvitation(id: string, now: Date) {
      const rows = await db
        .update(consoleInvitations)
        .set({ revokedAt: now })
        .where(
          and(
            eq(consoleInvitations.id, id),
            isNull(consoleInvitations.acceptedAt),
            isNull(consoleInvitations.revokedAt),
          ),
        )
        .returning({ id: consoleInvitations.id });
      return rows.length > 0;
    },

    /**
     * Marks the invitation used, in one statement that only succeeds for an unused, unwithdrawn,
     * unexpired one: of two concurrent uses of the same link, exactly one gets the row.
     */
    async claimInvitation(id: string, now: Date) {
      const [row] = await db
        .update(consoleInvitations)
        .set({ acceptedAt: now })
        .where(
          and(
            eq(consoleInvitations.id, id),
            isNull(consoleInvitations.acceptedAt),
            isNull(consoleInvitations.revokedAt),
            gt(consoleInvitations.expiresAt, now),
          ),
        )
        .returning();
      return row;
    },

    async setInvitationUser(id: string, userId: string) {
      await db
        .update(consoleInvitations)
        .set({ acceptedUserId: userId })
        .where(eq(consoleInvitations.id, id));
    },
  };
}
