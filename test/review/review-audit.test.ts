import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../core/audit/index.js';
import { approveReviewItem, rejectReviewItem, type ReviewDeps } from '../../core/review/index.js';
import { pointsLedger } from '../../core/rewards/index.js';
import type { IdGenerator } from '../../core/shared/ids.js';
import { submissions } from '../../core/submissions/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { createSpringCampaign, queueReceipt, TW_BRAND, twBrandSeed } from './fixtures.js';

const BRAND = TW_BRAND;
const alice = { id: 'usr_alice', name: 'Alice' };
const bob = { id: 'usr_bob', name: 'Bob' };

let services: TestServices;
let campaignId: string;
let deps: ReviewDeps;
/** Hands out the id of an audit row that exists already, so the audit insert fails. */
let failingAudit: ReviewDeps;

async function queued(memberId: string, totalMinor: number) {
  const { submissionId } = await queueReceipt(services, {
    campaignId,
    memberId,
    fields: { storeName: `Tea ${memberId}`, date: '2026-03-09', totalMinor },
    confidence: 0.95,
    hash: '0f0f0f0f0f0f0f0f',
  });
  return submissionId;
}

const auditRowsOf = (submissionId: string) =>
  services.database.db
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.targetType, 'submission'), eq(auditLog.targetId, submissionId)));

async function submissionRow(submissionId: string) {
  const [row] = await services.database.db.select().from(submissions).where(eq(submissions.id, submissionId));
  return row!;
}

beforeAll(async () => {
  services = await buildTestServices({
    now: '2026-03-10T02:00:00Z',
    seed: twBrandSeed(
      ['mbr_a', 'mbr_b', 'mbr_c', 'mbr_d', 'mbr_e'].map((id) => ({ id, locale: 'zh-TW', displayName: id })),
    ),
  });
  campaignId = await createSpringCampaign(services);
  deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  await services.database.db.insert(auditLog).values({
    id: 'aud_taken',
    brandId: BRAND,
    actorType: 'system',
    actorId: null,
    action: 'seed',
  });
  const failing: IdGenerator = (kind) => (kind === 'auditEntry' ? 'aud_taken' : services.generateId(kind));
  failingAudit = { ...deps, generateId: failing };
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('a review decision and its audit row commit together', () => {
  test('when the audit row of an approval cannot be written, then the approval, its purchase and rewards roll back; a retry decides and audits once', async () => {
    const submissionId = await queued('mbr_a', 30_000);

    await expect(
      approveReviewItem(failingAudit, { brandId: BRAND, submissionId, reviewer: alice }),
    ).rejects.toThrow();

    expect(await submissionRow(submissionId)).toMatchObject({
      state: 'in_review',
      proofKey: null,
      invoiceId: null,
      decidedAt: null,
    });
    expect(
      await services.database.db.select().from(pointsLedger).where(eq(pointsLedger.memberId, 'mbr_a')),
    ).toEqual([]);
    expect(await auditRowsOf(submissionId)).toEqual([]);

    const retried = await approveReviewItem(deps, { brandId: BRAND, submissionId, reviewer: alice });
    expect(retried.outcome).toBe('accepted');
    const rows = await auditRowsOf(submissionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'review.approved',
      actorType: 'console_user',
      actorId: alice.id,
      data: { outcome: 'accepted' },
    });
  });

  test('when the audit row of a rejection cannot be written, then the proof stays in review', async () => {
    const submissionId = await queued('mbr_b', 30_000);

    await expect(
      rejectReviewItem(failingAudit, {
        brandId: BRAND,
        submissionId,
        reviewer: alice,
        reasonCode: 'unreadable',
      }),
    ).rejects.toThrow();

    expect(await submissionRow(submissionId)).toMatchObject({ state: 'in_review', reasonCode: null });
    expect(await auditRowsOf(submissionId)).toEqual([]);
  });

  test('when an approval is repeated on the decided proof, then it is refused and no second row is written', async () => {
    const submissionId = await queued('mbr_c', 30_000);
    await approveReviewItem(deps, { brandId: BRAND, submissionId, reviewer: alice });

    await expect(
      approveReviewItem(deps, { brandId: BRAND, submissionId, reviewer: alice }),
    ).rejects.toThrow();
    await expect(
      rejectReviewItem(deps, { brandId: BRAND, submissionId, reviewer: alice, reasonCode: 'unreadable' }),
    ).rejects.toThrow();

    expect((await auditRowsOf(submissionId)).map((row) => row.action)).toEqual(['review.approved']);
  });

  test('when two reviewers decide the same proof at once, then one decision stands and only it is audited', async () => {
    const submissionId = await queued('mbr_d', 30_000);

    const settled = await Promise.allSettled([
      approveReviewItem(deps, { brandId: BRAND, submissionId, reviewer: alice }),
      rejectReviewItem(deps, { brandId: BRAND, submissionId, reviewer: bob, reasonCode: 'unreadable' }),
    ]);

    expect(settled.some((entry) => entry.status === 'fulfilled')).toBe(true);
    const row = await submissionRow(submissionId);
    const rows = await auditRowsOf(submissionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject(
      row.state === 'rejected'
        ? { action: 'review.rejected', actorId: bob.id }
        : { action: 'review.approved', actorId: alice.id },
    );
  });

  test('when a rejection loses the race to another rejection, then it writes no row', async () => {
    const submissionId = await queued('mbr_e', 30_000);

    await Promise.allSettled([
      rejectReviewItem(deps, { brandId: BRAND, submissionId, reviewer: alice, reasonCode: 'unreadable' }),
      rejectReviewItem(deps, { brandId: BRAND, submissionId, reviewer: bob, reasonCode: 'duplicate' }),
    ]);

    const row = await submissionRow(submissionId);
    expect(row.state).toBe('rejected');
    const rows = await auditRowsOf(submissionId);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.actorId).toBe(row.reviewedBy);
  });
});
