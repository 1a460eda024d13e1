import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { receiptImages } from '../../core/db/schema.js';
import { createReceiptProofReader, mayRefuseOnRule, type ReceiptReading } from '../../core/receipts/index.js';
import { submitProof } from '../../core/submissions/index.js';
import { BRAND_ID, createWorld, MEMBER_A, type World } from '../submissions/world.js';

/**
 * Issue #15: a qualifying TW paper invoice with NT$240 of tea was refused as "no campaign product" after
 * OCR bent the item names. A reading decides a refusal only on fields read surely; otherwise a person looks.
 */
let invoiceSequence = 0;

function paperInvoiceReading({ itemName, itemsConfidence }: { itemName: string; itemsConfidence: number }) {
  return {
    kind: 'paper-invoice',
    fields: {
      invoiceNumber: `NB8159273${++invoiceSequence}`,
      date: '2024-11-05',
      time: '16:15',
      taxId: '24549210',
      taxIdKind: 'tw',
      storeName: '萊爾富國際股份有限公司高雄店',
      totalMinor: 24_000,
      items: [{ name: itemName, quantity: 2, amountMinor: 24_000 }],
    },
    currency: 'TWD',
    confidence: {
      invoiceNumber: 0.95,
      date: 0.95,
      totalAmount: 0.95,
      taxId: 0.95,
      storeName: 0.9,
      items: itemsConfidence,
      overall: 0.95,
    },
    checks: { itemsSum: true, subtotalPlusTax: false, cashMinusChange: false },
    timings: { normaliseMs: 0, qrMs: 0, totalMs: 0 },
  } satisfies ReceiptReading;
}

describe('a receipt read by OCR is refused only on fields read surely', () => {
  let world: World;
  let campaignId: string;
  let sequence = 0;

  beforeAll(async () => {
    world = await createWorld();
    campaignId = await world.createTeaCampaign({ autoAcceptReceipts: true });
  });
  afterAll(async () => {
    await world.close();
  });

  async function submitReading(reading: ReceiptReading) {
    const id = world.generateId('receiptImage');
    await world.database.db.insert(receiptImages).values({
      id,
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      sha256: id,
      mimeType: 'image/jpeg',
      width: 10,
      height: 10,
      byteSize: 100,
      storageKey: `test/${id}`,
      source: 'line',
      reading: reading as unknown as Record<string, unknown>,
      readingKind: reading.kind,
      confidence: reading.confidence.overall,
    });
    return submitProof(
      {
        ...world.deps,
        readReceiptProof: createReceiptProofReader({ db: world.database.db, defaultCurrency: 'TWD' }),
      },
      {
        brandId: BRAND_ID,
        memberId: MEMBER_A,
        campaignId,
        channel: 'chat',
        sourceRef: `photo-${++sequence}`,
        input: { type: 'receipt_image', receiptImageId: id },
      },
    );
  }

  test('when the tea is misread (荼) on a doubtful item row, then the proof waits for review, not refused', async () => {
    const result = await submitReading(
      paperInvoiceReading({ itemName: '荼裏王日式綠荼', itemsConfidence: 0.5 }),
    );

    expect(result.outcome).toBe('in_review');
    expect(result.submission).toMatchObject({ state: 'in_review', reasonCode: null, decidedAt: null });
  });

  test('when items were read surely and none is a campaign product, then it is refused at once', async () => {
    const result = await submitReading(paperInvoiceReading({ itemName: '洋芋片', itemsConfidence: 0.95 }));

    expect(result.outcome).toBe('rejected');
    expect(result.submission?.reasonCode).toBe('rules.item_groups.no_match');
  });

  test('when the tea is read surely, then the proof is accepted and rewarded', async () => {
    const result = await submitReading(
      paperInvoiceReading({ itemName: '茶裏王日式綠茶', itemsConfidence: 0.95 }),
    );

    expect(result.outcome).toBe('accepted');
    expect(result.rewards?.quantities.points).toBe(24); // 1 point per NT$10 of tea
  });

  test.each([
    ['item_groups', { items: 0.6 }, false],
    ['item_groups', { items: 0.9 }, true],
    ['purchase_date', { date: 0.8 }, false],
    ['min_amount', { totalAmount: 0.95, items: 0.95 }, true],
    ['min_amount', { totalAmount: 0.95, items: 0.5 }, false],
    ['stores', { taxId: 0.95 }, true],
    ['stores', { storeName: 0.4, taxId: 0.5 }, false],
    ['cap_per_day', {}, true],
  ] as const)('mayRefuseOnRule(%s, %j) is %s', (rule, confidence, expected) => {
    expect(mayRefuseOnRule({ confidence: { overall: 0.9, ...confidence } }, rule)).toBe(expected);
  });
});
