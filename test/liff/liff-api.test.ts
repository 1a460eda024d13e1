import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { getTableConfig, PgTable } from 'drizzle-orm/pg-core';
import { eq, sql } from 'drizzle-orm';
import request from 'supertest';
import type { Express } from 'express';
import { createApp } from '../../bot/create-app.js';
import {
  createLineSimulatorIdTokenMinter,
  createLiffModule,
  type DevIdTokenMinter,
  resolveLiffMember,
} from '../../bot/liff/index.js';
import { buildRewardsMemberRouter } from '../../bot/rewards/index.js';
import {
  createCachedIdTokenVerifier,
  createHttpIdTokenVerifier,
  type IdTokenVerifier,
} from '../../core/members/members.id-token.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { queryRows } from '../../core/db/database.js';
import { deleteQueuedReceiptBlobs } from '../../core/receipts/index.js';
import * as schema from '../../core/db/schema.js';
import { describeReason, getTranslator } from '../../core/i18n/index.js';
import { addCouponCodes, createReward, getPointsBalance } from '../../core/rewards/index.js';
import { createHttpMembershipDirectory } from '../../core/membership-link/index.js';
import { startMembershipSimulator, type RunningMembershipSimulator } from '../../sim/membership/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import {
  BRAND_A,
  BRAND_B,
  CAMPAIGN_A,
  liffSeed,
  NOW,
  REGISTRATION,
  USER_1,
  USER_2,
} from './support/liff-fixtures.js';

