import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
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
import { BRAND_A, liffSeed, NOW, REGISTRATION, USER_1 } from '../liff/support/liff-fixtures.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { pdf, pngBomb, thirtyMegabytes, truncated } from './support/bad-uploads.js';

/**
 * The refusals of the receipt photo upload through the LIFF HTTP API, wired as the web process wires it:
 * each bad upload gets a clear 4xx error with a code, nothing is stored (no blob, no image row, no
 * submission) and the server keeps serving.
 */
describe('POST /api/liff/receipts — refusals over HTTP', () => {
  let services: TestServices;
  let line: LineSimulator;
  let mof: RunningMofSimulator;
  let intake: ProofIntake;
  let app: Express;
  const blobStore = buildMemoryBlobStore();
  const ocrEngine = buildFakeOcrEngine('');
  const photo = readFileSync(join(projectRoot, 'test', 'fixtures', 'receipts', 'tw-einvoice-7-photo.jpg'));
  let keyCounter = 0;

  beforeAll(async () => {
    line = await startLineSimulator({});
    mof = await startMofSimulator({});
    services = await buildTestServices({
      seed: liffSeed(),
      now: NOW,
      config: { line: { apiBaseUrl: line.url }, mof: { apiBaseUrl: mof.url, maxRetries: 0 } },
    });
    intake = buildProofIntake(services, { blobStore, ocrEngine });
    app = createApp(services, [buildLiffAppModule(services, { intake })]);
    await request(app)
      .post('/api/liff/register')
      .set(await headers())
      .send(REGISTRATION)
      .expect(201);
  });
  afterAll(async () => {
    await intake.close();
    await line.close();
    await mof.close();
    await services.database.close();
  });

  async function headers() {
    return {
      authorization: `Bearer ${await createLineSimulatorIdTokenMinter({ simulatorUrl: line.url })({
        clientId: BRAND_A.loginChannelId,
        userId: USER_1,
        name: 'LINE 名字',
      })}`,
      'x-liff-id': BRAND_A.liffId,
    };
  }

  async function stored() {
    const db = services.database.db;
    return {
      blobs: blobStore.keys().length,
      images: (await db.select().from(schema.receiptImages)).length,
      submissions: (await db.select().from(schema.submissions)).length,
      ocrCalls: ocrEngine.calls(),
    };
  }

  async function upload(bytes: Buffer, contentType: string) {
    const before = await stored();
    const response = await request(app)
      .post('/api/liff/receipts')
      .set(await headers())
      .set('content-type', contentType)
      .set('idempotency-key', `refusal-${String(++keyCounter).padStart(4, '0')}`)
      .send(bytes);
    expect(await stored()).toEqual(before);
    return response;
  }

  test('when the body is a PDF sent as image/jpeg, then 415 receipt.not_an_image', async () => {
    const response = await upload(pdf(), 'image/jpeg');
    expect(response.status).toBe(415);
    expect(response.body.error).toMatchObject({
      code: 'receipt.not_an_image',
      message: 'The upload is not a photo (JPEG, PNG, WebP or HEIC)',
    });
  });

  test('when the JPEG is cut off halfway, then 422 receipt.corrupt', async () => {
    const response = await upload(truncated(photo), 'image/jpeg');
    expect(response.status).toBe(422);
    expect(response.body.error).toMatchObject({
      code: 'receipt.corrupt',
      message: 'The photo is damaged or incomplete',
    });
  });

  test('when a small PNG declares 20000×20000 pixels, then 413 receipt.too_many_pixels', async () => {
    const response = await upload(await pngBomb(20000, 20000), 'image/png');
    expect(response.status).toBe(413);
    expect(response.body.error).toMatchObject({
      code: 'receipt.too_many_pixels',
      message: 'The photo is 20000×20000; the limit is 50 megapixels',
    });
  });

  test('when the upload is 30 MB, then 413 before the photo is read', async () => {
    const response = await upload(thirtyMegabytes(photo), 'image/jpeg');
    expect(response.status).toBe(413);
    // The route's body limit (10 MB, LINE's own cap on images) answers before the use case's 20 MB.
    expect(response.body.error).toEqual({
      code: 'request.too_large',
      message: 'Request body too large: 30.1 MB; the limit is 10 MB',
    });
  });

  test('after the refusals, then a good photo is still stored, read and submitted', async () => {
    const before = await stored();
    const response = await request(app)
      .post('/api/liff/receipts')
      .set(await headers())
      .set('content-type', 'image/jpeg')
      .set('idempotency-key', 'refusal-good-0001')
      .send(photo);
    expect(response.status).toBe(201);
    expect(await stored()).toMatchObject({
      blobs: before.blobs + 1,
      images: before.images + 1,
      submissions: before.submissions + 1,
    });
  });
});
