import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import sharp from 'sharp';
import { buildGoogleVisionOcrEngine, type OcrEngine } from '../../core/ocr/index.js';
import { buildRowsFromWords } from '../../core/ocr/ocr.rows.js';
import {
  wordsFromVisionResponse,
  type VisionAnnotateResponse,
  type VisionBreakType,
  type VisionSymbol,
} from '../../core/ocr/providers/google-vision/google-vision.layout.js';
import { parseReceiptText } from '../../core/receipts/index.js';
import {
  buildVisionAnswer,
  startVisionReplayServer,
  type LayoutWord,
  type VisionReplayServer,
} from '../../sim/vision/index.js';

/**
 * Issue #15: the parser reads Google Vision's real answer format — words made of symbols, each with its
 * box and the break that follows it — as the same word boxes and rows it reads from tesseract.
 */
const vertices = (x0: number, y0: number, x1: number, y1: number) => ({
  // Vision leaves a 0 coordinate out of the JSON.
  vertices: [
    { ...(x0 ? { x: x0 } : {}), ...(y0 ? { y: y0 } : {}) },
    { x: x1, ...(y0 ? { y: y0 } : {}) },
    { x: x1, y: y1 },
    { ...(x0 ? { x: x0 } : {}), y: y1 },
  ],
});
const symbol = (text: string, detectedBreak?: VisionBreakType): VisionSymbol => ({
  text,
  confidence: 0.98,
  ...(detectedBreak ? { property: { detectedBreak: { type: detectedBreak } } } : {}),
});

/** Written by hand in the documented shape: a Chinese run (one word per character), a glued number, two blocks. */
const HAND_WRITTEN: VisionAnnotateResponse = {
  textAnnotations: [{ locale: 'zh-Hant', description: '統一超商\nBN-61755155\n總計\n335\n' }],
  fullTextAnnotation: {
    text: '統一超商\nBN-61755155\n總計\n335\n',
    pages: [
      {
        width: 400,
        height: 200,
        blocks: [
          {
            blockType: 'TEXT',
            paragraphs: [
              {
                words: [
                  { boundingBox: vertices(0, 0, 30, 30), symbols: [symbol('統')], confidence: 0.99 },
                  { boundingBox: vertices(30, 0, 60, 30), symbols: [symbol('一')], confidence: 0.99 },
                  { boundingBox: vertices(60, 0, 90, 30), symbols: [symbol('超')], confidence: 0.97 },
                  {
                    boundingBox: vertices(90, 0, 120, 30),
                    symbols: [symbol('商', 'EOL_SURE_SPACE')],
                    confidence: 0.97,
                  },
                  {
                    boundingBox: vertices(0, 50, 30, 80),
                    symbols: [symbol('B'), symbol('N')],
                    confidence: 0.99,
                  },
                  { boundingBox: vertices(30, 50, 40, 80), symbols: [symbol('-')], confidence: 0.9 },
                  {
                    boundingBox: vertices(40, 50, 160, 80),
                    symbols: [...'6175515']
                      .map((digit) => symbol(digit))
                      .concat(symbol('5', 'EOL_SURE_SPACE')),
                    confidence: 0.99,
                  },
                  { boundingBox: vertices(0, 100, 30, 130), symbols: [symbol('總')], confidence: 0.95 },
                  {
                    boundingBox: vertices(30, 100, 60, 130),
                    symbols: [symbol('計', 'LINE_BREAK')],
                    confidence: 0.95,
                  },
                ],
              },
            ],
          },
          {
            blockType: 'TEXT',
            paragraphs: [
              {
                words: [
                  {
                    boundingBox: vertices(300, 102, 350, 128),
                    symbols: [symbol('3'), symbol('3'), symbol('5', 'LINE_BREAK')],
                    confidence: 0.99,
                  },
                ],
              },
            ],
          },
        ],
      },
    ],
  },
};

