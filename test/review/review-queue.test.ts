import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import type { Express } from 'express';
import { BRAND_HEADER, createReviewModule, REVIEWER_HEADER } from '../../bot/review/index.js';
import { createApp } from '../../bot/create-app.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { notifyLaterDecisions } from '../../core/conversations/index.js';
import { outboundMessages, renderAnswer } from '../../core/messaging/index.js';
import { REVIEW_LEASE_MS } from '../../core/review/index.js';
import { submissions } from '../../core/submissions/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { createSpringCampaign, queueReceipt, TW_BRAND, twBrandSeed } from './fixtures.js';

const BRAND = TW_BRAND;
const NOW = '2026-03-10T02:00:00Z';

let services: TestServices;
let app: Express;
let campaignId: string;
const ids: Record<'clean' | 'doubt' | 'dupe' | 'fast' | 'chat', string> = {
  clean: '',
  doubt: '',
  dupe: '',
  fast: '',
  chat: '',
};
const as = (reviewer: string) => (req: request.Test) =>
  req.set(REVIEWER_HEADER, reviewer).set(BRAND_HEADER, 'tw-brand');
const alice = as('usr_alice');
const bob = as('usr_bob');

async function queue(key: keyof typeof ids, options: Omit<Parameters<typeof queueReceipt>[1], 'campaignId'>) {
  const queued = await queueReceipt(services, { campaignId, ...options });
  ids[key] = queued.submissionId;
  return queued;
}

const HASH_A = 'f0f0f0f0f0f0f0f0';

beforeAll(async () => {
  services = await buildTestServices({
    now: NOW,
    seed: twBrandSeed([
      { id: 'mbr_mei', locale: 'zh-TW', displayName: 'Mei' },
      { id: 'mbr_sam', locale: 'th', displayName: 'Sam' },
    ]),
  });
  app = createApp(services, [createReviewModule(services, { blobStore: buildMemoryBlobStore() })]);
  campaignId = await createSpringCampaign(services);
  const first = await queue('clean', {
    fields: { storeName: 'Tea Shop', date: '2026-03-09', totalMinor: 30_000, taxId: '28414044' },
    confidence: 0.95,
    hash: HASH_A,
  });
  await queue('doubt', {
    fields: { storeName: 'Tea', date: '2026-03-09', totalMinor: 1_000 },
    confidence: 0.5,
    hash: '0000000000000000',
  });
  await queue('dupe', {
    fields: { storeName: 'Tea Shop', date: '2026-03-09', totalMinor: 30_000 },
    confidence: 0.95,
    flags: ['duplicate_image'],
    duplicateOfId: first.imageId,
    hash: 'f0f0f0f0f0f0f0f1',
    memberId: 'mbr_sam',
  });
  await queue('fast', {
    fields: { date: '2026-03-09', totalMinor: 9_000 },
    confidence: 0.9,
    flags: ['velocity'],
    hash: '123456789abcdef0',
  });
  // A photo sent in the chat and answered "sent to review" (the answer is the event's outbound message).
  await services.database.db.insert(outboundMessages).values({
    id: 'out_evt1',
    brandId: BRAND,
    channelId: 'chn_tw',
    memberId: 'mbr_mei',
    toUserId: 'U_mei',
    kind: 'push',
    dedupeKey: 'event:evt1',
    retryKey: 'retry-evt1',
    messages: [{ type: 'text', text: 'sent to review' }],
    awaitsDecision: true,
    state: 'sent',
    createdAt: services.clock.now(),
  });
  services.clock.advanceBy(1_000);
  await queue('chat', {
    fields: { storeName: 'Other', date: '2026-03-09', totalMinor: 8_000 },
    confidence: 0.95,
    hash: 'aaaaaaaaaaaaaaaa',
    channel: 'chat',
    sourceRef: 'line:evt1',
  });
  services.clock.advanceBy(10 * 60_000);
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('the queue', () => {
  test("when listed, then oldest first with each item's age, flag reasons and the total count", async () => {
    const response = await alice(request(app).get('/api/console/review/queue'));

    expect(response.status).toBe(200);
    expect(response.body.count).toBe(5);
    const items = response.body.items as { submissionId: string; ageMs: number; reasons: string[] }[];
    expect(items.map((item) => item.submissionId)).toEqual([
      ids.clean,
      ids.doubt,
      ids.dupe,
      ids.fast,
      ids.chat,
    ]);
    expect(items[0]!.ageMs).toBeGreaterThan(items[1]!.ageMs);
    expect(items[0]!.ageMs).toBe(response.body.oldestAgeMs);
    expect(Object.fromEntries(items.map((item) => [item.submissionId, item.reasons]))).toEqual({
      [ids.clean]: [],
      [ids.doubt]: ['low_confidence', 'rule_doubt'],
      [ids.dupe]: ['duplicate_photo'],
      [ids.fast]: ['velocity'],
      [ids.chat]: [],
    });
  });

  test('when filtered by reason, campaign or kind, then only matching items (and their count) come', async () => {
    const byReason = async (reason: string) =>
      (await alice(request(app).get('/api/console/review/queue').query({ reason }))).body as {
        count: number;
        items: { submissionId: string }[];
      };
    expect((await byReason('rule_doubt')).items.map((item) => item.submissionId)).toEqual([ids.doubt]);
    expect((await byReason('duplicate_photo')).items.map((item) => item.submissionId)).toEqual([ids.dupe]);
    expect((await byReason('velocity')).count).toBe(1);
    expect((await byReason('low_confidence')).count).toBe(1);

    const otherCampaign = await alice(
      request(app).get('/api/console/review/queue').query({ campaignId: 'cmp_none' }),
    );
    expect(otherCampaign.body.count).toBe(0);
    const paperOnly = await alice(
      request(app).get('/api/console/review/queue').query({ kind: 'paper-invoice' }),
    );
    expect(paperOnly.body.count).toBe(0);
  });

  test('when a filter is not one of the names, then 400 naming the field', async () => {
    const response = await alice(
      request(app).get('/api/console/review/queue').query({ reason: 'gut_feeling' }),
    );

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.error)).toContain('reason');
  });
});

