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

const fixture = (name: string) => readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', name));

/** One intake for every channel: a photo of an e-invoice proof is verified as the e-invoice its QR codes hold. */
describe('proof intake', () => {
  let services: TestServices;
  let sim: RunningMofSimulator;
  let intake: ProofIntake;
  let demo: DemoSeed;

  beforeAll(async () => {
    sim = await startMofSimulator({ dataset: loadDemoDataset() });
    services = await buildTestServices({
      now: '2026-01-15T04:00:00Z',
      config: { mof: { apiBaseUrl: sim.url, maxRetries: 0 } },
    });
    intake = buildProofIntake(services, {
      blobStore: buildMemoryBlobStore(),
      // No OCR text at all: what is read must come from the QR codes.
      ocrEngine: buildFakeOcrEngine(''),
    });
    demo = await seedDemo(services);
    await services.database.db
      .insert(members)
      .values({ id: 'mbr_photo', brandId: demo.brand.id, lineUserId: 'U_photo', locale: 'zh-TW' });
  });
  afterAll(async () => {
    await intake.close();
    await sim.close();
    await services.database.close();
  });

  test('when a member sends a photo of an e-invoice proof, then it is verified with the platform and rewarded, not queued for review', async () => {
    sim.admin.resetRequestCounts();
    const { receiptImageId } = await intake.ingestReceiptImage({
      brandId: demo.brand.id,
      memberId: 'mbr_photo',
      bytes: fixture('tw-einvoice-7-photo.jpg'),
      source: 'line',
    });

    const result = await intake.submitProof({
      brandId: demo.brand.id,
      memberId: 'mbr_photo',
      channel: 'chat',
      sourceRef: 'photo-1',
      input: { type: 'receipt_image', receiptImageId },
    });

    // BN61755155: 2 × 御茶園特撰冰釀綠茶 at NT$104 → 20 points in the demo campaign.
    expect(result).toMatchObject({ outcome: 'accepted', submission: { kind: 'einvoice_qr' } });
    expect(result.rewards?.quantities).toMatchObject({ points: 20, entries: 1 });
    expect(sim.admin.requestCounts().byInvoice['BN61755155']).toEqual({ qryInvDetail: 1 });
  });

  test('when the same photo event is redelivered, then the stored answer comes back with no second query', async () => {
    sim.admin.resetRequestCounts();
    const { receiptImageId } = await intake.ingestReceiptImage({
      brandId: demo.brand.id,
      memberId: 'mbr_photo',
      bytes: fixture('tw-einvoice-7-photo.jpg'),
      source: 'line',
    });

    const again = await intake.submitProof({
      brandId: demo.brand.id,
      memberId: 'mbr_photo',
      channel: 'chat',
      sourceRef: 'photo-1',
      input: { type: 'receipt_image', receiptImageId },
    });

    expect(again.outcome).toBe('accepted');
    expect(sim.admin.requestCounts().total).toBe(0);
  });
});
