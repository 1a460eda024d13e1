import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { createMembersModule } from '../../bot/members/index.js';
import { BRAND_HEADER, REVIEWER_HEADER } from '../../bot/review/index.js';
import { createApp } from '../../bot/create-app.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { auditLog } from '../../core/db/schema.js';
import { seedDemoReview } from '../../core/demo/seed-demo-review.js';
import { seedDemo, seedDemoSurvey, type DemoSeed } from '../../core/demo/seed-demo.js';
import { createMessagingRewardsNotifier, createReward, redeemReward } from '../../core/rewards/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

let services: TestServices;
let app: Express;
let demo: DemoSeed;
const asOwner = (req: request.Test) => req.set(REVIEWER_HEADER, 'usr_owner').set(BRAND_HEADER, 'demo-tea');

type Found = { members: { id: string; displayName: string; matched: string }[] };
const search = async (q: string) =>
  (await asOwner(request(app).get('/api/console/members').query({ q }))).body as Found;

beforeAll(async () => {
  services = await buildTestServices({ now: '2026-03-10T02:00:00Z' });
  services.blobStore = buildMemoryBlobStore();
  demo = await seedDemo(services);
  await seedDemoSurvey(services, demo);
  await seedDemoReview(services, demo);
  app = createApp(services, [createMembersModule(services)]);
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('member search', () => {
  test.each([
    ['a name', '林美玲', '林小美', 'name'],
    ['a phone number as typed locally', '0912-345-678', '林小美', 'phone'],
    ['a LINE display name', 'jason', 'Jason Chen', 'name'],
    ['a member number', 'T-10003', 'สมชาย', 'memberNo'],
    ['an invoice number they registered', 'ab12345678', '林小美', 'invoice'],
  ])('when searched by %s, then the member is found', async (_what, q, displayName, matched) => {
    const found = await search(q);

    expect(found.members).toEqual([expect.objectContaining({ displayName, matched })]);
  });

  test('when nothing matches, then an empty list; without a query, the members active last', async () => {
    expect((await search('no such person')).members).toEqual([]);
    expect((await search('')).members.length).toBeGreaterThanOrEqual(4);
  });
});

describe("a member's page", () => {
  test('when opened, then profile, consents with history, points, proofs with photos and decisions come', async () => {
    const [jason] = (await search('Jason Chen')).members;
    const response = await asOwner(request(app).get(`/api/console/members/${jason!.id}`));

    expect(response.status).toBe(200);
    expect(response.body.member).toMatchObject({ name: 'Jason Chen', memberNo: 'T-10002', locale: 'en' });
    expect(response.body.consents.current.marketing.granted).toBe(false);
    expect(response.body.consents.history).toHaveLength(3);
    expect(response.body.proofs.map((proof: { state: string }) => proof.state).sort()).toEqual([
      'accepted',
      'awaiting_upload',
      'in_review',
    ]);
    const photo = response.body.proofs.find((proof: { imageUrl: string | null }) => proof.imageUrl);
    const image = await asOwner(request(app).get(photo.imageUrl));
    expect(image.status).toBe(200);
    expect(image.headers['content-type']).toBe('image/png');
  });

  test("when another member's photo is asked for through this member, then 404", async () => {
    const [mei] = (await search('林美玲')).members;
    const [jason] = (await search('Jason Chen')).members;
    const meiPage = await asOwner(request(app).get(`/api/console/members/${mei!.id}`));
    const meiPhoto = meiPage.body.proofs.find(
      (proof: { receiptImageId: string | null }) => proof.receiptImageId,
    );

    const response = await asOwner(
      request(app).get(`/api/console/members/${jason!.id}/images/${meiPhoto.receiptImageId}`),
    );

    expect(response.status).toBe(404);
    expect(meiPage.body.points.balance).toBe(19);
  });

  test('when the member answered a survey and redeemed a reward, then both are on their page', async () => {
    const [mei] = (await search('林美玲')).members;
    const reward = await createReward({
      db: services.database.db,
      generateId: services.generateId,
      reward: { brandId: demo.brand.id, kind: 'item', name: { en: 'Tote bag' }, pointsPrice: 5, stock: 3 },
    });
    await redeemReward({
      db: services.database.db,
      generateId: services.generateId,
      clock: services.clock,
      notifier: createMessagingRewardsNotifier({ generateId: services.generateId, clock: services.clock }),
      brandId: demo.brand.id,
      memberId: mei!.id,
      rewardId: reward.id,
      idempotencyKey: 'members-page-redeem',
    });

    const page = (await asOwner(request(app).get(`/api/console/members/${mei!.id}`))).body;

    expect(page.surveyAnswers).toEqual([
      expect.objectContaining({
        surveyTitle: expect.objectContaining({ en: 'A short survey' }),
        answers: { where: 'cvs', score: 5 },
        questions: expect.arrayContaining([expect.objectContaining({ key: 'where' })]),
      }),
    ]);
    expect(page.redemptions).toEqual([
      expect.objectContaining({ rewardName: { en: 'Tote bag' }, points: 5, state: 'reserved' }),
    ]);
    expect(page.points.balance).toBe(14);
    expect(page.points.ledger[0]).toMatchObject({ kind: 'redeem', points: -5 });
    expect(page.proofs[0].campaignName).toEqual(demo.campaign.name);
    expect(page.prizes).toEqual([]);
  });

  test('when a member id does not exist, then 404 naming it', async () => {
    const response = await asOwner(request(app).get('/api/console/members/mbr_nobody'));

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('member.not_found');
  });
});

describe('export and erasure', () => {
  test('when exported, then the document has the records and the export is audited with who asked', async () => {
    const [somchai] = (await search('สมชาย')).members;
    const response = await asOwner(request(app).get(`/api/console/members/${somchai!.id}/export`));

    expect(response.status).toBe(200);
    expect(response.body.member.name).toBe('สมชาย ใจดี');
    expect(response.body.records.submissions.length).toBeGreaterThan(0);
    const audits = await services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, somchai!.id), eq(auditLog.action, 'console.member_exported')));
    expect(audits).toEqual([expect.objectContaining({ actorType: 'console_user', actorId: 'usr_owner' })]);
  });

  test('when erasure is not confirmed, then 400 and nothing changes; confirmed, then erased once and audited', async () => {
    const [david] = (await search('陳大文')).members;
    const unconfirmed = await asOwner(request(app).post(`/api/console/members/${david!.id}/erase`).send({}));
    expect(unconfirmed.status).toBe(400);
    expect((await search('陳大文')).members).toHaveLength(1);

    const erased = await asOwner(
      request(app).post(`/api/console/members/${david!.id}/erase`).send({ confirm: true }),
    );
    const again = await asOwner(
      request(app).post(`/api/console/members/${david!.id}/erase`).send({ confirm: true }),
    );

    expect(erased.status).toBe(200);
    expect(again.status).toBe(410);
    expect((await search('陳大文')).members).toEqual([]);
    const page = await asOwner(request(app).get(`/api/console/members/${david!.id}`));
    expect(page.body.member).toMatchObject({ name: null, phone: null });
    const audits = await services.database.db.select().from(auditLog).where(eq(auditLog.targetId, david!.id));
    expect(
      audits
        .map((entry) => entry.action)
        .filter((action) => action.includes('erased'))
        .sort(),
    ).toEqual(['console.member_erased', 'member.erased']);
  });
});
