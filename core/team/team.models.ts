import { createHash, randomBytes } from 'node:crypto';
import type { ConsoleRole } from '../console/console.table.js';

/** @default 7 days: long enough for a colleague on leave, short enough that a forgotten link dies. */
export const INVITATION_TTL_MS = 7 * 24 * 3_600_000;

/** The path of the page an invited person opens; the token rides in the fragment (never sent to a server log). */
export const INVITATION_PAGE_PATH = '/console/invite';

export type InvitationState = 'pending' | 'accepted' | 'expired' | 'revoked';

export function invitationStateOf(
  invitation: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now: Date,
): InvitationState {
  if (invitation.acceptedAt) return 'accepted';
  if (invitation.revokedAt) return 'revoked';
  if (invitation.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'pending';
}

/** 32 random bytes, base64url: the secret of one invitation link. */
export function generateInvitationToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashInvitationToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function invitationLinkOf(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${INVITATION_PAGE_PATH}#${token}`;
}

/**
 * Whether taking `target` out of the owners (demoting or disabling them) would leave the brand with no
 * active owner: nobody could then manage the team or the settings.
 */
export function wouldLeaveNoOwner({
  activeOwnerIds,
  targetUserId,
  nextRole,
  nextDisabled,
}: {
  activeOwnerIds: readonly string[];
  targetUserId: string;
  nextRole: ConsoleRole;
  nextDisabled: boolean;
}): boolean {
  if (!activeOwnerIds.includes(targetUserId)) return false;
  const staysOwner = nextRole === 'owner' && !nextDisabled;
  return !staysOwner && activeOwnerIds.length <= 1;
}
