export { members, consents, memberTags } from './members.table.js';
export {
  createMembersRepository,
  type FollowingMemberInput,
  type Member,
  type MembersRepository,
} from './members.repository.js';
export { getMemberByRefOrThrow } from './members.refs.js';
export {
  eraseMemberForConsole,
  exportMemberForConsole,
  getMemberForConsole,
  getMemberImage,
  searchMembers,
  type MemberSearchRow,
} from './members.console.js';
