import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { createLineSimulatorIdTokenMinter } from '../../bot/liff/liff.dev-login.js';
import { buildLiffAppModule } from '../../bot/liff/liff.module.js';
import { buildProofIntake, type ProofIntake } from '../../core/app/proof-intake.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { buildFakeOcrEngine } from '../../core/ocr/index.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { parseSimDataset, startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { BRAND_A, liffSeed, NOW, REGISTRATION, USER_1 } from './support/liff-fixtures.js';

/**
 * Issue #15, the LIFF scan path: a scanned barcode or right QR code alone is kept and the answer says
 * what to ask for; the app sends the kept text back with the member's answer, and the proof goes on.
 */
describe('POST /api/liff/submissions with part of a proof', () => {
  let services: TestServices;
  let line: LineSimulator;
  let mof: RunningMofSimulator;
  let intake: ProofIntake;
  let app: Express;

  beforeAll(async () => {
    line = await startLineSimulator({});
    mof = await startMofSimulator({
      dataset: parseSimDataset({
        invoices: [
          {
            invoiceNumber: 'LF20260225',
            invoiceDate: '2026-02-25',
            randomCode: '5566',
            sellerBan: '28414044',
            sellerName: '好茶專賣店',
            totalAmount: 120,
            items: [{ name: '好茶綠茶', quantity: 2, unitPrice: 60 }],
          },
        ],
      }),
    });
    services = await buildTestServices({
      seed: liffSeed(),
      now: NOW,
      config: { line: { apiBaseUrl: line.url }, mof: { apiBaseUrl: mof.url, maxRetries: 0 } },
    });
    intake = buildProofIntake(services, {
      blobStore: buildMemoryBlobStore(),
      ocrEngine: buildFakeOcrEngine(''),
    });
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
  const submit = async (text: string, key: string) =>
    request(app)
      .post('/api/liff/submissions')
      .set(await headers())
      .set('idempotency-key', key)
      .send({ text });

  test('when a barcode is scanned alone, then the date is asked with the days of its period up to today; sent back with a day, the proof is registered', async () => {
    const asked = await submit('11502LF202602255566', 'barcode-alone-01');

    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({
      outcome: 'incomplete',
      submission: null,
      question: {
        missing: 'invoice_date',
        invoiceNumber: 'LF20260225',
        min: '2026-01-01',
        max: '2026-02-28',
        keep: '11502LF202602255566',
      },
    });
    expect(asked.body.question.days.slice(0, 2)).toEqual(['2026-02-28', '2026-02-27']);

    const completed = await submit(`${asked.body.question.keep} 2026-02-25`, 'barcode-dated-01');

    expect(completed.status).toBe(201);
    expect(completed.body.outcome).not.toMatch(/incomplete|invalid/);
    expect(completed.body.submission).toMatchObject({ id: expect.any(String) });
  });

  test('when a right QR code is scanned alone, then the left one is asked for and the right one kept', async () => {
    const asked = await submit('**好茶綠茶:2:60', 'right-alone-01');

    expect(asked.status).toBe(200);
    expect(asked.body).toMatchObject({
      outcome: 'incomplete',
      question: { missing: 'left_qr', keep: '**好茶綠茶:2:60' },
    });
  });
});
