import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import type { OcrEngine, OcrLine } from '../../core/ocr/index.js';
import { createReceiptProofReader, ingestReceiptImage } from '../../core/receipts/index.js';
import { submitProof } from '../../core/submissions/index.js';
import { BRAND_ID, createWorld, MEMBER_A, type World } from '../submissions/world.js';

/**
 * Issue #15: a qualifying paper invoice (NT$240 of green tea) must not be refused as "no campaign
 * product" when OCR bent the product's name (`綠荼`). OCR reads the amounts of that row surely, so the
 * row's mean confidence passes the refusal bar; the name's own words do not. Photo → OCR → parser →
 * rules, end to end: the slip sends the proof to a reviewer, the same receipt read right is accepted.
 */
function ocrOf(invoiceNumber: string, productName: string, nameConfidence: number): OcrEngine {
  const rows: [string, number][][] = [
    [['萊爾富國際股份有限公司', 0.96]],
    [
      ['統一編號', 0.95],
      ['24549210', 0.97],
    ],
    [[invoiceNumber, 0.96]],
    [
      ['2024-11-05', 0.97],
      ['16:15', 0.96],
    ],
    [
      [productName, nameConfidence],
      ['2', 0.97],
      ['120', 0.97],
      ['240', 0.98],
    ],
    [
      ['總計', 0.96],
      ['240', 0.98],
    ],
    [
      ['現金', 0.96],
      ['300', 0.97],
    ],
    [
      ['找零', 0.96],
      ['60', 0.97],
    ],
  ];
  const lines: OcrLine[] = rows.map((row, index) => {
    let x = 10;
    const words = row.map(([text, confidence]) => {
      const box = { x0: x, y0: 10 + index * 40, x1: x + [...text].length * 20, y1: 40 + index * 40 };
      x = box.x1 + 20;
      return { text, confidence, box };
    });
    return {
      text: words.map((word) => word.text).join(' '),
      confidence: words.reduce((sum, word) => sum + word.confidence, 0) / words.length,
      box: { x0: 10, y0: 10 + index * 40, x1: x, y1: 40 + index * 40 },
      words,
    };
  });
  return {
    name: 'tesseract',
    recognize: async () => ({
      engine: 'tesseract',
      text: lines.map((line) => line.text).join('\n'),
      lines,
      confidence: 0.95,
      width: 800,
      height: 400,
      durationMs: 0,
    }),
    close: async () => undefined,
  };
}

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

  async function sendPhoto(ocrEngine: OcrEngine) {
    sequence++;
    // Noise, so two photos are not one picture to the duplicate check.
    const pixels = Buffer.from(Array.from({ length: 64 * 96 * 3 }, () => Math.floor(Math.random() * 256)));
    const photo = await sharp(pixels, { raw: { width: 64, height: 96, channels: 3 } })
      .png()
      .toBuffer();
    const { image } = await ingestReceiptImage(
      {
        db: world.database.db,
        blobStore: buildMemoryBlobStore(),
        ocrEngine,
        clock: world.clock,
        generateId: world.generateId,
      },
      { brandId: BRAND_ID, memberId: MEMBER_A, bytes: photo, source: 'line' },
    );
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
        sourceRef: `slip-${sequence}`,
        input: { type: 'receipt_image', receiptImageId: image.id },
      },
    );
  }

  test('when the tea is read as 綠荼 (its words unsure, its amounts sure), then a reviewer decides: it is not refused', async () => {
    const result = await sendPhoto(ocrOf('NB-81592731', '綠荼', 0.8));

    expect(result.outcome).toBe('in_review');
    expect(result.submission).toMatchObject({ state: 'in_review', reasonCode: null, decidedAt: null });
  });

  test('when the same receipt is read right, then it is accepted without a reviewer', async () => {
    const result = await sendPhoto(ocrOf('NB-81592732', '綠茶', 0.96));

    expect(result.outcome).toBe('accepted');
  });
});