describe('one item', () => {
  test("when opened, then it has the rules one by one, the member's recent proofs and the duplicate side by side", async () => {
    const response = await alice(request(app).get(`/api/console/review/items/${ids.dupe}`));

    expect(response.status).toBe(200);
    expect(response.body.lease).toMatchObject({ reviewerId: 'usr_alice', mine: true });
    expect(response.body.rules.qualifies).toBe(true);
    expect(response.body.rules.verdicts.map((v: { rule: string }) => v.rule)).toContain('min_amount');
    expect(response.body.duplicates).toEqual([
      expect.objectContaining({
        match: 'image',
        distance: 1,
        submission: { id: ids.clean, state: 'in_review' },
      }),
    ]);
    expect(response.body.member).toMatchObject({ id: 'mbr_sam', displayName: 'Sam' });
    await alice(request(app).delete(`/api/console/review/items/${ids.dupe}/lease`).send({}));

    const mei = await alice(request(app).get(`/api/console/review/items/${ids.clean}`));
    expect(mei.body.recentProofs.map((proof: { id: string }) => proof.id)).toEqual(
      expect.arrayContaining([ids.doubt, ids.fast, ids.chat]),
    );
    await alice(request(app).delete(`/api/console/review/items/${ids.clean}/lease`).send({}));
  });
});

describe('leases', () => {
  test('when Alice opens an item, then Bob cannot open it, does not see it in his queue, and cannot decide it', async () => {
    const opened = await alice(request(app).get(`/api/console/review/items/${ids.clean}`));
    expect(opened.status).toBe(200);

    const bobOpens = await bob(request(app).get(`/api/console/review/items/${ids.clean}`));
    expect(bobOpens.status).toBe(409);
    expect(bobOpens.body.error.code).toBe('review.leased');
    const bobQueue = await bob(request(app).get('/api/console/review/queue'));
    expect(bobQueue.body.items.map((item: { submissionId: string }) => item.submissionId)).not.toContain(
      ids.clean,
    );
    expect(bobQueue.body.leasedByOthers).toBe(1);
    const bobRejects = await bob(
      request(app).post(`/api/console/review/items/${ids.clean}/reject`).send({ reasonCode: 'other' }),
    );
    expect(bobRejects.status).toBe(409);
    const [row] = await services.database.db.select().from(submissions).where(eq(submissions.id, ids.clean));
    expect(row?.state).toBe('in_review');
  });

  test('when Alice leaves the item, then Bob gets it at once', async () => {
    const released = await alice(
      request(app).delete(`/api/console/review/items/${ids.clean}/lease`).send({}),
    );
    expect(released.body).toEqual({ released: true });

    const bobOpens = await bob(request(app).get(`/api/console/review/items/${ids.clean}`));
    expect(bobOpens.status).toBe(200);
    expect(bobOpens.body.lease.reviewerId).toBe('usr_bob');
  });

  test('when Bob goes idle past the lease time, then it lapses and Alice may take it; renewing keeps it', async () => {
    services.clock.advanceBy(REVIEW_LEASE_MS - 1_000);
    expect(
      (await bob(request(app).post(`/api/console/review/items/${ids.clean}/lease`).send({}))).status,
    ).toBe(200);
    services.clock.advanceBy(REVIEW_LEASE_MS - 1_000);
    expect(
      (await alice(request(app).post(`/api/console/review/items/${ids.clean}/lease`).send({}))).status,
    ).toBe(409);

    services.clock.advanceBy(2_000);
    const aliceTakes = await alice(
      request(app).post(`/api/console/review/items/${ids.clean}/lease`).send({}),
    );
    expect(aliceTakes.status).toBe(200);
    expect(aliceTakes.body.lease.reviewerId).toBe('usr_alice');
    await alice(request(app).delete(`/api/console/review/items/${ids.clean}/lease`).send({}));
  });

  test('when two reviewers ask for the next item at the same moment, then each gets a different one', async () => {
    const [a, b] = await Promise.all([
      alice(request(app).post('/api/console/review/next').send({})),
      bob(request(app).post('/api/console/review/next').send({})),
    ]);

    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    const taken = [a.body.item.submissionId, b.body.item.submissionId];
    expect(new Set(taken).size).toBe(2);
    expect(taken).toEqual(expect.arrayContaining([ids.clean, ids.doubt]));
    await alice(request(app).delete(`/api/console/review/items/${a.body.item.submissionId}/lease`).send({}));
    await bob(request(app).delete(`/api/console/review/items/${b.body.item.submissionId}/lease`).send({}));
  });

  test("when many reviewers race for one item's lease, then exactly one holds it", async () => {
    const reviewers = ['usr_r1', 'usr_r2', 'usr_r3', 'usr_r4'];
    const answers = await Promise.all(
      reviewers.map((reviewer) =>
        as(reviewer)(request(app).post(`/api/console/review/items/${ids.fast}/lease`).send({})),
      ),
    );

    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 409, 409, 409]);
    const winner = reviewers[answers.findIndex((answer) => answer.status === 200)]!;
    await as(winner)(request(app).delete(`/api/console/review/items/${ids.fast}/lease`).send({}));
  });
});

