import { recordAudit } from '../audit/index.js';
import {
  createConsoleEmailTakenError,
  createWeakPasswordError,
  endConsoleSessionsOf,
  hashPassword,
  listConsoleMemberships,
  MIN_PASSWORD_LENGTH,
  normalizeEmail,
  startConsoleSession,
  type ConsoleRole,
  type ConsoleSignedIn,
  consoleUsers,
} from '../console/index.js';
import { isUniqueViolation, type Database } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  createAlreadyMemberError,
  createInvitationExpiredError,
  createInvitationNotFoundError,
  createInvitationRevokedError,
  createInvitationUsedError,
  createLastOwnerError,
  createTeamMemberNotFoundError,
} from './team.errors.js';
import {
  generateInvitationToken,
  hashInvitationToken,
  invitationLinkOf,
  invitationStateOf,
  INVITATION_TTL_MS,
  wouldLeaveNoOwner,
  type InvitationState,
} from './team.models.js';
import { createTeamRepository, type Invitation } from './team.repository.js';

export type TeamDeps = { db: Database; clock: Clock; generateId: IdGenerator };
/** The owner acting on their brand's team. */
export type TeamActor = { userId: string; email: string; brandId: string };

export type TeamMember = {
  userId: string;
  email: string;
  name: string;
  role: ConsoleRole;
  /** `disabled`: on this brand (by an owner) or everywhere (by an instance admin). */
  status: 'active' | 'disabled';
  lastSignInAt: Date | null;
  joinedAt: Date;
};

export type TeamInvitation = {
  id: string;
  email: string;
  role: ConsoleRole;
  state: InvitationState;
  expiresAt: Date;
  createdAt: Date;
  invitedBy: { name: string; email: string } | null;
};

export async function listTeam(
  deps: Pick<TeamDeps, 'db' | 'clock'>,
  { brandId }: { brandId: string },
): Promise<{ members: TeamMember[]; invitations: TeamInvitation[] }> {
  const repository = createTeamRepository({ db: deps.db });
  const now = deps.clock.now();
  const members = (await repository.listMembers(brandId)).map((row) => ({
    userId: row.userId,
    email: row.email,
    name: row.name,
    role: row.role,
    status: row.membershipDisabledAt || row.userDisabledAt ? ('disabled' as const) : ('active' as const),
    lastSignInAt: row.lastSignInAt,
    joinedAt: row.joinedAt,
  }));
  const invitations = (await repository.listOpenInvitations(brandId)).map((row) => ({
    id: row.id,
    email: row.email,
    role: row.role,
    state: invitationStateOf(row, now),
    expiresAt: row.expiresAt,
    createdAt: row.createdAt,
    invitedBy: row.invitedByEmail ? { name: row.invitedByName ?? '', email: row.invitedByEmail } : null,
  }));
  return { members, invitations };
}

/**
 * Invites a person by email with a role. A new person gets a one-time link (shown once to the owner,
 * stored only as its hash) to set a password; a person who already has a console account (an agency
 * working for several brands) is added at once and keeps their password. Audited.
 */
export async function inviteTeamMember(
  deps: TeamDeps,
  input: { actor: TeamActor; email: string; role: ConsoleRole; baseUrl: string },
): Promise<
  | { outcome: 'invited'; invitation: TeamInvitation; link: string }
  | { outcome: 'added'; member: { userId: string; email: string; role: ConsoleRole } }
