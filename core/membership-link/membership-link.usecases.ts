import { and, eq, ne } from 'drizzle-orm';
import { auditLog } from '../audit/audit.table.js';
import type { Database } from '../db/database.js';
import {
  createMemberNotFoundError,
  createMemberNotRegisteredError,
  createMembershipAlreadyLinkedError,
  createMembershipNotFoundError,
} from '../members/members.errors.js';
import { members } from '../members/members.table.js';
import { normalizePhone } from '../members/members.registration.js';
import type { IdGenerator } from '../shared/ids.js';
import type { MembershipDirectory } from './membership-link.types.js';

/**
 * Links a registered member to the brand's existing membership. The brand's system must confirm that the
 * number belongs to the phone given; one membership links to one LINE account per brand.
 */
export async function linkMembership(
  { db, generateId, directory }: { db: Database; generateId: IdGenerator; directory: MembershipDirectory },
  input: {
    brand: { id: string; slug: string; country: 'TW' | 'TH' };
    memberId: string;
    memberNo: string;
    phone: string;
    now: Date;
  },
) {
  const [member] = await db
    .select()
    .from(members)
    .where(and(eq(members.brandId, input.brand.id), eq(members.id, input.memberId)));
  if (!member) throw createMemberNotFoundError();
  if (!member.registeredAt || member.erasedAt) throw createMemberNotRegisteredError();
  const phone = normalizePhone(input.phone, input.brand.country);
  const memberNo = input.memberNo.trim();
  if (!phone || !memberNo) throw createMembershipNotFoundError();
  const membership = await directory.findMembership({ brandSlug: input.brand.slug, memberNo, phone });
  if (!membership) throw createMembershipNotFoundError();

  return db.transaction(async (tx) => {
    const [taken] = await tx
      .select({ id: members.id })
      .from(members)
      .where(
        and(
          eq(members.brandId, input.brand.id),
          eq(members.externalMemberNo, membership.memberNo),
          ne(members.id, member.id),
        ),
      )
      .limit(1);
    if (taken) throw createMembershipAlreadyLinkedError();
    const [linked] = await tx
      .update(members)
      .set({ externalMemberNo: membership.memberNo, linkedAt: input.now, updatedAt: input.now })
      .where(eq(members.id, member.id))
      .returning();
    await tx.insert(auditLog).values({
      id: generateId('auditEntry'),
      brandId: input.brand.id,
      actorType: 'member',
      actorId: member.id,
      action: 'member.membership_linked',
      targetType: 'member',
      targetId: member.id,
      data: { tier: membership.tier ?? null },
      createdAt: input.now,
    });
    return { member: linked!, membership };
  });
}
