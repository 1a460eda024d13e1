import sharp from 'sharp';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import type { OcrEngine, OcrLine } from '../../core/ocr/index.js';
import { createReceiptProofReader, ingestReceiptImage } from '../../core/receipts/index.js';
import { submitProof } from '../../core/submissions/index.js';
import { BRAND_ID, type World } from '../submissions/world.js';

/**
 * An OCR engine that reads one printed receipt (NT$240: two of `product` at 120), each word with its own
 * confidence: the product's name at the confidence given, the amounts and the rest surely.
 */
export function receiptOcr({
  invoiceNumber,
  taxId = '24549210',
  product: [productName, nameConfidence],
  quantity = '2',
}: {
  /** A paper invoice's number; null for a plain receipt, which prints none. */
  invoiceNumber: string | null;
  taxId?: string;
  product: [name: string, confidence: number];
  /** How the quantity is printed. */
  quantity?: string;
}): OcrEngine {
  const rows: [string, number][][] = [
    [['萊爾富國際股份有限公司', 0.96]],
    [
      ['統一編號', 0.95],
      [taxId, 0.97],
    ],
    ...(invoiceNumber ? [[[invoiceNumber, 0.96] as [string, number]]] : []),
    [
      ['2024-11-05', 0.97],
      ['16:15', 0.96],
    ],
    [
      [productName, nameConfidence],
      [quantity, 0.97],
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

/** A member sends a photo (photo → OCR → parser → rules, end to end), read by `ocrEngine`. */
export async function sendReceiptPhoto(
  world: World,
  {
    campaignId,
    memberId,
    sourceRef,
    ocrEngine,
  }: { campaignId: string; memberId: string; sourceRef: string; ocrEngine: OcrEngine },
) {
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
    { brandId: BRAND_ID, memberId, bytes: photo, source: 'line' },
  );
  return submitProof(
    {
      ...world.deps,
      readReceiptProof: createReceiptProofReader({ db: world.database.db, defaultCurrency: 'TWD' }),
    },
    {
      brandId: BRAND_ID,
      memberId,
      campaignId,
      channel: 'chat',
      sourceRef,
      input: { type: 'receipt_image', receiptImageId: image.id },
    },
  );
}