> {
  const email = normalizeEmail(input.email);
  const brandId = input.actor.brandId;
  const now = deps.clock.now();
  return deps.db.transaction(async (tx) => {
    const repository = createTeamRepository({ db: tx });
    const existing = await repository.findUserByEmail(email);
    if (existing) {
      const membership = await repository.getMembership(brandId, existing.id);
      if (membership)
        throw createAlreadyMemberError({
          details: { email, userId: existing.id, disabled: Boolean(membership.disabledAt) },
        });
      await repository.insertMembership({ brandId, userId: existing.id, role: input.role, createdAt: now });
      await recordAudit(tx, deps, {
        brandId,
        actorType: 'console_user',
        actorId: input.actor.userId,
        action: 'team.member_added',
        targetType: 'console_user',
        targetId: existing.id,
        data: { email, role: input.role },
      });
      return { outcome: 'added' as const, member: { userId: existing.id, email, role: input.role } };
    }

    const replaced = await repository.revokeOpenInvitations(brandId, email, now);
    const token = generateInvitationToken();
    const invitation = {
      id: deps.generateId('consoleInvitation'),
      brandId,
      email,
      role: input.role,
      tokenHash: hashInvitationToken(token),
      invitedBy: input.actor.userId,
      expiresAt: new Date(now.getTime() + INVITATION_TTL_MS),
      createdAt: now,
    };
    await repository.insertInvitation(invitation);
    await recordAudit(tx, deps, {
      brandId,
      actorType: 'console_user',
      actorId: input.actor.userId,
      action: 'team.invited',
      targetType: 'console_invitation',
      targetId: invitation.id,
      data: {
        email,
        role: input.role,
        expiresAt: invitation.expiresAt.toISOString(),
        ...(replaced.length > 0 ? { replaced: replaced.map((row) => row.id) } : {}),
      },
    });
    return {
      outcome: 'invited' as const,
      link: invitationLinkOf(input.baseUrl, token),
      invitation: {
        id: invitation.id,
        email,
        role: input.role,
        state: 'pending' as const,
        expiresAt: invitation.expiresAt,
        createdAt: now,
        invitedBy: { name: '', email: input.actor.email },
      },
    };
  });
}

export async function revokeTeamInvitation(
  deps: TeamDeps,
  { actor, invitationId }: { actor: TeamActor; invitationId: string },
): Promise<{ revoked: boolean }> {
  return deps.db.transaction(async (tx) => {
    const repository = createTeamRepository({ db: tx });
    const invitation = await repository.getInvitation(actor.brandId, invitationId);
    if (!invitation)
      throw createInvitationNotFoundError({
        message: `No invitation "${invitationId}" on this brand`,
        details: { invitation: invitationId },
      });
    const revoked = await repository.revokeInvitation(invitation.id, deps.clock.now());
    if (revoked)
      await recordAudit(tx, deps, {
        brandId: actor.brandId,
        actorType: 'console_user',
        actorId: actor.userId,
        action: 'team.invitation_revoked',
        targetType: 'console_invitation',
        targetId: invitation.id,
        data: { email: invitation.email },
      });
    return { revoked };
  });
}

/**
 * Changes a person's role on the brand and/or disables or re-enables them there. Never leaves the brand
 * without an active owner (409 `team.last_owner`). Disabling ends every session of the person at once.
 * Each change is audited in the same transaction.
 */
export async function updateTeamMember(
  deps: TeamDeps,
  {
    actor,
    userId,
    role,
    disabled,
  }: { actor: TeamActor; userId: string; role?: ConsoleRole | undefined; disabled?: boolean | undefined },
): Promise<{
  member: { userId: string; role: ConsoleRole; status: 'active' | 'disabled' };
  sessionsEnded: number;
}> {
  const brandId = actor.brandId;
  return deps.db.transaction(async (tx) => {
    const repository = createTeamRepository({ db: tx });
    const activeOwnerIds = await repository.lockActiveOwnerIds(brandId);
    const membership = await repository.getMembership(brandId, userId);
    if (!membership)
      throw createTeamMemberNotFoundError({
        message: `No user "${userId}" on this brand's team`,
        details: { userId },
      });
    const wasDisabled = Boolean(membership.disabledAt);
    const nextRole = role ?? membership.role;
    const nextDisabled = disabled ?? wasDisabled;
    if (wouldLeaveNoOwner({ activeOwnerIds, targetUserId: userId, nextRole, nextDisabled }))
      throw createLastOwnerError({ details: { userId } });

    const audit = (action: string, data: Record<string, unknown>) =>
      recordAudit(tx, deps, {
        brandId,
        actorType: 'console_user',
        actorId: actor.userId,
        action,
        targetType: 'console_user',
        targetId: userId,
        data: { email: membership.email, ...data },
      });

    let sessionsEnded = 0;
    if (nextRole !== membership.role) {
      await repository.updateMembership(brandId, userId, { role: nextRole });
      await audit('team.role_changed', { from: membership.role, to: nextRole });
    }
    if (nextDisabled && !wasDisabled) {
      await repository.updateMembership(brandId, userId, { disabledAt: deps.clock.now() });
      // Every session, not only this brand's: a session is the person's, and the next request must fail.
      ({ ended: sessionsEnded } = await endConsoleSessionsOf(tx, { userId }));
      await audit('team.member_disabled', { sessionsEnded });
    } else if (!nextDisabled && wasDisabled) {
      await repository.updateMembership(brandId, userId, { disabledAt: null });
      await audit('team.member_enabled', {});
    }
    return {
      member: { userId, role: nextRole, status: nextDisabled ? 'disabled' : 'active' },
      sessionsEnded,
    };
  });
}

