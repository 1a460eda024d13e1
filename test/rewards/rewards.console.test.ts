import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq, like } from 'drizzle-orm';
import request from 'supertest';
import type { ConsoleRole } from '../../core/console/index.js';
import { outboundMessages, rewards } from '../../core/db/schema.js';
import { grantEntries, createRewardsConsoleTestApp, signInConsoleRoles } from './session-fixtures.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed } from './fixtures.js';
import { HANG_GUARD_MS } from '../support/timing.js';

describe('console rewards and draws API (session + roles)', () => {
  let services: TestServices;
  let app: ReturnType<typeof createRewardsConsoleTestApp>;
  const cookies = new Map<ConsoleRole, string>();

  beforeAll(async () => {
    const seed = rewardsSeed({
      memberCount: 3,
      submissions: [
        [1, 1],
        [2, 2],
      ],
    });
    seed.lineChannels = [
      {
        id: 'chn_rewards',
        brandId: BRAND_ID,
        lineChannelId: '1650000001',
        name: 'TW',
        channelSecret: 'secret',
        channelAccessToken: 'token',
      },
    ];
    services = await buildTestServices({ now: '2026-02-01T20:00:00Z', config: { localMode: false }, seed });
    app = createRewardsConsoleTestApp(services);
    for (const [role, cookie] of await signInConsoleRoles(app, services, ['owner', 'marketer', 'viewer']))
      cookies.set(role, cookie);
    // Entries for the draw: member 1 and member 2 each earn two in the week.
    await grantEntries(
      services,
      [
        [1, 1],
        [2, 2],
      ],
      2,
    );
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await services.database.close();
  });

  const as = (role: ConsoleRole, agent: request.Test) =>
    agent.set('cookie', cookies.get(role) as string).set('x-proofline-brand', 'rewards');

  test('when a marketer stocks a reward with 2, then a member redeems it and the console sees stock and redemption', async () => {
    const created = await as('marketer', request(app).post('/api/console/rewards')).send({
      campaign: 'tea-2026',
      kind: 'item',
      name: { en: 'Tumbler', 'zh-TW': '環保杯' },
      pointsPrice: 10,
      stock: 2,
      perMemberLimit: 1,
      lowStockAt: 1,
    });
    expect(created.status).toBe(201);
    expect(created.body.reward).toMatchObject({ campaignId: CAMPAIGN_ID, stockLeft: 2, lowStock: false });
    const rewardId = created.body.reward.id as string;

    const credit = await as('marketer', request(app).post('/api/console/points/adjustments')).send({
      member: 'U00000000000000000000000000000001',
      points: 25,
      reason: 'store opening gift',
      idempotencyKey: 'gift-000001',
    });
    const again = await as('marketer', request(app).post('/api/console/points/adjustments')).send({
      member: memberId(1),
      points: 25,
      reason: 'store opening gift',
      idempotencyKey: 'gift-000001',
    });
    expect([credit.status, again.status]).toEqual([201, 200]);
    expect(again.body.balance).toBe(25);
    expect(credit.body.entry.actor).toMatch(/^usr_/);

    const redeemed = await request(app)
      .post('/api/liff/rewards/redemptions')
      .set('x-test-member', memberId(1))
      .set('Idempotency-Key', 'tap-000001')
      .send({ rewardId });
    expect(redeemed.status).toBe(201);

    const listed = await as('viewer', request(app).get('/api/console/rewards'));
    expect(listed.body.rewards).toEqual([
      expect.objectContaining({ id: rewardId, stockLeft: 1, redeemedCount: 1, lowStock: true }),
    ]);
    const redemptions = await as('viewer', request(app).get('/api/console/redemptions'));
    expect(redemptions.body.redemptions).toEqual([
      expect.objectContaining({
        rewardId,
        memberId: memberId(1),
        points: 10,
        state: redeemed.body.redemption.state,
      }),
    ]);

    // Cancelling refunds the points, once.
    const redemptionId = redeemed.body.redemption.id as string;
    const cancelled = await as(
      'marketer',
      request(app).post(`/api/console/redemptions/${redemptionId}/cancel`),
    ).send({
      reason: 'out of colour',
    });
    expect(cancelled.status).toBe(200);
    const points = await as('viewer', request(app).get(`/api/console/points/${memberId(1)}`));
    expect(points.body.balance).toBe(25);

    // Stock edits keep what was handed out; below it is refused beside the field.
    const raised = await as('marketer', request(app).patch(`/api/console/rewards/${rewardId}`)).send({
      stockTotal: 5,
    });
    expect(raised.body.reward).toMatchObject({ stockTotal: 5, stockLeft: 5 });
    const [row] = await services.database.db.select().from(rewards).where(eq(rewards.id, rewardId));
    expect(row?.stockLeft).toBe(5);
  });

  test('when codes are uploaded as CSV text, then the count left and the low flag follow', async () => {
    const created = await as('owner', request(app).post('/api/console/rewards')).send({
      kind: 'coupon',
      name: { en: 'Drink coupon' },
      pointsPrice: 5,
      lowStockAt: 2,
    });
    const rewardId = created.body.reward.id as string;
    const upload = await as('owner', request(app).post(`/api/console/rewards/${rewardId}/coupon-codes`)).send(
      {
        list: 'code\nTEA-0001\nTEA-0002,extra\n"TEA-0003"\nTEA-0001\nnot a code\n',
      },
    );
    expect(upload.status).toBe(201);
    // The column title "code" is skipped; "not a code" is reported, not added.
    expect(upload.body).toMatchObject({ added: 3, couponCodesLeft: 3, lowStock: false, invalidCount: 1 });
    const reupload = await as(
      'owner',
      request(app).post(`/api/console/rewards/${rewardId}/coupon-codes`),
    ).send({
      list: 'TEA-0003\nTEA-0004\n',
    });
    expect(reupload.body).toMatchObject({ added: 1, skipped: 1, couponCodesLeft: 4 });
    const editStock = await as('owner', request(app).patch(`/api/console/rewards/${rewardId}`)).send({
      stockTotal: 9,
    });
    expect(editStock.status).toBe(400);
  });

  test('when input is wrong or names nothing, then a 400 names the field and a 404 names the missing thing', async () => {
    const invalid = await as('marketer', request(app).post('/api/console/rewards')).send({
      kind: 'item',
      name: { en: '' },
      pointsPrice: -1,
    });
    expect(invalid.status).toBe(400);
    const paths = invalid.body.error.details.issues.map((issue: { path: string[] }) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['name', 'pointsPrice']));

    const noCampaign = await as('marketer', request(app).post('/api/console/draws')).send({
      campaign: 'no-such-campaign',
      name: { en: 'Week' },
      periodFrom: '2026-01-26T00:00:00Z',
      periodTo: '2026-02-02T00:00:00Z',
      prizes: [{ key: 'grand', name: { en: 'Bike' }, quantity: 1 }],
    });
    expect(noCampaign.status).toBe(404);
    expect(noCampaign.body.error.message).toContain('no-such-campaign');
    const noMember = await as('viewer', request(app).get('/api/console/points/nobody'));
    expect(noMember.status).toBe(404);
    expect(noMember.body.error.message).toContain('nobody');
    const viewerWrites = await as('viewer', request(app).post('/api/console/rewards')).send({});
    expect(viewerWrites.status).toBe(403);
  });

  test('when a draw runs from the console, then each winner is told once in the chat and sees the win in LIFF', async () => {
    const created = await as('marketer', request(app).post('/api/console/draws')).send({
      campaign: 'tea-2026',
      name: { en: 'Week 5', 'zh-TW': '第五週' },
      periodFrom: '2026-01-26T00:00:00Z',
      periodTo: '2026-02-02T00:00:00Z',
      prizes: [{ key: 'grand', name: { en: 'Bike' }, quantity: 1 }],
      reserveCount: 1,
    });
    expect(created.status).toBe(201);
    const drawId = created.body.draw.id as string;
    expect(created.body.draw.seedHash).toMatch(/^[0-9a-f]{64}$/);
    expect(created.body.draw.seed).toBeNull();
    expect(created.body.draw.links.verify).toBe(`/api/public/draws/${drawId}`);
    expect(created.body.draw.links.page).toBe(`/draws/${drawId}`);

    services.clock.set('2026-02-02T00:00:00Z');
    const [first, second] = await Promise.all([
      as('marketer', request(app).post(`/api/console/draws/${drawId}/run`)).send({}),
      as('marketer', request(app).post(`/api/console/draws/${drawId}/run`)).send({}),
    ]);
    expect([first?.status, second?.status]).toEqual([200, 200]);
    expect([first?.body.alreadyDrawn, second?.body.alreadyDrawn].sort()).toEqual([false, true]);
    const winners = first?.body.winners as { id: string; memberId: string; isReserve: boolean }[];
    const winner = winners.find((candidate) => !candidate.isReserve);
    const reserve = winners.find((candidate) => candidate.isReserve);
    expect(winner && reserve).toBeTruthy();

    const messages = await services.database.db
      .select()
      .from(outboundMessages)
      .where(like(outboundMessages.dedupeKey, 'draw-win:%'));
    expect(messages.map((message) => [message.dedupeKey, message.memberId])).toEqual([
      [`draw-win:${winner?.id}`, winner?.memberId],
    ]);
    const detail = await as('viewer', request(app).get(`/api/console/draws/${drawId}`));
    expect(detail.body.winners).toEqual([
      expect.objectContaining({
        id: winner?.id,
        notifiedAt: expect.any(String),
        message: expect.objectContaining({ state: 'pending' }),
      }),
      expect.objectContaining({ id: reserve?.id, notifiedAt: null, message: null }),
    ]);
    const liff = await request(app)
      .get('/api/liff/rewards/draws')
      .set('x-test-member', winner?.memberId as string);
    expect(liff.body.draws[0].myWins).toEqual([
      expect.objectContaining({ prizeKey: 'grand', isReserve: false }),
    ]);

    // Forfeit and promote: the reserve steps up and is told, once, however often promote is pressed.
    await as('marketer', request(app).post(`/api/console/draws/${drawId}/winners/${winner?.id}/forfeit`))
      .send({})
      .expect(200);
    await as('marketer', request(app).post(`/api/console/draws/${drawId}/promote-reserves`))
      .send({})
      .expect(200);
    const promotedAgain = await as(
      'marketer',
      request(app).post(`/api/console/draws/${drawId}/promote-reserves`),
    ).send({});
    expect(promotedAgain.body.promoted).toEqual([]);
    const told = await services.database.db
      .select()
      .from(outboundMessages)
      .where(like(outboundMessages.dedupeKey, 'draw-win:%'));
    expect(told.map((message) => message.dedupeKey).sort()).toEqual(
      [`draw-win:${winner?.id}`, `draw-win:${reserve?.id}`].sort(),
    );
    const list = await as('viewer', request(app).get('/api/console/draws?campaign=tea-2026'));
    expect(list.body.draws).toEqual([
      expect.objectContaining({ id: drawId, winnerCount: 1, reserveCount: 1, toldCount: 2 }),
    ]);
    const exported = await as('viewer', request(app).get(`/api/console/draws/${drawId}/export`));
    expect(exported.body.seedHash).toBe(created.body.draw.seedHash);
  });

  test('when an instant-win prize is stocked and edited, then odds and stock follow and it is listed', async () => {
    const created = await as('marketer', request(app).post('/api/console/instant-prizes')).send({
      campaign: 'tea-2026',
      name: { en: 'Free tea' },
      oddsPpm: 10_000,
      stock: 5,
      schedule: { kind: 'even', from: '2026-01-01T00:00:00Z', to: '2026-03-31T00:00:00Z' },
    });
    expect(created.status).toBe(201);
    const prizeId = created.body.prize.id as string;
    const edited = await as('marketer', request(app).patch(`/api/console/instant-prizes/${prizeId}`)).send({
      oddsPpm: 50_000,
      stockTotal: 8,
    });
    expect(edited.body.prize).toMatchObject({ oddsPpm: 50_000, stockTotal: 8, stockLeft: 8 });
    const listed = await as('viewer', request(app).get('/api/console/instant-prizes?campaign=tea-2026'));
    expect(listed.body.prizes).toEqual([expect.objectContaining({ id: prizeId, wonCount: 0 })]);
  });
});
