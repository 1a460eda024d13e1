import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Request } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { createConsoleGuard } from '../../bot/console/index.js';
import {
  createPublicDrawsRouter,
  createRewardsConsoleRouter,
  createRewardsMemberRouter,
} from '../../bot/rewards/index.js';
import { verifyDrawExport } from '../../core/draws/index.js';
import { grantRewardsForSubmission } from '../../core/rewards/index.js';
import { createUnauthorizedError } from '../../core/shared/errors.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed, submissionId } from './fixtures.js';

/** A trivial resolver: the tests say who is calling; production plugs in LIFF ID-token auth. */
function resolveMember(req: Request) {
  const member = req.header('x-test-member');
  if (!member) throw createUnauthorizedError();
  return { brandId: BRAND_ID, memberId: member };
}

describe('rewards JSON API', () => {
  let services: TestServices;
  let app: ReturnType<typeof createApp>;
  const member = memberId(1);

  beforeAll(async () => {
    services = await buildTestServices({
      now: '2026-02-01T02:00:00Z',
      seed: rewardsSeed({ memberCount: 2, submissions: [[1, 1]] }),
    });
    const deps = {
      db: services.database.db,
      generateId: services.generateId,
      clock: services.clock,
      random: () => 0,
    };
    const json = (await import('express')).Router();
    json.use('/api/liff/rewards', createRewardsMemberRouter({ ...deps, resolveMember }));
    // Local mode's tooling headers act as the brand's owner (the session is tested in rewards.console.test.ts).
    const guard = createConsoleGuard({ deps, allowLocalHeaders: true });
    json.use(createRewardsConsoleRouter({ ...deps, guard }));
    json.use(createPublicDrawsRouter(deps));
    app = createApp(services, [{ json }]);
  });
  afterAll(async () => {
    await services.database.close();
  });

  const asMember = (agent: request.Test) => agent.set('x-test-member', member);
  const asAdmin = (agent: request.Test) =>
    agent.set('x-proofline-reviewer', 'usr_ops').set('x-proofline-brand', BRAND_ID);

  test('when the console stocks a coupon and credits points, then the member redeems it once per key', async () => {
    const created = await asAdmin(request(app).post('/api/console/rewards')).send({
      kind: 'coupon',
      name: { 'zh-TW': '飲料折價券' },
      pointsPrice: 30,
    });
    expect(created.status).toBe(201);
    const rewardId = created.body.reward.id as string;
    const upload = await asAdmin(request(app).post(`/api/console/rewards/${rewardId}/coupon-codes`)).send({
      list: 'TEA-0001\nTEA-0002\nTEA-0002\n\nbad code!\n',
    });
    expect(upload.body).toMatchObject({ added: 2, skipped: 0, invalid: ['bad code!'], couponCodesLeft: 2 });
    const credit = await asAdmin(request(app).post('/api/console/points/adjustments')).send({
      member,
      points: 50,
      reason: 'store opening gift',
    });
    expect(credit.status).toBe(201);

    const catalog = await asMember(request(app).get('/api/liff/rewards/catalog'));
    expect(catalog.body.rewards).toEqual([
      expect.objectContaining({ id: rewardId, stockLeft: 2, pointsPrice: 30 }),
    ]);

    const noKey = await asMember(request(app).post('/api/liff/rewards/redemptions')).send({ rewardId });
    expect(noKey.status).toBe(400);
    const first = await asMember(request(app).post('/api/liff/rewards/redemptions'))
      .set('Idempotency-Key', 'tap-000001')
      .send({ rewardId });
    const retry = await asMember(request(app).post('/api/liff/rewards/redemptions'))
      .set('Idempotency-Key', 'tap-000001')
      .send({ rewardId });
    const broke = await asMember(request(app).post('/api/liff/rewards/redemptions'))
      .set('Idempotency-Key', 'tap-000002')
      .send({ rewardId });

    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({
      balance: 20,
      replayed: false,
      redemption: { state: 'fulfilled', couponCode: 'TEA-0001' },
    });
    expect(retry.status).toBe(200);
    expect(retry.body.redemption.id).toBe(first.body.redemption.id);
    expect(broke.status).toBe(409);
    expect(broke.body.error.code).toBe('points.insufficient');

    const mine = await asMember(request(app).get('/api/liff/rewards/redemptions'));
    expect(mine.body.redemptions).toEqual([
      expect.objectContaining({
        id: first.body.redemption.id,
        couponCode: 'TEA-0001',
        rewardName: { 'zh-TW': '飲料折價券' },
      }),
    ]);
    const points = await asMember(request(app).get('/api/liff/rewards/points'));
    expect(points.body.balance).toBe(20);
    expect(
      points.body.history.map((row: { kind: string; points: number }) => [row.kind, row.points]),
    ).toEqual([
      ['redeem', -30],
      ['adjust', 50],
    ]);
    const other = await request(app).get('/api/liff/rewards/points').set('x-test-member', memberId(2));
    expect(other.body.balance).toBe(0);
    expect((await request(app).get('/api/liff/rewards/points')).status).toBe(401);
  });

  test('when a member plays and reveals their scratch card, then the server-decided outcome is shown', async () => {
    await asAdmin(request(app).post('/api/console/instant-prizes'))
      .send({ campaign: CAMPAIGN_ID, name: { en: 'Free tea' }, oddsPpm: 10_000, stock: 5 })
      .expect(201);
    const granted = await services.database.db.transaction((tx) =>
      grantRewardsForSubmission({
        tx,
        generateId: services.generateId,
        clock: services.clock,
        submission: { id: submissionId(1), brandId: BRAND_ID, campaignId: CAMPAIGN_ID, memberId: member },
        quantities: { points: 0, entries: 2, instantWin: 1 },
      }),
    );
    const listed = await asMember(request(app).get('/api/liff/rewards/instant-plays'));
    expect(listed.body.plays).toEqual([
      expect.objectContaining({ id: granted.instantPlayId, state: 'ready', prize: null }),
    ]);

    const early = await asMember(
      request(app).post(`/api/liff/rewards/instant-plays/${granted.instantPlayId}/reveal`),
    );
    expect(early.status).toBe(409);
    const played = await asMember(
      request(app).post(`/api/liff/rewards/instant-plays/${granted.instantPlayId}/play`),
    );
    const revealed = await asMember(
      request(app).post(`/api/liff/rewards/instant-plays/${granted.instantPlayId}/reveal`),
    );
    const stolen = await request(app)
      .post(`/api/liff/rewards/instant-plays/${granted.instantPlayId}/play`)
      .set('x-test-member', memberId(2));

    expect(played.body.play).toMatchObject({
      state: 'played',
      won: true,
      prize: { name: { en: 'Free tea' } },
    });
    expect(revealed.body.play.state).toBe('revealed');
    expect(stolen.status).toBe(404);
  });

  test('when a draw is opened, its seed hash is shown; after it runs, anyone can fetch an export that verifies', async () => {
    const created = await asAdmin(request(app).post('/api/console/draws')).send({
      campaign: CAMPAIGN_ID,
      name: { en: 'Week 5' },
      periodFrom: '2026-01-26T00:00:00Z',
      periodTo: '2026-02-02T00:00:00Z',
      prizes: [{ key: 'grand', name: { en: 'Bike' }, quantity: 1 }],
    });
    expect(created.status).toBe(201);
    const drawId = created.body.draw.id as string;
    const before = await asMember(request(app).get('/api/liff/rewards/draws'));
    expect(before.body.draws[0]).toMatchObject({ id: drawId, seed: null, myEntries: 2, status: 'open' });
    expect(before.body.draws[0].seedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(before.body)).not.toContain('pseudonymKey');
    expect((await request(app).get(`/api/public/draws/${drawId}/export`)).status).toBe(409);

    services.clock.set('2026-02-02T00:00:00Z');
    const ran = await asAdmin(request(app).post(`/api/console/draws/${drawId}/run`));
    expect(ran.status).toBe(200);
    const publicDraw = await request(app).get(`/api/public/draws/${drawId}`);
    const exported = await request(app).get(`/api/public/draws/${drawId}/export`);

    expect(publicDraw.body.draw).toMatchObject({ status: 'drawn', seedHash: before.body.draws[0].seedHash });
    expect(publicDraw.body.draw.pseudonymKey).toBeUndefined();
    expect(verifyDrawExport(exported.body).ok).toBe(true);
    const after = await asMember(request(app).get('/api/liff/rewards/draws'));
    expect(after.body.draws[0].myWins).toEqual([expect.objectContaining({ prizeKey: 'grand', rank: 1 })]);
    expect(exported.body.winners[0].member).toBe(after.body.draws[0].myPseudonym);
  });
});