describe('LIFF API', () => {
  let services: TestServices;
  let line: LineSimulator;
  let mint: DevIdTokenMinter;
  let verifyCalls = 0;
  let membership: RunningMembershipSimulator;
  let app: Express;

  beforeAll(async () => {
    services = await buildTestServices({ seed: liffSeed(), now: NOW });
    line = await startLineSimulator({ now: () => services.clock.now().getTime() });
    mint = createLineSimulatorIdTokenMinter({ simulatorUrl: line.url });
    membership = await startMembershipSimulator({ apiKey: 'k3y' });
    // The real adapter against the LINE simulator's verify endpoint, counted to see the cache work.
    const http = createHttpIdTokenVerifier({ apiBaseUrl: line.url });
    const counting: IdTokenVerifier = {
      verify: (input) => {
        verifyCalls += 1;
        return http.verify(input);
      },
    };
    app = createApp(services, [
      createLiffModule(services, {
        verifier: createCachedIdTokenVerifier({ verifier: counting, clock: services.clock }),
        membershipDirectory: createHttpMembershipDirectory({ baseUrl: membership.url, apiKey: 'k3y' }),
        memberRouters: [{ path: '/rewards', router: buildRewardsMemberRouter(services, resolveLiffMember) }],
      }),
    ]);
  });
  afterAll(async () => {
    await line.close();
    await membership.close();
    await services.database.close();
  });

  const tokenFor = (userId: string, brand = BRAND_A, ttlSeconds?: number) =>
    mint({ clientId: brand.loginChannelId, userId, name: 'LINE 名字', ttlSeconds });
  const as = async (userId: string, brand = BRAND_A) => ({
    authorization: `Bearer ${await tokenFor(userId, brand)}`,
    'x-liff-id': brand.liffId,
  });

  async function memberIdOf(userId: string, brandId = BRAND_A.id) {
    const [row] = await services.database.db
      .select()
      .from(schema.members)
      .where(sql`${schema.members.brandId} = ${brandId} and ${schema.members.lineUserId} = ${userId}`);
    return row!.id;
  }

  describe('authentication', () => {
    test('when no token is sent, then 401', async () => {
      const response = await request(app).get('/api/liff/me').set('x-liff-id', BRAND_A.liffId);
      expect(response.status).toBe(401);
      expect(response.body.error.code).toBe('liff.id_token_invalid');
    });

    test('when the token is forged (signature changed), then 401', async () => {
      const [header, payload] = (await tokenFor(USER_1)).split('.');
      const forgedPayload = Buffer.from(
        JSON.stringify({ ...JSON.parse(Buffer.from(payload!, 'base64url').toString()), sub: USER_2 }),
      ).toString('base64url');
      const response = await request(app)
        .get('/api/liff/me')
        .set({ authorization: `Bearer ${header}.${forgedPayload}.AAAA`, 'x-liff-id': BRAND_A.liffId });
      expect(response.status).toBe(401);
    });

    test('when the token has expired, then 401', async () => {
      const response = await request(app)
        .get('/api/liff/me')
        .set({ authorization: `Bearer ${await tokenFor(USER_1, BRAND_A, -5)}`, 'x-liff-id': BRAND_A.liffId });
      expect(response.status).toBe(401);
    });

    test("when the token was issued for another brand's channel, then 401", async () => {
      const response = await request(app)
        .get('/api/liff/me')
        .set({ authorization: `Bearer ${await tokenFor(USER_1, BRAND_B)}`, 'x-liff-id': BRAND_A.liffId });
      expect(response.status).toBe(401);
    });

    test('when the LIFF app is unknown, then 401', async () => {
      const response = await request(app)
        .get('/api/liff/me')
        .set({ authorization: `Bearer ${await tokenFor(USER_1)}`, 'x-liff-id': '9999999999-ZZZZ' });
      expect(response.status).toBe(401);
    });

    test('when a valid token is sent, then the member is the token subject, whatever user id the client claims', async () => {
      const response = await request(app)
        .get('/api/liff/me?userId=' + USER_2)
        .set({ ...(await as(USER_1)), 'x-line-user-id': USER_2 });
      expect(response.status).toBe(200);
      expect(response.body.member.id).toBe(await memberIdOf(USER_1));
      expect(response.body.member.registered).toBe(false);
    });

    test('when the same token is used twice, then LINE is asked once (cached until expiry)', async () => {
      const headers = await as(USER_2);
      const before = verifyCalls;
      await request(app).get('/api/liff/me').set(headers).expect(200);
      await request(app).get('/api/liff/submissions').set(headers).expect(200);
      expect(verifyCalls - before).toBe(1);
    });

    test('when a cached token expires, then it is refused', async () => {
      const headers = {
        authorization: `Bearer ${await tokenFor(USER_2, BRAND_A, 60)}`,
        'x-liff-id': BRAND_A.liffId,
      };
      await request(app).get('/api/liff/me').set(headers).expect(200);
      services.clock.advanceBy(61_000);
      await request(app).get('/api/liff/me').set(headers).expect(401);
      services.clock.set(NOW);
    });
  });

  describe('POST /api/liff/register', () => {
    const THAI_USER = 'U' + '3'.repeat(32);

    test('when the profile and consents are valid, then the member is registered and each consent is recorded with its text version and time', async () => {
      const response = await request(app)
        .post('/api/liff/register')
        .set(await as(USER_1))
        .send(REGISTRATION);

      expect(response.status).toBe(201);
      const memberId = await memberIdOf(USER_1);
      const [member] = await services.database.db
        .select()
        .from(schema.members)
        .where(eq(schema.members.id, memberId));
      expect(member).toMatchObject({
        name: '林美玲',
        phone: '+886912345678',
        email: 'meiling.lin@example.com',
        gender: 'female',
        birthday: '1990-05-17',
        region: 'TW-TPE',
      });
      expect(member!.registeredAt?.toISOString()).toBe(NOW);
      const consents = await services.database.db
        .select()
        .from(schema.consents)
        .where(eq(schema.consents.memberId, memberId));
      expect(
        consents.map((c) => [c.kind, c.granted, c.textVersion, c.source, c.recordedAt.toISOString()]).sort(),
      ).toEqual([
        ['data_processing', true, 'dp-2026-01', 'liff', NOW],
        ['marketing', true, 'mkt-2026-01', 'liff', NOW],
      ]);
      const audit = await services.database.db
        .select()
        .from(schema.auditLog)
        .where(eq(schema.auditLog.targetId, memberId));
      expect(audit.map((a) => a.action)).toContain('member.registered');
      expect(JSON.stringify(audit)).not.toContain('林美玲');
    });

    test.each([
      ['081-234-5678', '+66812345678'],
      ['061 234 5678', '+66612345678'],
      ['0912345678', '+66912345678'],
      ['+66 81 234 5678', '+66812345678'],
    ])(
      'when a member of a Thai brand registers with %s and a Thai province, then the phone is kept as %s',
      async (phone, stored) => {
        const response = await request(app)
          .post('/api/liff/register')
          .set(await as(THAI_USER, BRAND_B))
          .send({ ...REGISTRATION, name: 'สมศรี ใจดี', email: 'somsri@example.com', phone, region: 'TH-50' });
        expect(response.status).toBeLessThan(300);
        const [member] = await services.database.db
          .select()
          .from(schema.members)
          .where(eq(schema.members.id, await memberIdOf(THAI_USER, BRAND_B.id)));
        expect(member).toMatchObject({ phone: stored, region: 'TH-50' });
        const me = await request(app)
          .get('/api/liff/me')
          .set(await as(THAI_USER, BRAND_B));
        expect(me.body.member.profile.regionNames).toEqual({
          'zh-TW': '清邁',
          th: 'เชียงใหม่',
          en: 'Chiang Mai',
        });
      },
    );

    test.each([
      [BRAND_A, { phone: '0812-34' }, ['phone']],
      [BRAND_A, { phone: '12345678' }, ['phone']],
      [BRAND_A, { region: 'Taipei' }, ['region']],
      [BRAND_A, { region: 'TH-10' }, ['region']],
      [BRAND_B, { region: 'TW-TPE' }, ['region']],
      [BRAND_B, { phone: '02-123', region: 'TH-10' }, ['phone']],
    ])(
      "when the phone or region is not one of the brand's country (%#), then 400 naming the field",
      async (brand, change, paths) => {
        const response = await request(app)
          .post('/api/liff/register')
          .set(await as(brand === BRAND_B ? THAI_USER : USER_2, brand))
          .send({ ...REGISTRATION, ...change });
        expect(response.status).toBe(400);
        expect(response.body.error.details.issues.map((issue: { path: string }) => issue.path)).toEqual(
          paths,
        );
      },
    );

    test('when marketing is refused at sign-up, then it reads as never given, not as withdrawn', async () => {
      const user = 'U' + '4'.repeat(32);
      await request(app)
        .post('/api/liff/register')
        .set(await as(user, BRAND_B))
        .send({
          ...REGISTRATION,
          name: 'Refuser',
          email: 'refuser@example.com',
          phone: '0899999999',
          region: 'TH-10',
          consents: { ...REGISTRATION.consents, marketing: { granted: false, textVersion: 'mkt-2026-01' } },
        })
        .expect(201);
      const me = await request(app)
        .get('/api/liff/me')
        .set(await as(user, BRAND_B));
      expect(me.body.member.consents.marketing).toMatchObject({ granted: false, everGranted: false });
      expect(me.body.member.consents.data_processing).toMatchObject({ granted: true, everGranted: true });
    });

    test("when the form asks for its options, then it gets the brand country's regions in three languages and a local phone example", async () => {
      const tw = await request(app)
        .get('/api/liff/registration-options')
        .set(await as(USER_2));
      expect(tw.status).toBe(200);
      expect(tw.body.phoneExample).toBe('0912-345-678');
      expect(tw.body.regions).toHaveLength(22);
      expect(tw.body.regions[0]).toEqual({
        code: 'TW-TPE',
        names: expect.objectContaining({
          en: expect.any(String),
          'zh-TW': expect.any(String),
          th: expect.any(String),
        }),
      });
      const th = await request(app)
        .get('/api/liff/registration-options')
        .set(await as(THAI_USER, BRAND_B));
      expect(th.body.phoneExample).toBe('081-234-5678');
      expect(th.body.regions).toHaveLength(77);
      expect(th.body.regions[0].names.en).toBe('Bangkok');
    });

    test('when data processing consent is not given, then 400 and nothing is stored', async () => {
      const response = await request(app)
        .post('/api/liff/register')
        .set(await as(USER_2))
        .send({
          ...REGISTRATION,
          consents: {
            ...REGISTRATION.consents,
            dataProcessing: { granted: false, textVersion: 'dp-2026-01' },
          },
        });
      expect(response.status).toBe(400);
      expect(response.body.error.code).toBe('consent.data_processing_required');
    });

    test('when the consent text version shown is outdated, then 409', async () => {
      const response = await request(app)
        .post('/api/liff/register')
        .set(await as(USER_2))
        .send({
          ...REGISTRATION,
          consents: { ...REGISTRATION.consents, marketing: { granted: true, textVersion: 'mkt-2025-01' } },
        });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('consent.text_outdated');
    });

    test('when the phone or e-mail is invalid, then 400 naming the field', async () => {
      const phone = await request(app)
        .post('/api/liff/register')
        .set(await as(USER_2))
        .send({ ...REGISTRATION, phone: '12345' });
      expect(phone.status).toBe(400);
      expect(JSON.stringify(phone.body.error.details)).toContain('phone');
      const email = await request(app)
        .post('/api/liff/register')
        .set(await as(USER_2))
        .send({ ...REGISTRATION, email: 'nope' });
      expect(email.status).toBe(400);
      const [member] = await services.database.db
        .select()
        .from(schema.members)
        .where(eq(schema.members.lineUserId, USER_2));
      expect(member?.registeredAt ?? null).toBeNull();
    });

    test('when marketing consent is withdrawn later, then a new consent row records it and the earlier one stays', async () => {
      const response = await request(app)
        .put('/api/liff/consents')
        .set(await as(USER_1))
        .send({ kind: 'marketing', granted: false, textVersion: 'mkt-2026-01' });
      expect(response.status).toBe(200);
      expect(response.body.consents.marketing).toMatchObject({ granted: false, everGranted: true });
      const rows = await services.database.db
        .select()
        .from(schema.consents)
        .where(
          sql`${schema.consents.memberId} = ${await memberIdOf(USER_1)} and ${schema.consents.kind} = 'marketing'`,
        );
      expect(rows.map((r) => r.granted).sort()).toEqual([false, true]);
    });
  });

  describe('POST /api/liff/membership/link', () => {
    test('when the member number and phone match the brand system, then the membership is linked', async () => {
      const response = await request(app)
        .post('/api/liff/membership/link')
        .set(await as(USER_1))
        .send({ memberNo: 'M0001234', phone: '0912 345 678' });
      expect(response.status).toBe(200);
      expect(response.body.membership).toEqual({ memberNo: 'M0001234', tier: 'gold' });
      const me = await request(app)
        .get('/api/liff/me')
        .set(await as(USER_1));
      expect(me.body.member.membership.memberNo).toBe('M0001234');
    });

    test('when the phone does not match, then 404 and nothing is linked', async () => {
      await request(app)
        .post('/api/liff/register')
        .set(await as(USER_2))
        .send({ ...REGISTRATION, name: '陳大文', phone: '0922333444', email: 'b@example.com' })
        .expect(201);
      const response = await request(app)
        .post('/api/liff/membership/link')
        .set(await as(USER_2))
        .send({ memberNo: 'M0001234', phone: '0922333444' });
      expect(response.status).toBe(404);
      expect(response.body.error.code).toBe('membership.not_found');
    });

    test('when the membership is already linked to another LINE account, then 409', async () => {
      membership.add({ brandSlug: 'demo-tea', memberNo: 'M0001234', phone: '+886922333444' });
      const response = await request(app)
        .post('/api/liff/membership/link')
        .set(await as(USER_2))
        .send({ memberNo: 'M0001234', phone: '0922333444' });
      expect(response.status).toBe(409);
    });
  });

  describe('surveys and member isolation', () => {
    const SURVEY = 'srv_a';
    beforeAll(async () => {
      const db = services.database.db;
      const m1 = await memberIdOf(USER_1);
      const m2 = await memberIdOf(USER_2);
      await db.insert(schema.submissions).values([
        {
          id: 'sub_1',
          brandId: BRAND_A.id,
          campaignId: CAMPAIGN_A,
          memberId: m1,
          kind: 'einvoice_text',
          channel: 'liff',
          rawInput: { text: 'AB12345678' },
          state: 'accepted',
        },
        {
          id: 'sub_2',
          brandId: BRAND_A.id,
          campaignId: CAMPAIGN_A,
          memberId: m2,
          kind: 'einvoice_text',
          channel: 'chat',
          rawInput: { text: 'CD12345678' },
          state: 'rejected',
          reasonCode: 'rules.min_amount.below_minimum',
        },
        {
          id: 'sub_3',
          brandId: BRAND_A.id,
          campaignId: CAMPAIGN_A,
          memberId: m2,
          kind: 'einvoice_text',
          channel: 'chat',
          rawInput: { text: 'EF12345678' },
          state: 'accepted',
        },
      ]);
      await db.insert(schema.surveys).values({
        id: SURVEY,
        brandId: BRAND_A.id,
        campaignId: CAMPAIGN_A,
        title: { en: 'Tell us' },
        frequency: 'per_proof',
        questions: [
          {
            key: 'where',
            type: 'single',
            required: true,
            label: { en: 'Where?' },
            options: [
              { key: 'store', label: { en: 'Store' } },
              { key: 'online', label: { en: 'Online' } },
            ],
          },
          {
            key: 'why',
            type: 'multiple',
            required: false,
            label: { en: 'Why?' },
            options: [
              { key: 'price', label: { en: 'Price' } },
              { key: 'taste', label: { en: 'Taste' } },
            ],
          },
          { key: 'score', type: 'scale', required: true, label: { en: 'Score' }, scale: { min: 1, max: 5 } },
          { key: 'note', type: 'text', required: false, label: { en: 'Note' } },
        ],
      });
    });

    test("when member A lists submissions, then only A's appear, with the state and reason in A's language", async () => {
      const a = await request(app)
        .get('/api/liff/submissions')
        .set(await as(USER_1));
      expect(a.body.submissions.map((s: { id: string }) => s.id)).toEqual(['sub_1']);
      const b = await request(app)
        .get('/api/liff/submissions')
        .set(await as(USER_2));
      const rejected = b.body.submissions.find((s: { id: string }) => s.id === 'sub_2');
      expect(rejected.reason).toBe(describeReason('zh-TW', 'rules.min_amount.below_minimum'));
      expect(rejected.reason).not.toBe(describeReason('en', 'rules.min_amount.below_minimum'));
      expect(rejected.stateLabel).toBe(getTranslator('zh-TW')('states.rejected'));
    });

    test('when a proof was sent twice, then the history shows it once, in words: kind, invoice, store, date, amount', async () => {
      const db = services.database.db;
      const m2 = await memberIdOf(USER_2);
      await db.insert(schema.invoices).values({
        id: 'inv_hist',
        brandId: BRAND_A.id,
        kind: 'einvoice',
        invoiceNumber: 'GH12345678',
        invoiceDate: '2026-02-20',
        sellerName: '好茶專賣店',
        currency: 'TWD',
        totalAmountMinor: 18_000,
        source: 'text',
      });
      const resent = {
        brandId: BRAND_A.id,
        campaignId: CAMPAIGN_A,
        memberId: m2,
        kind: 'einvoice_text' as const,
        channel: 'chat' as const,
        rawInput: { text: 'GH12345678' },
        state: 'rejected' as const,
        reasonCode: 'rules.min_amount.below_minimum',
        proofKey: 'GH12345678:2026-02-20',
        invoiceId: 'inv_hist',
      };
      await db.insert(schema.submissions).values([
        { ...resent, id: 'sub_hist_1', createdAt: new Date('2026-02-28T01:00:00Z') },
        { ...resent, id: 'sub_hist_2', createdAt: new Date('2026-02-28T02:00:00Z') },
      ]);
      const listed = await request(app)
        .get('/api/liff/submissions')
        .set(await as(USER_2));
      const lines = listed.body.submissions.filter(
        (s: { invoiceNumber: string | null }) => s.invoiceNumber === 'GH12345678',
      );
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({
        id: 'sub_hist_2',
        kindLabel: getTranslator('zh-TW')('proofKinds.einvoice_text'),
        store: '好茶專賣店',
        purchasedOn: '2026-02-20',
        amountMinor: 18_000,
        currency: 'TWD',
      });
      expect(lines[0].kindLabel).not.toBe('einvoice_text');
    });

    test('when an accepted proof has an unanswered survey, then it is due, and answering stores answers linked to member and proof', async () => {
      const due = await request(app)
        .get('/api/liff/surveys/due')
        .set(await as(USER_1));
      expect(due.body.survey).toMatchObject({ id: SURVEY, submissionId: 'sub_1' });
      const answered = await request(app)
        .post(`/api/liff/surveys/${SURVEY}/answers`)
        .set(await as(USER_1))
        .send({
          submissionId: 'sub_1',
          answers: { where: 'store', why: ['price', 'taste'], score: 4, note: '林美玲 likes it' },
        });
      expect(answered.status).toBe(201);
      const [row] = await services.database.db
        .select()
        .from(schema.surveyAnswers)
        .where(eq(schema.surveyAnswers.id, answered.body.answerId));
      expect(row).toMatchObject({
        memberId: await memberIdOf(USER_1),
        submissionId: 'sub_1',
        answerScope: 'sub_1',
      });
      const after = await request(app)
        .get('/api/liff/surveys/due')
        .set(await as(USER_1));
      expect(after.body.survey).toBeNull();
    });

    test('when the same proof is answered again, then 409', async () => {
      const again = await request(app)
        .post(`/api/liff/surveys/${SURVEY}/answers`)
        .set(await as(USER_1))
        .send({ submissionId: 'sub_1', answers: { where: 'online', score: 2 } });
      expect(again.status).toBe(409);
    });

    test("when member A answers for member B's proof, then 409 (not theirs) and nothing is stored", async () => {
      const response = await request(app)
        .post(`/api/liff/surveys/${SURVEY}/answers`)
        .set(await as(USER_1))
        .send({ submissionId: 'sub_3', answers: { where: 'store', score: 3 } });
      expect(response.status).toBe(409);
      expect(response.body.error.code).toBe('survey.not_due');
    });

    test('when required answers are missing or out of range, then 400 with one issue per question', async () => {
      const response = await request(app)
        .post(`/api/liff/surveys/${SURVEY}/answers`)
        .set(await as(USER_2))
        .send({ submissionId: 'sub_3', answers: { why: ['gold'], score: 9 } });
      expect(response.status).toBe(400);
      expect(response.body.error.details.issues).toEqual([
        { question: 'where', code: 'required' },
        { question: 'why', code: 'not_an_option' },
        { question: 'score', code: 'out_of_range' },
      ]);
    });
  });

  describe('rewards through the LIFF auth', () => {
    test("when member A redeems, then A's points pay and only A sees the coupon; B's balance and list are untouched", async () => {
      const db = services.database.db;
      const m1 = await memberIdOf(USER_1);
      const m2 = await memberIdOf(USER_2);
      await db.insert(schema.pointsLedger).values([
        {
          id: 'pts_a',
          brandId: BRAND_A.id,
          memberId: m1,
          kind: 'adjust',
          points: 30,
          idempotencyKey: 'seed:a',
        },
        {
          id: 'pts_b',
          brandId: BRAND_A.id,
          memberId: m2,
          kind: 'adjust',
          points: 30,
          idempotencyKey: 'seed:b',
        },
      ]);
      const reward = await createReward({
        db,
        generateId: services.generateId,
        reward: { brandId: BRAND_A.id, kind: 'coupon', name: { en: 'Coupon' }, pointsPrice: 10 },
      });
      await addCouponCodes({
        db,
        generateId: services.generateId,
        brandId: BRAND_A.id,
        rewardId: reward.id,
        codes: ['CODE-AAAA-0001'],
      });

      // The body names member B; the server acts for the token's member only.
      const redeemed = await request(app)
        .post('/api/liff/rewards/redemptions')
        .set({ ...(await as(USER_1)), 'idempotency-key': 'redeem-key-0001' })
        .send({ rewardId: reward.id, memberId: m2, brandId: BRAND_B.id });
      expect(redeemed.status).toBe(201);
      expect(redeemed.body.redemption.couponCode).toBe('CODE-AAAA-0001');

      expect(await getPointsBalance(db, { brandId: BRAND_A.id, memberId: m1 })).toBe(20);
      expect(await getPointsBalance(db, { brandId: BRAND_A.id, memberId: m2 })).toBe(30);
      const mine = await request(app)
        .get('/api/liff/rewards/redemptions')
        .set(await as(USER_1));
      const theirs = await request(app)
        .get('/api/liff/rewards/redemptions')
        .set(await as(USER_2));
      expect(mine.body.redemptions).toHaveLength(1);
      expect(theirs.body.redemptions).toHaveLength(0);
      const unauthenticated = await request(app)
        .get('/api/liff/rewards/redemptions')
        .set('x-liff-id', BRAND_A.liffId);
      expect(unauthenticated.status).toBe(401);
    });
  });

  describe('my data: export and erasure', () => {
    test('when the member exports, then the JSON holds the profile, the consent history and their records, and the export is audited', async () => {
      const response = await request(app)
        .get('/api/liff/me/export')
        .set(await as(USER_1));
      expect(response.status).toBe(200);
      expect(response.headers['content-disposition']).toContain('attachment');
      const document = JSON.parse(response.text);
      expect(document.member).toMatchObject({
        name: '林美玲',
        phone: '+886912345678',
        externalMemberNo: 'M0001234',
      });
      expect(document.consents).toHaveLength(3);
      expect(document.records.submissions.map((s: { id: string }) => s.id)).toEqual(['sub_1']);
      expect(document.records.surveyAnswers).toHaveLength(1);
      const audit = await services.database.db
        .select()
        .from(schema.auditLog)
        .where(sql`${schema.auditLog.action} = 'member.data_exported'`);
      expect(audit).toHaveLength(1);
    });

    test('when the member erases their data, then no table holds their name, phone, e-mail or LINE id, consents are revoked and the ledger still adds up', async () => {
      const db = services.database.db;
      const memberId = await memberIdOf(USER_1);
      // Personal data that other capabilities may have stored: a webhook payload, a proof's raw text, ledger rows.
      await db.insert(schema.webhookEvents).values({
        id: 'evt_1',
        brandId: BRAND_A.id,
        channelId: 'chn_a',
        webhookEventId: 'W1',
        eventType: 'message',
        lineUserId: USER_1,
        payload: {
          source: { userId: USER_1 },
          message: { text: 'my phone is +886912345678, meiling.lin@example.com' },
        },
        occurredAt: new Date(NOW),
      });
      await db.insert(schema.pointsLedger).values([
        {
          id: 'pts_1',
          brandId: BRAND_A.id,
          memberId,
          campaignId: CAMPAIGN_A,
          kind: 'earn',
          points: 120,
          submissionId: 'sub_1',
          idempotencyKey: 'earn:sub_1',
        },
        {
          id: 'pts_2',
          brandId: BRAND_A.id,
          memberId,
          kind: 'redeem',
          points: -50,
          idempotencyKey: 'redeem:1',
        },
      ]);
      // A receipt photo they sent: the bytes in the blob store, a location, card digits in the OCR text.
      const blobStore = buildMemoryBlobStore();
      const photoKey = `${BRAND_A.id}/ab/${'ab'.padEnd(64, '0')}.jpg`;
      await blobStore.put(photoKey, Buffer.from('receipt photo bytes'), { contentType: 'image/jpeg' });
      await db.insert(schema.receiptImages).values({
        id: 'img_1',
        brandId: BRAND_A.id,
        memberId,
        sha256: 'ab'.padEnd(64, '0'),
        mimeType: 'image/jpeg',
        width: 800,
        height: 1200,
        byteSize: 19,
        storageKey: photoKey,
        source: 'liff',
        latitude: 25.033012,
        longitude: 121.565421,
        reading: {
          kind: 'receipt',
          fields: { storeName: 'Tea Shop', totalMinor: 12000 },
          currency: 'TWD',
          confidence: { overall: 0.9 },
          qr: { codes: ['BUYER 林美玲'] },
          ocr: { engine: 'fake', confidence: 0.9, lines: ['Tea Shop', 'VISA **** 4242'] },
        },
      });
      const balanceBefore = await getPointsBalance(db, { brandId: BRAND_A.id, memberId });

      const response = await request(app)
        .post('/api/liff/me/erase')
        .set(await as(USER_1))
        .send({ confirm: true });
      expect(response.status).toBe(200);
      // The photo's bytes go after the commit, by the deletion worker.
      expect(await deleteQueuedReceiptBlobs({ db, blobStore, clock: services.clock })).toMatchObject({
        deleted: 1,
      });
      expect(blobStore.keys()).toEqual([]);
      const [photo] = await db
        .select()
        .from(schema.receiptImages)
        .where(eq(schema.receiptImages.id, 'img_1'));
      expect(photo).toMatchObject({ storageKey: null, latitude: null, longitude: null });
      expect(photo!.reading).toMatchObject({ fields: { storeName: 'Tea Shop', totalMinor: 12000 } });

      const personal = [
        '**** 4242',
        '25.033012',
        '121.565421',
        '林美玲',
        '+886912345678',
        '0912345678',
        '0912-345-678',
        'meiling.lin@example.com',
        USER_1,
        'M0001234',
      ];
      const leaks: string[] = [];
      for (const value of Object.values(schema)) {
        if (!(value instanceof PgTable)) continue;
        const { name } = getTableConfig(value);
        const rows = await queryRows<{ row: string }>(
          db,
          sql`select row_to_json(t)::text as row from ${sql.identifier(name)} t`,
        );
        for (const { row } of rows)
          for (const p of personal) if (row.includes(p)) leaks.push(`${name}: ${p}`);
      }
      expect(leaks).toEqual([]);

      const [member] = await db.select().from(schema.members).where(eq(schema.members.id, memberId));
      expect(member!.erasedAt?.toISOString()).toBe(NOW);
      const consents = await db.select().from(schema.consents).where(eq(schema.consents.memberId, memberId));
      const latest = new Map<string, boolean>();
      for (const c of consents.sort(
        (a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || a.id.localeCompare(b.id),
      ))
        latest.set(c.kind, c.granted);
      expect(Object.fromEntries(latest)).toEqual({ data_processing: false, marketing: false });
      expect(await getPointsBalance(db, { brandId: BRAND_A.id, memberId })).toBe(balanceBefore);
      const [answer] = await db
        .select()
        .from(schema.surveyAnswers)
        .where(eq(schema.surveyAnswers.memberId, memberId));
      expect(answer!.answers).toEqual({ where: 'store', why: ['price', 'taste'], score: 4 });
      const [submission] = await db
        .select()
        .from(schema.submissions)
        .where(eq(schema.submissions.id, 'sub_1'));
      expect(submission!.state).toBe('accepted');
      const audit = await db
        .select()
        .from(schema.auditLog)
        .where(sql`${schema.auditLog.action} = 'member.erased'`);
      expect(audit).toHaveLength(1);
      // Other members keep their data.
      const [other] = await db.select().from(schema.members).where(eq(schema.members.lineUserId, USER_2));
      expect(other!.phone).toBe('+886922333444');
    });

    test('when the erased LINE user opens the LIFF app again, then they start as a new, unregistered member', async () => {
      const response = await request(app)
        .get('/api/liff/me')
        .set(await as(USER_1));
      expect(response.status).toBe(200);
      expect(response.body.member.registered).toBe(false);
      expect(response.body.balance).toBe(0);
    });
  });
});
