export type { ExternalMembership, MembershipDirectory } from './membership-link.types.js';
export {
  createHttpMembershipDirectory,
  createMembershipDirectoryUnavailableError,
} from './membership-link.http.js';
export { linkMembership } from './membership-link.usecases.js';
