import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq, inArray } from 'drizzle-orm';
import {
  analyticsLineItems,
  analyticsStores,
  backfillLineItems,
  buildLineItemRows,
  fillRegionsFromStores,
  mapItemName,
  recordAcceptedLineItemsOfMany,
  saveProduct,
  storeKeyOf,
  type LineItemRow,
  syncSubmissionLineItems,
} from '../../core/analytics/index.js';
import { receiptImages, submissions } from '../../core/db/schema.js';
import { parseEInvoiceQr } from '../../core/invoices/index.js';
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
import { receiptOcr, sendReceiptPhoto } from '../receipts/receipt-ocr.js';

type ReviewedReceipt = Extract<
  Parameters<typeof decideReviewedSubmission>[1]['verdict'],
  { action: 'approve' }
>['invoice'];

/** Valid BANs no other test here uses: the OCR'd receipt's seller, and the seller a proof places. */
const OCR_SELLER = '22099131';
const REGION_SELLER = '22099136';

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

  /** A member sends a receipt photo (it waits for a reviewer); the reviewer approves it as `invoice`. */
  const sendPhoto = async (campaignId: string) =>
    submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_B,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'receipt_image', receiptImageId: await seedReceiptImage(world) },
    });
  const approvePhoto = (
    submissionId: string,
    invoice: Pick<
      ReviewedReceipt,
      'invoiceTime' | 'totalAmountMinor' | 'sellerBan' | 'sellerName' | 'sellerAddress' | 'items'
    >,
  ) =>
    decideReviewedSubmission(world.deps, {
      brandId: BRAND_ID,
      submissionId,
      reviewerId: 'usr_reviewer',
      verdict: {
        action: 'approve',
        kind: 'receipt',
        invoice: {
          invoiceNumber: null,
          invoiceDate: '2024-11-09',
          currency: 'TWD',
          buyerBan: null,
          voided: false,
          ...invoice,
        },
      },
    });

  /** Member A types a tea e-invoice (the MoF knows it) for a new tea campaign. */
  const sendTypedTea = async () => {
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
    return { campaignId, result };
  };

  test('when an e-invoice is accepted, then its MoF items become line items in the same decision', async () => {
    const { campaignId, result } = await sendTypedTea();
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

  test("when a printed name is mapped to one of the brand's products, then a proof accepted after it carries that product on the name's line", async () => {
    // Arrange: the tea's name mapped in the console (before, no mapping: the first test's rows have none).
    await saveProduct(world.database.db, { brandId: BRAND_ID, key: 'green-tea', name: 'Green tea' });
    await mapItemName(world.database.db, {
      brandId: BRAND_ID,
      itemName: '好茶 綠茶 600ml',
      productKey: 'green-tea',
    });

    // Act
    const { result } = await sendTypedTea();

    // Assert: the mapped name's line has the product, the unmapped one none.
    expect(result.outcome).toBe('accepted');
    const rows = await rowsOf(result.submission!.id);
    expect(rows.map((r) => [r.itemName, r.productKey])).toEqual([
      ['好茶 綠茶 600ml', 'green-tea'],
      ['洋芋片', null],
    ]);
  });

  test('when a reviewer approves a photo with corrected items, then the corrected items are the line items', async () => {
    const campaignId = await world.createTeaCampaign();
    const photo = await sendPhoto(campaignId);
    expect(photo.outcome).toBe('in_review');
    expect(await rowsOf(photo.submission!.id)).toEqual([]);
    const decided = await approvePhoto(photo.submission!.id, {
      invoiceTime: '21:05:00',
      totalAmountMinor: 12_000,
      sellerBan: '12345675',
      sellerName: '好茶小舖',
      sellerAddress: '新北市板橋區文化路一段1號',
      items: [{ name: '烏龍茶', quantity: 3, unitPriceMinor: 4_000, amountMinor: 12_000 }],
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

  test('when a scanned QR carries the items and the platform gives none, then the QR items are the line items', async () => {
    const campaignId = await world.createTeaCampaign();
    const encrypt = 'ydXZt4LAN1UHN/j1juVcRA==';
    const invoice = addInvoice({ encrypt, totalAmount: 120, items: [] });
    const hex = (amount: number) => amount.toString(16).padStart(8, '0');
    const parsed = parseEInvoiceQr(
      `${invoice.invoiceNumber}1131105${invoice.randomCode}${hex(114)}${hex(120)}00000000` +
        `${invoice.sellerBan}${encrypt}:**********:2:2:1:烏龍茶:2:40:洋芋片:1:40`,
    );
    if (!parsed.ok) throw new Error('the test QR does not parse');
    const result = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'liff',
      sourceRef: ref(),
      input: { type: 'einvoice', invoice: parsed.invoice },
    });
    expect(result).toMatchObject({ outcome: 'accepted', submission: { kind: 'einvoice_qr' } });
    const rows = await rowsOf(result.submission!.id);
    expect(
      rows.map((r) => [r.itemName, r.itemGroup, Number(r.quantity), r.unitPriceMinor, r.amountMinor]),
    ).toEqual([
      ['烏龍茶', 'tea', 2, 4_000, 8_000],
      ['洋芋片', null, 1, 4_000, 4_000],
    ]);
    expect(rows[0]).toMatchObject({ storeKey: '24549210|', invoiceTotalMinor: 12_000, memberId: MEMBER_A });
  });

  test('when OCR reads a receipt photo surely and the campaign auto-accepts, then its OCR items are the line items', async () => {
    const campaignId = await world.createTeaCampaign({ autoAcceptReceipts: true });
    const result = await sendReceiptPhoto(world, {
      campaignId,
      memberId: MEMBER_A,
      sourceRef: ref(),
      ocrEngine: receiptOcr({
        invoiceNumber: null,
        taxId: OCR_SELLER,
        product: ['綠茶', 0.96],
        quantity: 'x2',
      }),
    });
    expect(result.outcome).toBe('accepted');
    expect(result.submission).toMatchObject({ kind: 'receipt', reviewedBy: null });
    const rows = await rowsOf(result.submission!.id);
    expect(
      rows.map((r) => [r.itemName, r.itemGroup, Number(r.quantity), r.unitPriceMinor, r.amountMinor]),
    ).toEqual([['綠茶', 'tea', 2, 12_000, 24_000]]);
    expect(rows[0]).toMatchObject({
      storeKey: `${OCR_SELLER}|`,
      purchaseDate: '2024-11-05',
      hour: 16,
      invoiceTotalMinor: 24_000,
      regionCode: null,
    });
  });

  test('when a proof prints no address, then its rows take the region recorded for its store (seller number + branch)', async () => {
    const campaignId = await world.createTeaCampaign();
    let minute = 0;
    const approve = async (sellerAddress: string | null, sellerName: string | null) => {
      const photo = await sendPhoto(campaignId);
      const decided = await approvePhoto(photo.submission!.id, {
        invoiceTime: `10:${String(++minute).padStart(2, '0')}:00`,
        totalAmountMinor: 4_000,
        sellerBan: REGION_SELLER,
        sellerName,
        sellerAddress,
        items: [{ name: '紅茶', quantity: 1, unitPriceMinor: 4_000, amountMinor: 4_000 }],
      });
      expect(decided.outcome).toBe('accepted');
      return decided.submission!;
    };
    const regionsOf = async (...proofs: { id: string }[]) =>
      (await Promise.all(proofs.map((proof) => rowsOf(proof.id)))).map((rows) =>
        rows.map((r) => r.regionCode),
      );

    // Nothing known of the store yet: no region, never a guess.
    const before = await approve(null, '好茶 台中店');
    expect(await regionsOf(before)).toEqual([[null]]);
    // An address (a reviewer's reading, the MoF platform's details) places the store…
    const placed = await approve('臺中市西屯區臺灣大道三段99號', '好茶 台中店');
    // …and a later proof of that store without an address is placed there too.
    const after = await approve(null, null);
    expect(await regionsOf(placed, after)).toEqual([['TW-TXG'], ['TW-TXG']]);
    // The one written before the store was placed keeps no region until the backfill rewrites it.
    expect(await regionsOf(before)).toEqual([[null]]);
    await world.database.db.transaction((tx) => syncSubmissionLineItems(tx, { submissionId: before.id }));
    expect(await regionsOf(before)).toEqual([['TW-TXG']]);

    // The batch verification writes many proofs in one call: one that prints no address takes the region
    // an address in the same call gives its store, whatever their order.
    const db = world.database.db;
    await db
      .delete(analyticsLineItems)
      .where(inArray(analyticsLineItems.submissionId, [placed.id, after.id]));
    await db.delete(analyticsStores).where(eq(analyticsStores.sellerId, REGION_SELLER));
    const written = await db.transaction((tx) =>
      recordAcceptedLineItemsOfMany(
        tx,
        [after, placed].map((submission) => ({ submission, itemGroups: [] })),
      ),
    );
    expect(written).toEqual([1, 1]);
    expect(await regionsOf(after, placed)).toEqual([['TW-TXG'], ['TW-TXG']]);
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

describe('regions from the store', () => {
  const row = (sellerId: string | null, storeKey: string, regionCode: string | null) =>
    ({ brandId: 'b', sellerId, storeKey, regionCode }) as LineItemRow;
  test("a row without a region takes its store's; its own region, a chain's name and `unknown` are kept", () => {
    const rows = [
      row('22099136', '22099136|', null),
      row('22099136', '22099136|', 'TW-TPE'),
      row('22099142', '22099142|002', null),
      row(null, 'name:全家|', null),
      row(null, 'unknown|', null),
    ];
    fillRegionsFromStores(rows, [
      { brand_id: 'b', store_key: '22099136|', region_code: 'TW-TXG' },
      { brand_id: 'other', store_key: '22099142|002', region_code: 'TW-KHH' },
      { brand_id: 'b', store_key: 'name:全家|', region_code: 'TW-TPE' },
      { brand_id: 'b', store_key: 'unknown|', region_code: 'TW-TPE' },
    ]);
    expect(rows.map((r) => r.regionCode)).toEqual(['TW-TXG', 'TW-TPE', null, null, null]);
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
