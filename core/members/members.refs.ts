import { and, eq, or } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { createMemberNotFoundError } from './members.errors.js';
import type { Member } from './members.repository.js';
import { members } from './members.table.js';

/**
 * A member of the brand named by their id, LINE user id or the brand's own member number, or a 404
 * naming what was not found (never a silent empty answer).
 */
export async function getMemberByRefOrThrow(
  db: Executor,
  { brandId, ref }: { brandId: string; ref: string },
): Promise<Member> {
  const trimmed = ref.trim();
  const [member] = await db
    .select()
    .from(members)
    .where(
      and(
        eq(members.brandId, brandId),
        or(eq(members.id, trimmed), eq(members.lineUserId, trimmed), eq(members.externalMemberNo, trimmed)),
      ),
    )
    .limit(1);
  if (!member)
    throw createMemberNotFoundError({
      message: `No member "${ref}" on this brand (give their id, LINE user id or member number)`,
      details: { member: ref },
    });
  return member;
}
