import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import { campaigns } from '../../core/campaigns/index.js';
import { submissions } from '../../core/submissions/index.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import {
  createLineTestKit,
  greenTeaInvoices,
  rocDate,
  taipeiDaysAgo,
  textsOf,
  type LineTestKit,
} from './line-test-kit.js';

const PURCHASE_DATE = taipeiDaysAgo(1);
const userIdOf = (i: number) => `U${'0'.repeat(28)}${(0xc500 + i).toString(16)}`;
const invoiceNumberOf = (i: number) => `CS${String(10_000_000 + i)}`;
const proofOf = (i: number) => `${invoiceNumberOf(i)} ${rocDate(PURCHASE_DATE)} 1234`;

/**
 * A typed proof reuses the campaign rows read for an earlier one while the event's context read sees
 * them unchanged (their row stamps, issue 17): a console edit must still apply to the next proof.
 */
describe('campaign rows reused between proofs (issue 17)', () => {
  let kit: LineTestKit;

  /** The member sends a typed e-invoice; the worker answers it. Their submission and the answer's text. */
  const prove = async (i: number) => {
    await kit.userSends(userIdOf(i), { type: 'text', text: proofOf(i) });
    await kit.drain();
    const [row] = await kit.services.database.db
      .select()
      .from(submissions)
      .where(
        and(
          eq(submissions.brandId, kit.demo.brand.id),
          eq(submissions.proofKey, `tw:${invoiceNumberOf(i)}:${PURCHASE_DATE}`),
        ),
      );
    const [last] = (await kit.botMessages(userIdOf(i))).slice(-1);
    return { row, text: textsOf(last?.messages ?? []) };
  };
  const campaignRow = async () => {
    const [row] = await kit.services.database.db
      .select()
      .from(campaigns)
      .where(eq(campaigns.id, kit.demo.campaign.id));
    if (!row) throw new Error('the demo campaign is gone');
    return row;
  };

  beforeAll(async () => {
    kit = await createLineTestKit({ invoices: greenTeaInvoices(4, invoiceNumberOf, PURCHASE_DATE) });
    for (let i = 0; i < 4; i++) {
      await kit.addUser(userIdOf(i), { displayName: `member ${i}`, language: 'en' });
      // Known members: their first message stored them.
      await kit.userSends(userIdOf(i), { type: 'text', text: 'help' });
    }
    await kit.drain();
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await kit?.close();
  });

  test('when the campaign is edited between two proofs, then the second proof is decided with the edit', async () => {
    // Arrange: a first proof (its campaign rows are kept with their stamps).
    const first = await prove(0);
    expect(first.row?.state).toBe('rewarded');
    const before = await campaignRow();
    const rewards = before.rewards as { points: Record<string, unknown> };
    const firstPoints = (first.row?.decision as { rewards: { points: number } }).rewards.points;
    expect(firstPoints).toBeGreaterThan(1);

    // Act: the console caps the points a proof earns at 1 (a new version of the row).
    await kit.services.database.db
      .update(campaigns)
      .set({
        rewards: { ...rewards, points: { ...rewards.points, maxPerProof: 1 } },
        version: before.version + 1,
        updatedAt: new Date(),
      })
      .where(eq(campaigns.id, before.id));
    const second = await prove(1);

    // Assert: the same purchase earns 1 point, with the new version.
    expect(second.row?.state).toBe('rewarded');
    expect((second.row?.decision as { rewards: { points: number } }).rewards.points).toBe(1);
    expect(second.row?.campaignVersion).toBe(before.version + 1);
  });

  test('when the campaign is paused between two proofs, then the second proof finds no active campaign', async () => {
    // Arrange: a proof read the campaign rows as they stand.
    expect((await prove(2)).row?.state).toBe('rewarded');

    // Act: only the status changes.
    await kit.services.database.db
      .update(campaigns)
      .set({ status: 'paused' })
      .where(eq(campaigns.id, kit.demo.campaign.id));
    const after = await prove(3);

    // Assert: nothing stored for it, and the member is told.
    expect(after.row).toBeUndefined();
    expect(after.text).not.toBe('');
    expect(after.text).toContain('no running campaign');
  });
});
