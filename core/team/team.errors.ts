import { createErrorFactory } from '../shared/errors.js';

export const createLastOwnerError = createErrorFactory({
  message: 'This is the brand’s last owner: make someone else an owner first',
  code: 'team.last_owner',
  statusCode: 409,
});

export const createAlreadyMemberError = createErrorFactory({
  message: 'This person is already on the brand’s team',
  code: 'team.already_member',
  statusCode: 409,
});

export const createTeamMemberNotFoundError = createErrorFactory({
  message: 'No such person on this brand’s team',
  code: 'team.member_not_found',
  statusCode: 404,
});

export const createInvitationNotFoundError = createErrorFactory({
  message: 'This invitation link is not valid: ask the brand’s owner for a new one',
  code: 'team.invitation_not_found',
  statusCode: 404,
});

export const createInvitationUsedError = createErrorFactory({
  message: 'This invitation link has already been used: sign in, or ask the brand’s owner for a new one',
  code: 'team.invitation_used',
  statusCode: 410,
});

export const createInvitationExpiredError = createErrorFactory({
  message: 'This invitation link has expired: ask the brand’s owner for a new one',
  code: 'team.invitation_expired',
  statusCode: 410,
});

export const createInvitationRevokedError = createErrorFactory({
  message: 'This invitation was withdrawn: ask the brand’s owner for a new one',
  code: 'team.invitation_revoked',
  statusCode: 410,
});