async function getOpenInvitationOrThrow(deps: Pick<TeamDeps, 'db' | 'clock'>, token: string) {
  const invitation = token
    ? await createTeamRepository({ db: deps.db }).getInvitationByTokenHash(hashInvitationToken(token))
    : undefined;
  if (!invitation) throw createInvitationNotFoundError();
  assertInvitationOpen(invitation, deps.clock.now());
  return invitation;
}

function assertInvitationOpen(invitation: Invitation, now: Date) {
  const state = invitationStateOf(invitation, now);
  if (state === 'accepted') throw createInvitationUsedError();
  if (state === 'revoked') throw createInvitationRevokedError();
  if (state === 'expired') throw createInvitationExpiredError();
}

/** What the invitation page shows before the password is set: who is invited, to which brand, as what. */
export async function lookupTeamInvitation(
  deps: Pick<TeamDeps, 'db' | 'clock'>,
  { token, brandName }: { token: string; brandName: (brandId: string) => Promise<string | undefined> },
) {
  const invitation = await getOpenInvitationOrThrow(deps, token);
  return {
    email: invitation.email,
    role: invitation.role,
    brand: { id: invitation.brandId, name: (await brandName(invitation.brandId)) ?? invitation.brandId },
    expiresAt: invitation.expiresAt,
  };
}

/**
 * The invited person sets their name and password through the one-time link: the account, the
 * membership, the used mark on the invitation and a new session commit together. A second use, an
 * expired or withdrawn link is refused (410); the link of an email that meanwhile got an account is
 * refused too (409: setting a password on an existing account would take it over).
 */
export async function acceptTeamInvitation(
  deps: TeamDeps,
  input: { token: string; name: string; password: string; sessionHours: number; ip?: string | undefined },
): Promise<ConsoleSignedIn & { token: string }> {
  if (input.password.length < MIN_PASSWORD_LENGTH) throw createWeakPasswordError();
  const found = await getOpenInvitationOrThrow(deps, input.token);
  const passwordHash = await hashPassword(input.password);
  const now = deps.clock.now();
  const result = await deps.db.transaction(async (tx) => {
    const repository = createTeamRepository({ db: tx });
    const invitation = await repository.claimInvitation(found.id, now);
    if (!invitation) {
      const again = await repository.getInvitation(found.brandId, found.id);
      if (again) assertInvitationOpen(again, now);
      throw createInvitationUsedError();
    }
    const userId = deps.generateId('consoleUser');
    try {
      await tx.insert(consoleUsers).values({
        id: userId,
        email: invitation.email,
        name: input.name.trim(),
        passwordHash,
        createdAt: now,
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw createConsoleEmailTakenError({
          message: 'An account with this email exists already: sign in with it and ask the owner to add you',
          details: { email: invitation.email },
        });
      throw error;
    }
    await repository.insertMembership({
      brandId: invitation.brandId,
      userId,
      role: invitation.role,
      createdAt: now,
    });
    await repository.setInvitationUser(invitation.id, userId);
    await recordAudit(tx, deps, {
      brandId: invitation.brandId,
      actorType: 'console_user',
      actorId: userId,
      action: 'team.invitation_accepted',
      targetType: 'console_invitation',
      targetId: invitation.id,
      data: { email: invitation.email, role: invitation.role },
    });
    const started = await startConsoleSession(tx, deps, {
      userId,
      sessionHours: input.sessionHours,
      ip: input.ip,
      via: 'invitation',
    });
    return { userId, email: invitation.email, ...started };
  });
  return {
    token: result.token,
    session: result.session,
    user: { id: result.userId, email: result.email, name: input.name.trim(), disabledAt: null },
    memberships: await listConsoleMemberships(deps, { userId: result.userId }),
  };
}
