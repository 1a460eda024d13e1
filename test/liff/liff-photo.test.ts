import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { createLineSimulatorIdTokenMinter } from '../../bot/liff/liff.dev-login.js';
import { buildLiffAppModule } from '../../bot/liff/liff.module.js';
import { buildProofIntake, type ProofIntake } from '../../core/app/proof-intake.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import * as schema from '../../core/db/schema.js';
import { buildFakeOcrEngine } from '../../core/ocr/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { BRAND_A, liffSeed, NOW, REGISTRATION, USER_1 } from './support/liff-fixtures.js';

/** The LIFF photo upload, as the web process wires it: the shared proof intake behind ID-token auth. */
describe('POST /api/liff/receipts', () => {
  let services: TestServices;
  let line: LineSimulator;
  let mof: RunningMofSimulator;
  let intake: ProofIntake;
  let app: Express;
  const ocrEngine = buildFakeOcrEngine('');

  beforeAll(async () => {
    line = await startLineSimulator({});
    mof = await startMofSimulator({});
    services = await buildTestServices({
      seed: liffSeed(),
      now: NOW,
      config: { line: { apiBaseUrl: line.url }, mof: { apiBaseUrl: mof.url, maxRetries: 0 } },
    });
    intake = buildProofIntake(services, { blobStore: buildMemoryBlobStore(), ocrEngine });
    app = createApp(services, [buildLiffAppModule(services, { intake })]);
  });
  afterAll(async () => {
    await intake.close();
    await line.close();
    await mof.close();
    await services.database.close();
  });

  const headers = async () => ({
    authorization: `Bearer ${await createLineSimulatorIdTokenMinter({ simulatorUrl: line.url })({
      clientId: BRAND_A.loginChannelId,
      userId: USER_1,
      name: 'LINE 名字',
    })}`,
    'x-liff-id': BRAND_A.liffId,
  });

  test('when a registered member uploads a photo with its capture time and place, and the upload is retried with the same Idempotency-Key, then it is stored, read and submitted once', async () => {
    await request(app)
      .post('/api/liff/register')
      .set(await headers())
      .send(REGISTRATION)
      .expect(201);
    const photo = readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', 'th-receipt-1-clean.png'));
    const upload = async () =>
      request(app)
        .post('/api/liff/receipts')
        .set(await headers())
        .set('content-type', 'image/png')
        .set('idempotency-key', 'photo-upload-0001')
        .set('x-captured-at', '2026-01-14T09:30:00.000Z')
        .set('x-latitude', '13.7563')
        .set('x-longitude', '100.5018')
        .send(photo);

    const first = await upload();
    const readsOfFirst = ocrEngine.calls();
    const again = await upload();

    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(readsOfFirst).toBeGreaterThan(0);
    // The retry is known by its key before the photo is read: no second OCR, no second upload counted.
    expect(ocrEngine.calls()).toBe(readsOfFirst);
    const images = await services.database.db.select().from(schema.receiptImages);
    expect(images).toHaveLength(1);
    expect(images[0]).toMatchObject({ source: 'liff', latitude: 13.7563, longitude: 100.5018 });
    expect(images[0]?.capturedAt?.toISOString()).toBe('2026-01-14T09:30:00.000Z');
    const submissions = await services.database.db
      .select()
      .from(schema.submissions)
      .where(eq(schema.submissions.channel, 'liff'));
    expect(submissions).toHaveLength(1);
    expect(submissions[0]?.receiptImageId).toBe(images[0]?.id);
  });

  test('when the body is not an image, then 400 and nothing is stored', async () => {
    const before = await services.database.db.select().from(schema.receiptImages);

    const response = await request(app)
      .post('/api/liff/receipts')
      .set(await headers())
      .set('content-type', 'image/jpeg')
      .set('idempotency-key', 'photo-upload-0002')
      .send(Buffer.from('%PDF-1.4 not a photo'));

    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body.error.code).toMatch(/^receipt\./);
    expect(await services.database.db.select().from(schema.receiptImages)).toHaveLength(before.length);
  });
});
