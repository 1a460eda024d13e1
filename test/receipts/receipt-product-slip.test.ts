import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createWorld, MEMBER_A, type World } from '../submissions/world.js';
import { receiptOcr, sendReceiptPhoto } from './receipt-ocr.js';

/**
 * Issue #15: a qualifying paper invoice (NT$240 of green tea) must not be refused as "no campaign
 * product" when OCR bent the product's name (`綠荼`). OCR reads the amounts of that row surely, so the
 * row's mean confidence passes the refusal bar; the name's own words do not. Photo → OCR → parser →
 * rules, end to end: the slip sends the proof to a reviewer, the same receipt read right is accepted.
 */
describe('an OCR slip on the product line of a qualifying receipt', () => {
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

  const sendPhoto = (invoiceNumber: string, product: [string, number]) =>
    sendReceiptPhoto(world, {
      campaignId,
      memberId: MEMBER_A,
      sourceRef: `slip-${++sequence}`,
      ocrEngine: receiptOcr({ invoiceNumber, product }),
    });

  test('when the tea is read as 綠荼 (its words unsure, its amounts sure), then a reviewer decides: it is not refused', async () => {
    const result = await sendPhoto('NB-81592731', ['綠荼', 0.8]);

    expect(result.outcome).toBe('in_review');
    expect(result.submission).toMatchObject({ state: 'in_review', reasonCode: null, decidedAt: null });
  });

  test('when the same receipt is read right, then it is accepted without a reviewer', async () => {
    const result = await sendPhoto('NB-81592732', ['綠茶', 0.96]);

    expect(result.outcome).toBe('accepted');
  });
});
