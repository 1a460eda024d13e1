import type { PageProps } from '../../routes';
import { MemberDetail } from './member';
import { MemberSearch } from './search';
import './members.css';

/** Members: `/members` searches, `/members/:memberId` shows one member. */
export default function MembersPage({ params, query }: PageProps) {
  return params.memberId ? (
    <MemberDetail key={params.memberId} memberId={params.memberId} />
  ) : (
    <MemberSearch initialQuery={query.get('q') ?? ''} />
  );
}
