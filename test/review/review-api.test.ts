import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import request from 'supertest';
import type { Express } from 'express';
import { BRAND_HEADER, createReviewModule, REVIEWER_HEADER } from '../../bot/review/index.js';
import { createApp } from '../../bot/create-app.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { createCampaign } from '../../core/campaigns/index.js';
import { auditLog } from '../../core/db/schema.js';
import { buildFakeOcrEngine } from '../../core/ocr/index.js';
import { eraseMember } from '../../core/members/members.erasure.js';
import { deleteQueuedReceiptBlobs, ingestReceiptImage } from '../../core/receipts/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { submissions } from '../../core/submissions/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';

const BRAND = 'brd_thai';
const MEMBER = 'mbr_somchai';
const REVIEWER = 'usr_reviewer1';
const fixtures = join(projectRoot, 'test', 'fixtures', 'receipts');

const RECEIPT_TEXT = `มินิมาร์ท บ้านสวน
เลขประจำตัวผู้เสียภาษี 9175680647138
วันที่ 07/01/2568 20:37
3 มาม่า รสต้มยำกุ้ง 151.50
รวมทั้งสิ้น 151.50`;

let services: TestServices;
let app: Express;
let blobStore: ReturnType<typeof buildMemoryBlobStore>;
let campaignId: string;
const queued: { submissionId: string; imageId: string; bytes: Buffer }[] = [];
const asReviewer = (req: request.Test) => req.set(REVIEWER_HEADER, REVIEWER).set(BRAND_HEADER, BRAND);

beforeAll(async () => {
  services = await buildTestServices({
    now: '2025-01-08T03:00:00Z',
    seed: {
      brands: [
        {
          id: BRAND,
          slug: 'thai',
          name: 'Thai brand',
          country: 'TH',
          defaultLocale: 'th',
          timezone: 'Asia/Bangkok',
        },
      ],
      members: [{ id: MEMBER, brandId: BRAND, lineUserId: 'U_somchai', locale: 'th' }],
    },
  });
  blobStore = buildMemoryBlobStore();
  app = createApp(services, [createReviewModule(services, { blobStore })]);
  const { campaign } = await createCampaign({
    db: services.database.db,
    generateId: services.generateId,
    campaign: {
      brandId: BRAND,
      slug: 'mama-jan',
      name: { th: 'มาม่า มกราคม' },
      status: 'active',
      timezone: 'Asia/Bangkok',
      currency: 'THB',
      purchaseFrom: '2025-01-01',
      purchaseTo: '2025-01-31',
      registerFrom: new Date('2024-12-31T17:00:00Z'),
      registerTo: new Date('2025-02-07T17:00:00Z'),
      proofKinds: ['receipt'],
      verificationMode: 'instant',
      autoAcceptReceipts: false,
      rules: { minAmount: { basis: 'total', amountMinor: 10_000 } },
      rewards: { points: { basis: 'total', stepAmountMinor: 5_000, perStep: 1 } },
    },
  });
  campaignId = campaign.id;
  const deps = {
    db: services.database.db,
    blobStore,
    ocrEngine: buildFakeOcrEngine(RECEIPT_TEXT),
    clock: services.clock,
    generateId: services.generateId,
  };
  // Three photos sent a minute apart, each queued for review as the submissions capability does it.
  for (const file of ['th-receipt-1-clean.png', 'tw-paper-1-clean.png', 'blank.png']) {
    const bytes = readFileSync(join(fixtures, file));
    const { image } = await ingestReceiptImage(deps, {
      brandId: BRAND,
      memberId: MEMBER,
      bytes,
      source: 'liff',
    });
    const submissionId = services.generateId('submission');
    await services.database.db.insert(submissions).values({
      id: submissionId,
      brandId: BRAND,
      campaignId,
      memberId: MEMBER,
      kind: 'receipt',
      channel: 'liff',
      sourceRef: `req-${submissionId}`,
      rawInput: { type: 'receipt_image', receiptImageId: image.id },
      state: 'in_review',
      receiptImageId: image.id,
      createdAt: services.clock.now(),
    });
    queued.push({ submissionId, imageId: image.id, bytes });
    services.clock.advanceBy(60_000);
  }
});
afterAll(async () => {
  await services.database.close();
});

describe('GET /api/console/review/queue', () => {
  test('when no reviewer is signed in, then 401', async () => {
    const response = await request(app).get('/api/console/review/queue');

    expect(response.status).toBe(401);
    expect(response.body.error.code).toBe('auth.unauthorized');
  });

  test('when the queue is listed, then photo proofs come oldest first with their summary', async () => {
    const response = await asReviewer(request(app).get('/api/console/review/queue'));

    expect(response.status).toBe(200);
    expect(response.body.items.map((item: { submissionId: string }) => item.submissionId)).toEqual(
      queued.map((entry) => entry.submissionId),
    );
    expect(response.body.items[0].summary).toMatchObject({
      totalMinor: 15150,
      date: '2025-01-07',
      currency: 'THB',
    });
  });

  test('when filtered on flagged photos and paged by one, then only duplicates show, with a cursor', async () => {
    const flagged = await asReviewer(request(app).get('/api/console/review/queue?flagged=true'));
    // The 2nd and 3rd photos read the same purchase as the 1st (the fake OCR reads one text).
    expect(flagged.body.items.map((item: { flags: string[] }) => item.flags)).toEqual([
      ['duplicate_content'],
      ['duplicate_content'],
    ]);

    const first = await asReviewer(request(app).get('/api/console/review/queue?limit=1'));
    const second = await asReviewer(
      request(app).get(
        `/api/console/review/queue?limit=1&after=${encodeURIComponent(first.body.nextCursor)}`,
      ),
    );
    expect(second.body.items[0].submissionId).toBe(queued[1]!.submissionId);
  });
});

