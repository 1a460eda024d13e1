export { consoleInvitations } from './team.table.js';
export {
  INVITATION_PAGE_PATH,
  INVITATION_TTL_MS,
  invitationLinkOf,
  invitationStateOf,
  wouldLeaveNoOwner,
  type InvitationState,
} from './team.models.js';
export {
  createAlreadyMemberError,
  createInvitationExpiredError,
  createInvitationNotFoundError,
  createInvitationRevokedError,
  createInvitationUsedError,
  createLastOwnerError,
  createTeamMemberNotFoundError,
} from './team.errors.js';
export {
  acceptTeamInvitation,
  inviteTeamMember,
  listTeam,
  lookupTeamInvitation,
  revokeTeamInvitation,
  updateTeamMember,
  type TeamActor,
  type TeamDeps,
  type TeamInvitation,
  type TeamMember,
} from './team.usecases.js';
