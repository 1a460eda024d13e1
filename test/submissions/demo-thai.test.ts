import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { buildProofIntake, type ProofIntake } from '../../core/app/proof-intake.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { members } from '../../core/db/schema.js';
import { DEMO_THAI_BRAND_SLUG, seedThaiDemo } from '../../core/demo/seed-demo-thai.js';
import type { DemoSeed } from '../../core/demo/seed-demo.js';
import { buildFakeOcrEngine } from '../../core/ocr/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { buildTestServices, type TestServices } from '../support/services.js';

const photo = readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', 'th-receipt-1-clean.png'));

/** What OCR reads from the photo, as a Thai supermarket prints it (Buddhist-era date, baht). */
let receiptText = '';

/** Local mode's Thai promise: the demo-th brand takes receipt photos from any store and pays in THB. */
describe('Thai demo brand (demo-th)', () => {
  let services: TestServices;
  let intake: ProofIntake;
  let demo: DemoSeed;

  beforeAll(async () => {
    services = await buildTestServices({
      now: '2026-03-02T04:00:00Z',
      // Receipts are never looked up; the intake still wants an e-invoice platform to be named.
      config: { mof: { apiBaseUrl: 'http://127.0.0.1:9', maxRetries: 0 } },
    });
    intake = buildProofIntake(services, {
      blobStore: buildMemoryBlobStore(),
      ocrEngine: buildFakeOcrEngine(() => receiptText),
    });
    demo = await seedThaiDemo(services);
    await services.database.db
      .insert(members)
      .values({ id: 'mbr_th', brandId: demo.brand.id, lineUserId: 'U_th', locale: 'th' });
  });
  afterAll(async () => {
    await intake.close();
    await services.database.close();
  });

  test('when seeded, then it is a Thai brand with a THB receipt-photo campaign, and seeding again changes nothing', async () => {
    expect(demo).toMatchObject({
      created: true,
      brand: { slug: DEMO_THAI_BRAND_SLUG, country: 'TH', defaultLocale: 'th', timezone: 'Asia/Bangkok' },
      campaign: { currency: 'THB', proofKinds: ['receipt'], timezone: 'Asia/Bangkok' },
    });
    const again = await seedThaiDemo(services);
    expect(again).toMatchObject({
      created: false,
      brand: { id: demo.brand.id },
      campaign: { id: demo.campaign.id },
    });
  });

  async function send(text: string, sourceRef: string) {
    receiptText = text;
    const { receiptImageId } = await intake.ingestReceiptImage({
      brandId: demo.brand.id,
      memberId: 'mbr_th',
      bytes: Buffer.concat([photo, Buffer.from(sourceRef)]),
      source: 'line',
    });
    return intake.submitProof({
      brandId: demo.brand.id,
      memberId: 'mbr_th',
      channel: 'chat',
      sourceRef,
      input: { type: 'receipt_image', receiptImageId },
    });
  }

  test('when a receipt with tea for ฿130 is sent, then it is accepted with 6 points (1 per ฿20), an entry and a scratch card', async () => {
    const result = await send(
      [
        'ท็อปส์ มาร์เก็ต สาขาสีลม',
        'เลขประจำตัวผู้เสียภาษี 0105536092641',
        'วันที่ 01/03/2569 14:05',
        'ชาเขียว 2 x 65.00 130.00',
        'รวมทั้งสิ้น 130.00',
      ].join('\n'),
      'th-tea',
    );
    expect(result).toMatchObject({ outcome: 'accepted', submission: { kind: 'receipt' } });
    expect(result.rewards?.quantities).toEqual({ points: 6, entries: 1, instantWin: true });
  });

  test('when the receipt read has no tea, then a reviewer looks at it (items read by OCR never refuse on their own)', async () => {
    const result = await send(
      [
        'ท็อปส์ มาร์เก็ต สาขาสีลม',
        'เลขประจำตัวผู้เสียภาษี 0105536092641',
        'วันที่ 01/03/2569 15:10',
        'น้ำดื่ม 6 x 25.00 150.00',
        'รวมทั้งสิ้น 150.00',
      ].join('\n'),
      'th-water',
    );
    expect(result).toMatchObject({ outcome: 'in_review', submission: { kind: 'receipt' } });
    expect(result.rewards).toBeUndefined();
  });
});
