import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import {
  analyticsLineItems,
  analyticsStores,
  backfillLineItems,
  buildLineItemRows,
  storeKeyOf,
  syncSubmissionLineItems,
} from '../../core/analytics/index.js';
import { receiptImages, submissions } from '../../core/db/schema.js';
import { eraseMember } from '../../core/members/members.erasure.js';
import { decideReviewedSubmission, submitProof } from '../../core/submissions/index.js';
import {
  BRAND_ID,
  MEMBER_A,
  MEMBER_B,
  TEA_INVOICE,
  createWorld,
  typed,
  type World,
} from '../submissions/world.js';

describe('line items from accepted proofs', () => {
  let world: World;
  let seq = 0;
  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(async () => {
    await world.close();
  });

  const ref = () => `evt_li_${++seq}`;
  function addInvoice(overrides: Partial<typeof TEA_INVOICE> = {}) {
    seq += 1;
    const invoice = { ...TEA_INVOICE, invoiceNumber: `CD${String(30000000 + seq)}`, ...overrides };
    world.sim.admin.addInvoices([invoice]);
    return invoice;
  }
  const rowsOf = (submissionId: string) =>
    world.database.db
      .select()
      .from(analyticsLineItems)
      .where(eq(analyticsLineItems.submissionId, submissionId))
      .orderBy(analyticsLineItems.lineNo);

  test('when an e-invoice is accepted, then its MoF items become line items in the same decision', async () => {
    const campaignId = await world.createTeaCampaign();
    const invoice = addInvoice();
    const result = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: typed(invoice) },
    });
    expect(result.outcome).toBe('accepted');
    const rows = await rowsOf(result.submission!.id);
    expect(rows.map((r) => [r.lineNo, r.itemName, r.itemGroup, Number(r.quantity), r.amountMinor])).toEqual([
      [1, '好茶 綠茶 600ml', 'tea', 2, 5_000],
      [2, '洋芋片', null, 1, 10_000],
    ]);
    expect(rows[0]).toMatchObject({
      brandId: BRAND_ID,
      campaignId,
      memberId: MEMBER_A,
      purchaseDate: '2024-11-05',
      weekday: 2,
      hour: 12,
      sellerId: '24549210',
      storeKey: '24549210|',
      storeName: '全家便利商店股份有限公司',
      regionCode: 'TW-TPE',
      normalizedName: '好茶綠茶600ml',
      unitPriceMinor: 2_500,
      invoiceTotalMinor: 15_000,
      currency: 'TWD',
      productKey: null,
    });
    const [store] = await world.database.db
      .select()
      .from(analyticsStores)
      .where(eq(analyticsStores.storeKey, '24549210|'));
    expect(store).toMatchObject({ brandId: BRAND_ID, regionCode: 'TW-TPE', sellerId: '24549210' });
  });

  test('when a reviewer approves a photo with corrected items, then the corrected items are the line items', async () => {
    const campaignId = await world.createTeaCampaign();
    const photo = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_B,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'receipt_image', receiptImageId: await seedReceiptImage(world) },
    });
    expect(photo.outcome).toBe('in_review');
    expect(await rowsOf(photo.submission!.id)).toEqual([]);
    const decided = await decideReviewedSubmission(world.deps, {
      brandId: BRAND_ID,
      submissionId: photo.submission!.id,
      reviewerId: 'usr_reviewer',
      verdict: {
        action: 'approve',
        kind: 'receipt',
        invoice: {
          invoiceNumber: null,
          invoiceDate: '2024-11-09',
          invoiceTime: '21:05:00',
          currency: 'TWD',
          totalAmountMinor: 12_000,
          sellerBan: '12345675',
          sellerName: '好茶小舖',
          sellerAddress: '新北市板橋區文化路一段1號',
          buyerBan: null,
          voided: false,
          items: [{ name: '烏龍茶', quantity: 3, unitPriceMinor: 4_000, amountMinor: 12_000 }],
        },
      },
    });
    expect(decided.outcome).toBe('accepted');
    const rows = await rowsOf(photo.submission!.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      itemName: '烏龍茶',
      itemGroup: 'tea',
      regionCode: 'TW-NWT',
      weekday: 6,
      hour: 21,
      storeKey: '12345675|',
      memberId: MEMBER_B,
    });
  });

  test('when a proof is rejected, then it has no line items; when it is reversed, its line items go', async () => {
    const campaignId = await world.createTeaCampaign();
    const invoice = addInvoice();
    const accepted = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: typed(invoice) },
    });
    const id = accepted.submission!.id;
    expect(await rowsOf(id)).toHaveLength(2);

    // A second sync (a retried transaction, the backfill) changes nothing.
    const again = await world.database.db.transaction((tx) =>
      syncSubmissionLineItems(tx, { submissionId: id }),
    );
    expect(again).toEqual({ written: 2, removed: 2 });
    expect(await rowsOf(id)).toHaveLength(2);

    // Reversal: the state leaves the accepted ones in the same transaction as the sync.
    const reversed = await world.database.db.transaction(async (tx) => {
      await tx
        .update(submissions)
        .set({ state: 'rejected', reasonCode: 'review.fraud' })
        .where(eq(submissions.id, id));
      return syncSubmissionLineItems(tx, { submissionId: id });
    });
    expect(reversed).toEqual({ written: 0, removed: 2 });
    expect(await rowsOf(id)).toEqual([]);
  });

  test('when a member is erased, then their line items lose the member link and stay', async () => {
    const campaignId = await world.createTeaCampaign();
    const invoice = addInvoice();
    const accepted = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_B,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: typed(invoice) },
    });
    // Accepted (not waiting, queued or in review): its two items are the member's besides the photo's one.
    expect({ outcome: accepted.outcome, reason: accepted.submission?.reasonCode ?? null }).toEqual({
      outcome: 'accepted',
      reason: null,
    });
    const before = await world.database.db
      .select()
      .from(analyticsLineItems)
      .where(eq(analyticsLineItems.memberId, MEMBER_B));
    expect(before.length).toBeGreaterThanOrEqual(2);
    await eraseMember(
      { db: world.database.db, generateId: world.generateId },
      { brandId: BRAND_ID, memberId: MEMBER_B, confirm: true, now: new Date() },
    );
    const after = await world.database.db
      .select()
      .from(analyticsLineItems)
      .where(eq(analyticsLineItems.memberId, MEMBER_B));
    expect(after).toEqual([]);
    const kept = await rowsOf(accepted.submission!.id);
    expect(kept).toHaveLength(2);
    expect(kept.every((row) => row.memberId === null)).toBe(true);
  });

  test('when the backfill runs, then accepted proofs get their rows once, whatever is missing or stale', async () => {
    const db = world.database.db;
    const count = async () => (await db.select().from(analyticsLineItems)).length;
    const expected = await count();
    expect(expected).toBeGreaterThan(0);
    await db.delete(analyticsLineItems);
    // A stale row of a proof that is no longer accepted.
    const [rejected] = await db.select().from(submissions).where(eq(submissions.state, 'rejected')).limit(1);
    await db.insert(analyticsLineItems).values({
      ...buildLineItemRows({
        header: {
          submissionId: rejected!.id,
          brandId: BRAND_ID,
          campaignId: rejected!.campaignId,
          memberId: null,
          invoiceId: null,
          purchaseDate: '2024-11-05',
          purchaseTime: null,
          sellerId: null,
          sellerName: null,
          branch: null,
          sellerAddress: null,
          currency: 'TWD',
          totalAmountMinor: 1,
        },
        items: [{ name: 'x', quantity: 1, unitPriceMinor: 1, amountMinor: 1 }],
        itemGroups: [],
        productOf: () => null,
      }).rows[0]!,
    });

    const first = await backfillLineItems({ db, brandId: BRAND_ID, batchSize: 2 });
    expect(first.removed).toBe(1);
    expect(first.written).toBe(expected);
    expect(await count()).toBe(expected);
    const second = await backfillLineItems({ db, brandId: BRAND_ID });
    expect(second.written).toBe(expected);
    expect(await count()).toBe(expected);
  });
});

describe('store keys', () => {
  test.each([
    [{ sellerId: '24549210', sellerName: '全家', branch: null }, '24549210|'],
    [{ sellerId: '0105 5360 00215', sellerName: 'CP ALL', branch: '00123' }, '0105536000215|00123'],
    [{ sellerId: null, sellerName: ' Café  Amazon ', branch: null }, 'name:caféamazon|'],
    [{ sellerId: null, sellerName: null, branch: null }, 'unknown|'],
  ])('%j → %s', (input, key) => {
    expect(storeKeyOf(input)).toBe(key);
  });
});

async function seedReceiptImage(world: World): Promise<string> {
  const id = world.generateId('receiptImage');
  await world.database.db.insert(receiptImages).values({
    id,
    brandId: BRAND_ID,
    memberId: MEMBER_B,
    sha256: id,
    mimeType: 'image/jpeg',
    width: 10,
    height: 10,
    byteSize: 100,
    storageKey: `test/${id}`,
    source: 'line',
  });
  return id;
}