describe('Vision words → word boxes and rows', () => {
  test('when symbols carry no break between them, then they are one printed word; a break ends it', () => {
    const words = wordsFromVisionResponse(HAND_WRITTEN);

    expect(words.map((word) => word.text)).toEqual(['統一超商', 'BN-61755155', '總計', '335']);
    expect(words[0]!.box).toEqual({ x0: 0, y0: 0, x1: 120, y1: 30 });
    expect(words[1]!.confidence).toBeCloseTo((0.99 + 0.9 + 0.99) / 3, 5);
  });

  test('when the amount sits in a block of its own, then the rows put it beside its label', () => {
    const rows = buildRowsFromWords(wordsFromVisionResponse(HAND_WRITTEN));

    expect(rows.map((row) => row.text)).toEqual(['統一超商', 'BN-61755155', '總計 335']);
  });

  test('when the answer has only textAnnotations (TEXT_DETECTION), then its per-word annotations are read', () => {
    const words = wordsFromVisionResponse({
      textAnnotations: [
        { description: 'TOTAL 31.00\n' },
        { description: 'TOTAL', boundingPoly: vertices(10, 10, 80, 30) },
        { description: '31.00', boundingPoly: vertices(200, 12, 260, 30) },
      ],
    });

    expect(buildRowsFromWords(words).map((row) => row.text)).toEqual(['TOTAL 31.00']);
  });
});

/** th-receipt-1 (test/receipts/receipt-parser.test.ts) laid out as Vision segments it: prices in their own block. */
const THAI_ROWS: [string, string?][] = [
  ['มินิมาร์ทบ้านสวน'],
  ['สาขา 045 ถ.มิตรภาพ อ.เมืองขอนแก่น'],
  ['เลขประจำตัวผู้เสียภาษี 9175680647138'],
  ['ใบเสร็จรับเงิน/ใบกำกับภาษีอย่างย่อ'],
  ['วันที่ 07/01/2568 20:37'],
  ['3 มาม่ารสต้มยำกุ้ง', '151.50'],
  ['1 โค้ก 1.25 ล', '93.75'],
  ['1 ขนมปังฟาร์มเฮ้าส์', '67.75'],
  ['2 ขนมปังฟาร์มเฮ้าส์', '150.50'],
  ['1 โอวัลติน', '57.50'],
  ['รวมทั้งสิ้น', '521.00'],
  ['ภาษีมูลค่าเพิ่ม 7%', '34.08'],
  ['ขอบคุณที่ใช้บริการ'],
];

function wordsAt(text: string, x: number, y: number): LayoutWord[] {
  const words: LayoutWord[] = [];
  let left = x;
  for (const word of text.split(' ')) {
    const width = [...word].length * 14;
    words.push({ text: word, box: { x0: left, y0: y, x1: left + width, y1: y + 28 }, confidence: 0.97 });
    left += width + 16;
  }
  return words;
}

describe('a receipt read by Google Vision (real client, replay server)', () => {
  let server: VisionReplayServer;
  let engine: OcrEngine;
  let image: Buffer;

  beforeAll(async () => {
    image = await sharp({ create: { width: 32, height: 48, channels: 3, background: '#fdfcf7' } })
      .png()
      .toBuffer();
    const answer = buildVisionAnswer({
      width: 700,
      height: 40 * THAI_ROWS.length + 40,
      locale: 'th',
      blocks: [
        { lines: THAI_ROWS.map(([label], row) => wordsAt(label, 40, 20 + row * 40)) },
        {
          lines: THAI_ROWS.flatMap(([, amount], row) =>
            amount ? [wordsAt(amount, 580, 21 + row * 40)] : [],
          ),
        },
      ],
    });
    server = await startVisionReplayServer({
      recordings: [
        {
          imageSha256: createHash('sha256').update(image).digest('hex'),
          response: answer as Record<string, unknown>,
        },
      ],
    });
    engine = buildGoogleVisionOcrEngine({ apiEndpoint: server.url, staticToken: 'test-token' });
  });
  afterAll(async () => {
    await engine.close();
    await server.close();
  });

  test('when Vision answers in its documented format, then the parser reads store, date, tax ID, items and total', async () => {
    const ocr = await engine.recognize({ image, languages: ['eng', 'tha'] });

    expect(ocr.lines.map((line) => line.text)).toContain('รวมทั้งสิ้น 521.00');
    const receipt = parseReceiptText(ocr.lines, { now: new Date('2026-01-01T00:00:00Z') });
    expect(receipt.currency).toBe('THB');
    expect(receipt.fields).toMatchObject({
      storeName: 'มินิมาร์ทบ้านสวน',
      date: '2025-01-07',
      time: '20:37',
      taxId: '9175680647138',
      totalMinor: 52_100,
      vatMinor: 3_408,
    });
    expect(receipt.fields.items).toHaveLength(5);
    expect(receipt.checks.itemsSum).toBe(true);
  });
});
