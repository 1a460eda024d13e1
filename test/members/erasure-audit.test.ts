import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq, sql } from 'drizzle-orm';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { auditLog } from '../../core/db/schema.js';
import { seedDemoReview } from '../../core/demo/seed-demo-review.js';
import { seedDemo, type DemoSeed } from '../../core/demo/seed-demo.js';
import { eraseMemberForConsole } from '../../core/members/members.console.js';
import { members } from '../../core/members/index.js';
import { pointsLedger } from '../../core/rewards/index.js';
import type { IdGenerator } from '../../core/shared/ids.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

let services: TestServices;
let demo: DemoSeed;
const actor = { userId: 'usr_owner', email: 'owner@tea.example' };

beforeAll(async () => {
  services = await buildTestServices({ now: '2026-03-10T02:00:00Z' });
  services.blobStore = buildMemoryBlobStore();
  demo = await seedDemo(services);
  await seedDemoReview(services, demo);
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

/** A demo member linked to the brand's membership system (its member number). */
async function linkedMember() {
  const db = services.database.db;
  const [linked] = await db.select().from(members).where(eq(members.externalMemberNo, 'T-LINKED-1'));
  if (linked) return linked;
  const [first] = await db.select().from(members).where(eq(members.brandId, demo.brand.id)).limit(1);
  const [updated] = await db
    .update(members)
    .set({ externalMemberNo: 'T-LINKED-1' })
    .where(eq(members.id, first!.id))
    .returning();
  return updated!;
}

const pointsOf = async (memberId: string) =>
  (
    await services.database.db
      .select({
        rows: sql<number>`count(*)::int`,
        total: sql<number>`coalesce(sum(${pointsLedger.points}), 0)::int`,
      })
      .from(pointsLedger)
      .where(eq(pointsLedger.memberId, memberId))
  )[0]!;

describe('an erasure asked for in the console and its audit row commit together', () => {
  test('when the console user’s audit row cannot be written, then the member is not erased; the retry erases once, audits once, keeps the aggregates and removes the member link', async () => {
    const member = await linkedMember();
    const before = await pointsOf(member.id);
    const db = services.database.db;
    await db.insert(auditLog).values({
      id: 'aud_taken',
      brandId: demo.brand.id,
      actorType: 'system',
      actorId: null,
      action: 'seed',
    });
    // The erasure's own row gets a fresh id; the console user's row (written after it) a taken one.
    let auditIds = 0;
    const failing: IdGenerator = (kind) =>
      kind === 'auditEntry' && ++auditIds === 2 ? 'aud_taken' : services.generateId(kind);

    await expect(
      eraseMemberForConsole(
        { db, generateId: failing },
        { brandId: demo.brand.id, memberId: member.id, actor, now: services.clock.now() },
      ),
    ).rejects.toThrow();
    const untouched = await linkedMember();
    expect(untouched).toMatchObject({ id: member.id, erasedAt: null, externalMemberNo: 'T-LINKED-1' });
    const none = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, member.id), eq(auditLog.action, 'member.erased')));
    expect(none).toEqual([]);

    await eraseMemberForConsole(
      { db, generateId: services.generateId },
      { brandId: demo.brand.id, memberId: member.id, actor, now: services.clock.now() },
    );
    const [erased] = await db.select().from(members).where(eq(members.id, member.id));
    expect(erased!.erasedAt).not.toBeNull();
    expect(erased!.externalMemberNo).toBeNull();
    expect(erased!.lineUserId).toBe(`erased:${member.id}`);
    expect(await pointsOf(member.id)).toEqual(before);
    const audits = await db.select().from(auditLog).where(eq(auditLog.targetId, member.id));
    expect(
      audits
        .map((row) => row.action)
        .filter((action) => action.endsWith('erased'))
        .sort(),
    ).toEqual(['console.member_erased', 'member.erased']);
  });
});
