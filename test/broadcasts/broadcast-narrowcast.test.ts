import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { auditLog } from '../../core/audit/audit.table.js';
import {
  broadcastChunks,
  deliverBroadcastChunks,
  type BroadcastDeliveryDeps,
} from '../../core/broadcasts/index.js';
import type { LineMessenger } from '../../core/messaging/index.js';
import type { TestSeed } from '../support/database.js';
import type { TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { as, startBroadcastStack, twoBrandsSeed, type BroadcastStack } from './fixtures/broadcast-stack.js';
import { demographicsOf, TAIPEI_WOMEN, taipeiWomenAmong } from './fixtures/narrowcast-audience.js';

const TW = 'brd_nc_tw';
const TH = 'brd_nc_th';
/** 12:00 in Taipei: outside quiet hours. */
const NOON = '2026-03-10T04:00:00Z';
const TW_CHANNEL = { lineChannelId: '2300000021', channelAccessToken: 'nc-tw-token' };
const TH_CHANNEL = { lineChannelId: '2300000022', channelAccessToken: 'nc-th-token' };
const FRIENDS = 300;
const lineIdOf = (n: number) => `U${(0xd0000 + n).toString(16).padStart(32, '0')}`;
const taipeiWomen = taipeiWomenAmong(FRIENDS);
const TEXT = [{ type: 'text', text: '台北女性會員限定：好茶買一送一' }];

// 200 of the 300 friends are members we know (following); 10 of them blocked the account.
const seed: TestSeed = {
  ...twoBrandsSeed('nc', { tw: TW_CHANNEL, th: TH_CHANNEL }),
  members: Array.from({ length: 200 }, (_, i) => ({
    id: `mbr_nc${String(i).padStart(4, '0')}`,
    brandId: TW,
    lineUserId: lineIdOf(i),
    locale: 'zh-TW' as const,
    following: i >= 10,
  })),
};

let stack: BroadcastStack;
let services: TestServices;
let app: Express;
let messenger: LineMessenger;
const admin = (method: string, path: string, body?: unknown) => stack.admin(method, path, body);
const deps = (overrides: { messenger?: BroadcastDeliveryDeps['messenger'] } = {}) => stack.deps(overrides);
const report = (id: string, brand = TW) => stack.report(id, brand);
const retryKeyOf = async (id: string) =>
  (await services.database.db.select().from(broadcastChunks).where(eq(broadcastChunks.broadcastId, id)))[0]
    ?.retryKey;
/** The narrowcast requests LINE got for this broadcast (by its chunk's retry key). */
const narrowcastRequests = async (id: string) => {
  const key = await retryKeyOf(id);
  const { requests } = (await admin('GET', '/__sim/send-requests?via=narrowcast')) as {
    requests: { retryKey: string; body: unknown; status: number }[];
  };
  return requests.filter((entry) => entry.retryKey === key);
};

async function createAndSend(demographic: unknown = TAIPEI_WOMEN) {
  const created = await request(app)
    .post('/api/console/broadcasts')
    .set(as(TW))
    .send({ demographic, messages: TEXT });
  expect(created.status).toBe(201);
  const sent = await request(app).post(`/api/console/broadcasts/${created.body.id}/send`).set(as(TW));
  return { id: created.body.id as string, created: created.body, sent };
}

const drain = (id: string, messengerOverride?: BroadcastDeliveryDeps['messenger']) =>
  stack.drain(id, TW, { messenger: messengerOverride });

async function deliveries() {
  return (await admin('GET', `/__sim/deliveries?channelId=${TW_CHANNEL.lineChannelId}&detail=1`)) as {
    total: number;
    duplicated: string[];
    perUser: Record<string, number>;
  };
}

beforeAll(async () => {
  stack = await startBroadcastStack({
    now: NOON,
    seed,
    channels: [TW_CHANNEL, TH_CHANNEL],
    friends: {
      [TW_CHANNEL.lineChannelId]: Array.from({ length: FRIENDS }, (_, i) => ({
        userId: lineIdOf(i),
        demographics: demographicsOf(i),
      })),
    },
  });
  ({ services, app, messenger } = stack);
}, HANG_GUARD_MS);
beforeEach(async () => {
  await stack.reset();
  await admin('DELETE', '/__sim/deliveries');
  await admin('PUT', `/__sim/quota-usage/${TW_CHANNEL.lineChannelId}`, { totalUsage: 0 });
});
afterAll(async () => {
  await stack?.close();
});

describe('narrowcast broadcasts (LINE demographic filters)', () => {
  test('when a Taiwan brand narrowcasts to women in Taipei, then LINE gets one request with the filter and retry key, the report shows its progress, and each target is reached once', async () => {
    const { id, created, sent } = await createAndSend();

    expect(created).toMatchObject({
      method: 'narrowcast',
      // The friends we know (following members), not LINE's reach: LINE tells that after accepting.
      // No LINE plan set for the brand and no monthly limit at LINE: the cost cannot be known.
      estimate: {
        reachable: 190,
        messages: 190,
        plan: null,
        cost: null,
        currency: 'TWD',
        basis: 'known_friends',
      },
      warnings: ['opt_out_not_applied', 'frequency_cap_not_applied', 'whole_reach_reserved'],
    });
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({
      method: 'narrowcast',
      state: 'sending',
      chunks: [{ no: 1, state: 'pending' }],
    });
    // The retry key is stored before the first attempt.
    const retryKey = await retryKeyOf(id);
    expect(retryKey).toMatch(/^[0-9a-f-]{36}$/);

    const done = await drain(id);

    expect(done).toMatchObject({
      state: 'sent',
      recipients: taipeiWomen.length,
      sent: taipeiWomen.length,
      failed: 0,
      narrowcast: {
        demographic: TAIPEI_WOMEN,
        phase: 'succeeded',
        targetCount: taipeiWomen.length,
        successCount: taipeiWomen.length,
        failureCount: 0,
        error: null,
      },
    });
    expect(done.narrowcast!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    const requests = await narrowcastRequests(id);
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      retryKey,
      status: 202,
      body: { messages: TEXT, filter: { demographic: TAIPEI_WOMEN } },
    });
    const reached = await deliveries();
    expect(reached).toMatchObject({ total: taipeiWomen.length, duplicated: [] });
    expect(Object.keys(reached.perUser).sort()).toEqual(taipeiWomen.map(lineIdOf).sort());
    const actions = await services.database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(actions.map((entry) => entry.action).sort()).toEqual(['broadcast.created', 'broadcast.sent']);
  });

  test('when LINE answers 500, then the narrowcast is retried with the same retry key and the same body', async () => {
    await admin('POST', '/__sim/faults', { path: '/v2/bot/message/narrowcast', status: 500 });
    const { id } = await createAndSend();

    expect(await deliverBroadcastChunks(deps())).toMatchObject({ retried: 1, sent: 0 });
    const done = await drain(id);

    expect(done).toMatchObject({ state: 'sent', sent: taipeiWomen.length });
    const requests = await narrowcastRequests(id);
    expect(requests.map((entry) => entry.status)).toEqual([500, 202]);
    expect(requests[1]!.retryKey).toBe(requests[0]!.retryKey);
    expect(requests[1]!.body).toEqual(requests[0]!.body);
    expect(await deliveries()).toMatchObject({ total: taipeiWomen.length, duplicated: [] });
  });

  test('when a worker dies after LINE accepted the narrowcast, then another sends the same key after the lease, takes the 409 as accepted, and nobody is reached twice', async () => {
    const { id } = await createAndSend();
    let accepted = 0;
    // Worker A sends, LINE accepts, and A dies before recording it (its promise never settles).
    const dying: BroadcastDeliveryDeps['messenger'] = {
      ...messenger,
      narrowcast: async (channel, input) => {
        await messenger.narrowcast(channel, input);
        accepted += 1;
        return new Promise(() => {});
      },
    };
    void deliverBroadcastChunks(deps({ messenger: dying }), { limit: 1, leaseMs: 60_000 });
    for (let wait = 0; accepted === 0 && wait < 200; wait++) await new Promise((r) => setTimeout(r, 25));
    expect(accepted).toBe(1);
    // Leased: worker B does not send it again before the lease ends.
    await deliverBroadcastChunks(deps(), { limit: 8, leaseMs: 60_000 });
    expect((await narrowcastRequests(id)).length).toBe(1);

    services.clock.advanceBy(61_000);
    const done = await drain(id);

    expect(done).toMatchObject({
      state: 'sent',
      sent: taipeiWomen.length,
      chunks: [{ state: 'sent', attempts: 2 }],
    });
    expect((await narrowcastRequests(id)).map((entry) => entry.status)).toEqual([202, 409]);
    expect(await deliveries()).toMatchObject({ total: taipeiWomen.length, duplicated: [] });
  });

  test('when the target reach is under 50, then LINE fails it and the report says why', async () => {
    const { id } = await createAndSend({ type: 'subscriptionPeriod', lt: 'day_30' });

    const done = await drain(id);

    expect(done).toMatchObject({
      state: 'failed',
      sent: 0,
      narrowcast: { phase: 'failed', targetCount: 30, error: 'LINE error 2: Not enough recipients' },
    });
    expect((await deliveries()).total).toBe(0);
  });

  test("when the month's quota cannot cover LINE's reach, then LINE refuses it (429 quota) and the broadcast fails without retrying", async () => {
    await admin('PUT', '/__sim/limits', { monthlyQuota: taipeiWomen.length - 1 });
    const { id } = await createAndSend();

    const done = await drain(id);

    expect(done).toMatchObject({ state: 'failed', chunks: [{ state: 'failed', attempts: 1 }] });
    expect(done.chunks[0]!.lastError).toMatch(/quota|429|monthly/i);
    expect((await deliveries()).total).toBe(0);
  });

  test('when the quota cannot even cover 50, then the send is refused at once and nothing is asked of LINE', async () => {
    await admin('PUT', '/__sim/limits', { monthlyQuota: 100 });
    await admin('PUT', `/__sim/quota-usage/${TW_CHANNEL.lineChannelId}`, { totalUsage: 60 });
    const { id, sent } = await createAndSend();

    expect(sent.status).toBe(409);
    expect(sent.body.error).toMatchObject({ code: 'broadcast.quota_exceeded' });
    expect(await report(id)).toMatchObject({ state: 'draft', chunks: [] });
  });

  test('when LINE accepted it, then it can no longer be cancelled', async () => {
    const { id } = await createAndSend();
    await deliverBroadcastChunks(deps());

    const cancelled = await request(app).post(`/api/console/broadcasts/${id}/cancel`).set(as(TW));

    expect(cancelled.status).toBe(409);
    expect((await drain(id)).state).toBe('sent');
  });

  test('when a Thai brand (opt-in consent) asks for a narrowcast, then it is refused with a clear error and nothing is saved', async () => {
    const created = await request(app)
      .post('/api/console/broadcasts')
      .set(as(TH))
      .send({ demographic: { type: 'gender', oneOf: ['female'] }, messages: TEXT });

    expect(created.status).toBe(409);
    expect(created.body.error.code).toBe('broadcast.narrowcast_needs_consent');
    expect(created.body.error.message).toMatch(/opt-in/);
    expect((await request(app).get('/api/console/broadcasts').set(as(TH))).body.broadcasts).toEqual([]);
  });

  test.each([
    ['a filter LINE does not define', { demographic: { type: 'age', gte: 'age_21' } }, 'demographic'],
    ['an area outside Taiwan', { demographic: { type: 'area', oneOf: ['jp_01'] } }, 'demographic'],
    ['both a segment and a filter', { demographic: TAIPEI_WOMEN, condition: { type: 'all' } }, 'segmentId'],
    ['a holdout', { demographic: TAIPEI_WOMEN, holdoutPercent: 10 }, 'demographic'],
    [
      'a placeholder',
      { demographic: TAIPEI_WOMEN, messages: [{ type: 'text', text: 'Hi {displayName}' }] },
      'demographic',
    ],
  ])('when the body has %s, then 400 names the field', async (_case, body, field) => {
    const created = await request(app)
      .post('/api/console/broadcasts')
      .set(as(TW))
      .send({ messages: TEXT, ...body });

    expect(created.status).toBe(400);
    expect(JSON.stringify(created.body.error)).toContain(field);
  });
});