describe('GET /api/console/review/items/:id and the image', () => {
  test('when one item is fetched, then it has the image URL, the parsed fields and the earlier photo linked', async () => {
    const response = await asReviewer(
      request(app).get(`/api/console/review/items/${queued[1]!.submissionId}`),
    );

    expect(response.status).toBe(200);
    expect(response.body.image.url).toBe(`/api/console/review/images/${queued[1]!.imageId}`);
    expect(response.body.image.duplicateOf.id).toBe(queued[0]!.imageId);
    expect(response.body.reading.fields).toMatchObject({ taxId: '9175680647138', totalMinor: 15150 });

    const image = await asReviewer(request(app).get(response.body.image.url));
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(Buffer.from(image.body as Buffer)).toEqual(queued[1]!.bytes);
  });

  test('when another brand asks for the item, then 404', async () => {
    const response = await request(app)
      .get(`/api/console/review/items/${queued[0]!.submissionId}`)
      .set(REVIEWER_HEADER, REVIEWER)
      .set(BRAND_HEADER, 'brd_other');

    expect(response.status).toBe(404);
  });
});

describe('POST approve / reject', () => {
  test('when approved with a corrected total, then the proof is decided by the campaign rules and the action is audited', async () => {
    const { submissionId } = queued[0]!;

    const response = await asReviewer(
      request(app)
        .post(`/api/console/review/items/${submissionId}/approve`)
        .send({ fields: { totalMinor: 30_300 } }),
    );

    expect(response.status).toBe(200);
    expect(['accepted', 'rewarded']).toContain(response.body.submission.state);
    const [row] = await services.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.id, submissionId));
    expect(row?.reviewedBy).toBe(REVIEWER);
    const audits = await services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, submissionId));
    expect(audits.map((entry) => entry.action)).toContain('review.approved');
    expect(audits.find((entry) => entry.action === 'review.approved')?.data).toMatchObject({
      corrections: { totalMinor: 30_300 },
    });
  });

  test('when the same proof is approved again, then 409 (already decided)', async () => {
    const response = await asReviewer(
      request(app).post(`/api/console/review/items/${queued[0]!.submissionId}/approve`).send({}),
    );

    expect(response.status).toBe(409);
  });

  test('when a correction is malformed, then 400 and nothing changes', async () => {
    const response = await asReviewer(
      request(app)
        .post(`/api/console/review/items/${queued[1]!.submissionId}/approve`)
        .send({ fields: { date: '07/01/2568' } }),
    );

    expect(response.status).toBe(400);
    const [row] = await services.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.id, queued[1]!.submissionId));
    expect(row?.state).toBe('in_review');
  });

  test('when rejected with an unknown reason, then 400; with "duplicate", then rejected and audited', async () => {
    const { submissionId } = queued[1]!;
    const bad = await asReviewer(
      request(app).post(`/api/console/review/items/${submissionId}/reject`).send({ reasonCode: 'meh' }),
    );
    expect(bad.status).toBe(400);

    const response = await asReviewer(
      request(app).post(`/api/console/review/items/${submissionId}/reject`).send({ reasonCode: 'duplicate' }),
    );

    expect(response.status).toBe(200);
    expect(response.body.submission).toMatchObject({ state: 'rejected', reasonCode: 'review.duplicate' });
    const audits = await services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, submissionId));
    expect(audits.find((entry) => entry.action === 'review.rejected')).toMatchObject({
      actorType: 'console_user',
      actorId: REVIEWER,
      data: { reasonCode: 'duplicate' },
    });
  });
});

describe('after the member who sent the photos is erased', () => {
  test('when a reviewer opens their item, then it says the photo was erased (no link), and the image URL answers 410, not 500', async () => {
    const { submissionId, imageId } = queued[2]!;
    const before = await asReviewer(request(app).get(`/api/console/review/items/${submissionId}`));
    expect(before.body.image).toMatchObject({ url: `/api/console/review/images/${imageId}`, erased: false });

    await eraseMember(
      { db: services.database.db, generateId: services.generateId },
      { brandId: BRAND, memberId: MEMBER, confirm: true, now: services.clock.now() },
    );
    const summary = await deleteQueuedReceiptBlobs({
      db: services.database.db,
      blobStore,
      clock: services.clock,
    });
    expect(summary.deleted).toBeGreaterThan(0);
    expect(blobStore.keys()).toEqual([]);

    const response = await asReviewer(request(app).get(`/api/console/review/items/${submissionId}`));
    expect(response.status).toBe(200);
    expect(response.body.image).toMatchObject({ id: imageId, url: null, erased: true, location: null });
    expect(response.body.reading?.qr).toBeUndefined();

    const image = await asReviewer(request(app).get(`/api/console/review/images/${imageId}`));
    expect(image.status).toBe(410);
    expect(image.body.error?.code ?? image.body.code).toBe('receipt.erased');
  });
});
