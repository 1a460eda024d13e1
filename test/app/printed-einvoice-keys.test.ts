import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { buildProofIntake, type ProofIntake } from '../../core/app/proof-intake.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { members } from '../../core/db/schema.js';
import { seedDemo, type DemoSeed } from '../../core/demo/seed-demo.js';
import { buildFakeOcrEngine } from '../../core/ocr/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { loadDemoDataset, startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';

/**
 * Issue #15: a photo of an e-invoice proof where only the right QR code is read (the left one under
 * glare) still prints the invoice number and the random code: they are what the MoF query needs, so the
 * proof is verified with the platform instead of judged by its OCR'd store, date and total.
 * `tw-einvoice-7-right-only.jpg` is `tw-einvoice-7-photo.jpg` with the left code painted over.
 */
const photo = readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', 'tw-einvoice-7-right-only.jpg'));

/** What OCR reads on that proof (BN61755155 of the demo dataset, 2024-08-05, random code 4632). */
const PRINTED = [
  '統一超商股份有限公司',
  '電子發票證明聯',
  '113年07-08月',
  'BN-61755155',
  '2024-08-05 17:11:00',
  '隨機碼 4632 總計 335',
  '賣方 66797470',
];

describe('an e-invoice photo with only its right QR code read', () => {
  let services: TestServices;
  let sim: RunningMofSimulator;
  let demo: DemoSeed;
  let ocrText = PRINTED.join('\n');
  let intake: ProofIntake;

  beforeAll(async () => {
    sim = await startMofSimulator({ dataset: loadDemoDataset() });
    services = await buildTestServices({
      now: '2026-01-15T04:00:00Z',
      config: { mof: { apiBaseUrl: sim.url, maxRetries: 0 } },
    });
    intake = buildProofIntake(services, {
      blobStore: buildMemoryBlobStore(),
      ocrEngine: buildFakeOcrEngine(() => ocrText),
    });
    demo = await seedDemo(services);
    await services.database.db
      .insert(members)
      .values({ id: 'mbr_glare', brandId: demo.brand.id, lineUserId: 'U_glare', locale: 'zh-TW' });
  });
  afterAll(async () => {
    await intake.close();
    await sim.close();
    await services.database.close();
  });

  async function send(sourceRef: string) {
    const { receiptImageId } = await intake.ingestReceiptImage({
      brandId: demo.brand.id,
      memberId: 'mbr_glare',
      bytes: photo,
      source: 'line',
    });
    return intake.submitProof({
      brandId: demo.brand.id,
      memberId: 'mbr_glare',
      channel: 'chat',
      sourceRef,
      input: { type: 'receipt_image', receiptImageId },
    });
  }

  test('when the date printed agrees with the period, then number + random code + date are verified with the platform', async () => {
    sim.admin.resetRequestCounts();

    const result = await send('glare-1');

    expect(result.outcome).toBe('accepted');
    expect(result.submission).toMatchObject({ state: 'rewarded' });
    expect((result.submission?.rawInput as { parsed: { invoiceNumber: string } }).parsed.invoiceNumber).toBe(
      'BN61755155',
    );
    expect(sim.admin.requestCounts().byInvoice['BN61755155']).toEqual({ qryInvDetail: 1 });
  });

  test('when the date is not read surely, then nothing is decided: the member is asked for the date of that invoice', async () => {
    ocrText = PRINTED.filter((line) => !line.startsWith('2024')).join('\n');
    sim.admin.resetRequestCounts();

    const result = await send('glare-2');

    expect(result).toEqual({
      outcome: 'incomplete',
      partial: {
        missing: 'invoice_date',
        from: 'photo',
        invoiceNumber: 'BN61755155',
        randomCode: '4632',
        period: '11308',
      },
    });
    expect(sim.admin.requestCounts().total).toBe(0);
  });
});