describe('preview, approve with corrections', () => {
  test('when a corrected total is previewed, then the rules run on it and nothing is decided', async () => {
    await alice(request(app).get(`/api/console/review/items/${ids.doubt}`));
    const below = await alice(
      request(app).post(`/api/console/review/items/${ids.doubt}/preview`).send({ fields: {} }),
    );
    expect(below.body).toMatchObject({ canApprove: true, qualifies: false });
    expect(below.body.verdicts.find((v: { rule: string }) => v.rule === 'min_amount')).toMatchObject({
      passed: false,
    });

    const corrected = await alice(
      request(app)
        .post(`/api/console/review/items/${ids.doubt}/preview`)
        .send({ fields: { totalMinor: 12_000 } }),
    );

    expect(corrected.status).toBe(200);
    expect(corrected.body).toMatchObject({ canApprove: true, qualifies: true, rewards: { points: 12 } });
    const [row] = await services.database.db.select().from(submissions).where(eq(submissions.id, ids.doubt));
    expect(row?.state).toBe('in_review');
  });

  test('when approved with that total, then the proof is rewarded on it and the lease is gone', async () => {
    const response = await alice(
      request(app)
        .post(`/api/console/review/items/${ids.doubt}/approve`)
        .send({ fields: { totalMinor: 12_000 } }),
    );

    expect(response.status).toBe(200);
    expect(['accepted', 'rewarded']).toContain(response.body.submission.state);
    expect(response.body.decision.rewards.points).toBe(12);
    const queueAfter = await bob(request(app).get('/api/console/review/queue'));
    expect(queueAfter.body.items.map((item: { submissionId: string }) => item.submissionId)).not.toContain(
      ids.doubt,
    );
  });

  test('when a corrected date is malformed, then 400 names the field', async () => {
    const response = await alice(
      request(app)
        .post(`/api/console/review/items/${ids.fast}/preview`)
        .send({ fields: { date: '10/03/2026' } }),
    );

    expect(response.status).toBe(400);
    expect(JSON.stringify(response.body.error)).toContain('date');
  });
});

describe('rejecting with a reason', () => {
  test('when a chat proof is rejected as a duplicate, then the member is told that reason in their language (once)', async () => {
    const response = await alice(
      request(app).post(`/api/console/review/items/${ids.chat}/reject`).send({ reasonCode: 'duplicate' }),
    );
    expect(response.status).toBe(200);
    expect(response.body.submission).toMatchObject({ state: 'rejected', reasonCode: 'review.duplicate' });

    const deps = {
      db: services.database.db,
      clock: services.clock,
      generateId: services.generateId,
      render: renderAnswer,
    };
    expect(await notifyLaterDecisions(deps)).toEqual({ queued: 1 });
    expect(await notifyLaterDecisions(deps)).toEqual({ queued: 0 });

    const [pushed] = await services.database.db
      .select()
      .from(outboundMessages)
      .where(
        and(eq(outboundMessages.brandId, BRAND), eq(outboundMessages.dedupeKey, `decision:${ids.chat}`)),
      );
    const text = JSON.stringify(pushed?.messages);
    expect(text).toContain('這張收據已經登錄過了');
    expect(text).not.toContain('不符合活動規則');
  });

  test('when the reason is not one of the codes, then 400 and the item stays queued', async () => {
    const response = await alice(
      request(app).post(`/api/console/review/items/${ids.fast}/reject`).send({ reasonCode: 'meh' }),
    );

    expect(response.status).toBe(400);
    const [row] = await services.database.db.select().from(submissions).where(eq(submissions.id, ids.fast));
    expect(row?.state).toBe('in_review');
  });
});
