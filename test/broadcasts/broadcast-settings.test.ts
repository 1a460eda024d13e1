import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { auditLog } from '../../core/audit/audit.table.js';
import { brands } from '../../core/brands/index.js';
import {
  brandColumnsOf,
  deliverBroadcastChunks,
  type BroadcastReport,
  type BroadcastSettingsPatch,
} from '../../core/broadcasts/index.js';
import type { LineSimulator } from '../../sim/line/index.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import type { TestServices } from '../support/services.js';
import {
  as,
  startBroadcastStack,
  taggedMembers,
  twoBrandsSeed,
  type BroadcastStack,
} from './fixtures/broadcast-stack.js';

/**
 * Quiet hours, the frequency cap and the LINE plan are the brand's settings: the broadcasts apply them when
 * they freeze recipients, when they decide whether a send waits, while chunks go out (quiet hours may begin
 * mid-send) and when they price and check the quota.
 */
const TW = 'brd_bs_tw';
/** 12:00 in Taipei. */
const NOON = '2026-03-10T04:00:00Z';
const TW_CHANNEL = { lineChannelId: '2300000101', channelAccessToken: 'bs-tw-token' };
const TH_CHANNEL = { lineChannelId: '2300000102', channelAccessToken: 'bs-th-token' };
const lineIdOf = (n: number) => `U${(n + 50_000).toString(16).padStart(32, '0')}`;

const GROUPS = {
  early: 2,
  cap: 2,
  nocap: 2,
  retry: 3,
  skip: 3,
  skipmine: 3,
  waitmine: 3,
  kept: 3,
  light: 15,
  high: 15,
  bubbles: 4,
} as const;
type Group = keyof typeof GROUPS;

const { members, memberTags, lineIdsOf } = taggedMembers({
  prefix: 'bs',
  brandId: TW,
  groups: GROUPS,
  lineIdOf,
});

let stack: BroadcastStack;
let services: TestServices;
let sim: LineSimulator;
let app: Express;
const admin = (method: string, path: string, body?: unknown) => stack.admin(method, path, body);
const deps = () => stack.deps();
const TEXT = [{ type: 'text', text: '好茶週：點數加倍' }];

async function setBrand(patch: BroadcastSettingsPatch, brand = TW) {
  await services.database.db.update(brands).set(brandColumnsOf(patch)).where(eq(brands.id, brand));
}

async function create(tag: Group, body: Record<string, unknown> = {}) {
  const created = await request(app)
    .post('/api/console/broadcasts')
    .set(as(TW))
    .send({ condition: { type: 'tag', tags: [tag] }, messages: TEXT, ...body });
  expect(created.status).toBe(201);
  return created.body as { id: string; estimate: Record<string, unknown> };
}

async function send(tag: Group, body: Record<string, unknown> = {}) {
  const { id, estimate } = await create(tag, body);
  const sent = await request(app).post(`/api/console/broadcasts/${id}/send`).set(as(TW));
  return {
    id,
    estimate,
    status: sent.status,
    report: sent.body as BroadcastReport & { error?: { code: string; message: string } },
  };
}

async function deliveredTo(lineUserIds: string[]) {
  const { perUser } = (await admin('GET', `/__sim/deliveries?detail=1`)) as {
    perUser: Record<string, number>;
  };
  return lineUserIds.map((userId) => perUser[userId] ?? 0);
}

beforeAll(async () => {
  const friends = members.map((member) => ({ userId: member.lineUserId }));
  stack = await startBroadcastStack({
    now: NOON,
    seed: { ...twoBrandsSeed('bs', { tw: TW_CHANNEL, th: TH_CHANNEL }), members, memberTags },
    channels: [TW_CHANNEL, TH_CHANNEL],
    friends: { [TW_CHANNEL.lineChannelId]: friends },
  });
  ({ services, sim, app } = stack);
}, HANG_GUARD_MS);
beforeEach(async () => {
  await stack.reset();
  await setBrand({
    quietHours: { start: '21:00', end: '09:00' },
    quietHoursMidSend: 'wait',
    frequencyCap: { messages: 2, days: 7 },
    linePlan: { plan: null, includedMessages: null, overagePrice: null },
  });
});
afterAll(async () => {
  await stack?.close();
});

describe("the brand's quiet hours and cap", () => {
  test('when the brand keeps 11:00–13:00 quiet, then a send at noon waits until 13:00 in Taipei', async () => {
    await setBrand({ quietHours: { start: '11:00', end: '13:00' } });
    const { id, report: waiting } = await send('early');

    expect(waiting).toMatchObject({ state: 'scheduled', waitReason: 'quiet_hours' });
    expect(new Date(waiting.scheduledAt as unknown as string).toISOString()).toBe('2026-03-10T05:00:00.000Z');
    services.clock.set('2026-03-10T05:00:00Z');
    expect(await stack.drain(id, TW)).toMatchObject({ state: 'sent', sent: 2 });
  });

  test('when the brand caps at 1 message in 3 days, then the second broadcast skips them as capped', async () => {
    await setBrand({ frequencyCap: { messages: 1, days: 3 } });
    await stack.drain((await send('cap')).id, TW);
    const second = await send('cap');

    expect(second.report).toMatchObject({ state: 'sent', recipients: 0, skipped: { capped: 2 } });
    services.clock.set('2026-03-13T04:00:01Z');
    const third = await send('cap');
    expect(third.report).toMatchObject({ recipients: 2, skipped: { capped: 0 } });
    await stack.drain(third.id, TW);
  });

  test('when the cap is 0, then there is no cap: a third broadcast in a week still goes', async () => {
    await setBrand({ frequencyCap: { messages: 0, days: 7 } });
    for (let i = 0; i < 2; i++) await stack.drain((await send('nocap')).id, TW);
    const third = await send('nocap');

    expect(third.report).toMatchObject({ recipients: 2, skipped: { capped: 0 } });
    await stack.drain(third.id, TW);
  });
});

describe('when quiet hours begin mid-send', () => {
  test('when a chunk retried after a 500 is due after 21:00, then it waits until 09:00 and goes then, once, with its key', async () => {
    services.clock.set('2026-03-10T12:59:50Z'); // 20:59:50 in Taipei
    await admin('POST', '/__sim/faults', { path: '/v2/bot/message/multicast', status: 500 });
    const { id } = await send('retry');
    expect(await deliverBroadcastChunks(deps())).toMatchObject({ retried: 1, sent: 0 });

    services.clock.set('2026-03-10T13:00:30Z'); // 21:00:30
    expect(await deliverBroadcastChunks(deps())).toMatchObject({ waitingQuietHours: 1, sent: 0 });
    const waiting = await stack.report(id, TW);
    expect(waiting).toMatchObject({
      state: 'sending',
      waitReason: 'quiet_hours',
      waitingQuietHours: 3,
      skipped: { quiet_hours: 0 },
    });
    expect(waiting.chunks[0]).toMatchObject({ state: 'waiting_quiet_hours', attempts: 1 });
    expect(new Date(waiting.scheduledAt as unknown as string).toISOString()).toBe('2026-03-11T01:00:00.000Z');
    services.clock.set('2026-03-11T00:59:00Z'); // 08:59
    expect(await deliverBroadcastChunks(deps())).toMatchObject({ sent: 0 });
    expect(await deliveredTo(lineIdsOf.retry!)).toEqual([0, 0, 0]);

    services.clock.set('2026-03-11T01:00:00Z'); // 09:00
    const done = await stack.drain(id, TW);
    expect(done).toMatchObject({ state: 'sent', sent: 3, waitReason: null, waitingQuietHours: 0 });
    expect(await deliveredTo(lineIdsOf.retry!)).toEqual([1, 1, 1]);
    const { requests } = (await admin('GET', '/__sim/send-requests?via=multicast')) as {
      requests: { retryKey: string; body: { to: string[] }; status: number }[];
    };
    const attempts = requests.filter((entry) => entry.body.to?.[0] === lineIdsOf.retry![0]);
    expect(attempts.map((entry) => entry.status)).toEqual([500, 200]);
    expect(attempts[1]!.retryKey).toBe(attempts[0]!.retryKey);
  });

  test('when the brand skips instead, then chunks never tried are skipped and counted under quiet_hours', async () => {
    await setBrand({ quietHoursMidSend: 'skip' });
    services.clock.set('2026-03-10T12:59:50Z');
    // Placeholders make each member's message their own: one chunk per member.
    const { id } = await send('skip', { messages: [{ type: 'text', text: '{displayName}，點數加倍' }] });
    expect(await deliverBroadcastChunks(deps(), { limit: 1 })).toMatchObject({ sent: 1 });

    services.clock.set('2026-03-10T13:00:01Z');
    expect(await deliverBroadcastChunks(deps())).toMatchObject({ skippedQuietHours: 2, sent: 0 });
    const done = await stack.report(id, TW);
    expect(done).toMatchObject({ state: 'sent', sent: 1, recipients: 1, skipped: { quiet_hours: 2 } });
    expect(done.chunks.map((chunk) => chunk.state)).toEqual(['sent', 'skipped', 'skipped']);
    expect((await deliveredTo(lineIdsOf.skip!)).sort()).toEqual([0, 0, 1]);
  });
});

describe("what a send does when quiet hours begin: chosen per broadcast, the brand's setting by default", () => {
  /** Placeholders make each member's message their own: one chunk per member, so a send can be cut. */
  const PERSONAL = [{ type: 'text', text: '{displayName}，點數加倍' }];

  async function startAt2059(tag: Group, body: Record<string, unknown>) {
    services.clock.set('2026-03-10T12:59:50Z'); // 20:59:50 in Taipei
    const sent = await send(tag, { messages: PERSONAL, ...body });
    expect(await deliverBroadcastChunks(deps(), { limit: 1 })).toMatchObject({ sent: 1 });
    services.clock.set('2026-03-10T13:00:01Z'); // 21:00:01
    return sent;
  }

  test('when the brand waits but the sender chose skip for this broadcast, then its chunks never tried are skipped, counted, reported and audited as chosen', async () => {
    const { id: sentId } = await startAt2059('skipmine', { quietHoursMidSend: 'skip' });

    expect(await deliverBroadcastChunks(deps())).toMatchObject({ skippedQuietHours: 2, sent: 0 });
    const done = await stack.report(sentId, TW);
    expect(done).toMatchObject({
      state: 'sent',
      quietHoursMidSend: 'skip',
      sent: 1,
      recipients: 1,
      skipped: { quiet_hours: 2 },
    });
    expect((await deliveredTo(lineIdsOf.skipmine!)).sort()).toEqual([0, 0, 1]);
    const [created] = await services.database.db.select().from(auditLog).where(eq(auditLog.targetId, sentId));
    expect(created).toMatchObject({
      action: 'broadcast.created',
      data: { quietHoursMidSend: 'skip', quietHoursMidSendChosen: true },
    });
  });

  test('when the brand skips but the sender chose wait for this broadcast, then the rest waits for 09:00 and goes then', async () => {
    await setBrand({ quietHoursMidSend: 'skip' });
    const { id } = await startAt2059('waitmine', { quietHoursMidSend: 'wait' });

    expect(await deliverBroadcastChunks(deps())).toMatchObject({ waitingQuietHours: 2, sent: 0 });
    expect(await stack.report(id, TW)).toMatchObject({
      state: 'sending',
      quietHoursMidSend: 'wait',
      waitReason: 'quiet_hours',
      waitingQuietHours: 2,
      skipped: { quiet_hours: 0 },
    });
    services.clock.set('2026-03-11T01:00:00Z'); // 09:00
    expect(await stack.drain(id, TW)).toMatchObject({ state: 'sent', sent: 3, skipped: { quiet_hours: 0 } });
    expect(await deliveredTo(lineIdsOf.waitmine!)).toEqual([1, 1, 1]);
  });

  test("when the sender does not choose, then the broadcast keeps the brand's setting of when it was made, whatever the brand changes later", async () => {
    await setBrand({ quietHoursMidSend: 'skip' });
    services.clock.set('2026-03-10T12:59:50Z');
    const made = await create('kept', { messages: PERSONAL });
    expect(made).toMatchObject({ quietHoursMidSend: 'skip' });
    await setBrand({ quietHoursMidSend: 'wait' });
    await request(app).post(`/api/console/broadcasts/${made.id}/send`).set(as(TW)).expect(202);
    expect(await deliverBroadcastChunks(deps(), { limit: 1 })).toMatchObject({ sent: 1 });
    services.clock.set('2026-03-10T13:00:01Z');

    expect(await deliverBroadcastChunks(deps())).toMatchObject({ skippedQuietHours: 2 });
    expect(await stack.report(made.id, TW)).toMatchObject({
      quietHoursMidSend: 'skip',
      skipped: { quiet_hours: 2 },
    });
  });

  test('when the choice is neither wait nor skip, or a narrowcast asks to skip, then it is refused with the field named and nothing is saved', async () => {
    const listed = async () =>
      ((await request(app).get('/api/console/broadcasts').set(as(TW))).body as { broadcasts: unknown[] })
        .broadcasts.length;
    const before = await listed();
    const odd = await request(app)
      .post('/api/console/broadcasts')
      .set(as(TW))
      .send({ condition: { type: 'tag', tags: ['kept'] }, messages: TEXT, quietHoursMidSend: 'later' });
    expect(odd.status).toBe(400);
    expect(JSON.stringify(odd.body)).toContain('quietHoursMidSend');
    const narrowcast = await request(app)
      .post('/api/console/broadcasts')
      .set(as(TW))
      .send({
        demographic: { type: 'gender', oneOf: ['female'] },
        messages: TEXT,
        quietHoursMidSend: 'skip',
      });
    expect(narrowcast.status).toBe(400);
    expect(JSON.stringify(narrowcast.body)).toContain('quietHoursMidSend');
    expect(await listed()).toBe(before);
  });

  test("when the composer asks what a new broadcast starts from, then it is told the brand's quiet hours, their setting and the cap", async () => {
    const before = await request(app).get('/api/console/broadcasts/defaults').set(as(TW));
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      quietHours: { start: '21:00', end: '09:00' },
      quietHoursMidSend: 'wait',
      frequencyCap: { messages: 2, days: 7 },
    });
    await setBrand({ quietHours: { start: '22:00', end: '08:00' }, quietHoursMidSend: 'skip' });
    expect((await request(app).get('/api/console/broadcasts/defaults').set(as(TW))).body).toEqual({
      quietHours: { start: '22:00', end: '08:00' },
      quietHoursMidSend: 'skip',
      frequencyCap: { messages: 2, days: 7 },
    });
  });
});

describe("the cost on the brand's LINE plan", () => {
  test('when the Taiwan free plan has 10 messages left and 15 are needed, then the estimate says so and the send is refused', async () => {
    await setBrand({ linePlan: { plan: 'tw_light', includedMessages: null, overagePrice: null } });
    await admin('PUT', `/__sim/quota-usage/${TW_CHANNEL.lineChannelId}`, { totalUsage: 190 });
    const { id, estimate, status, report } = await send('light');

    expect(estimate).toMatchObject({
      reachable: 15,
      messages: 15,
      plan: { key: 'tw_light', includedMessages: 200, overagePrice: null },
      used: 190,
      includedLeft: 10,
      withinIncluded: 10,
      overage: 5,
      cost: null,
      currency: 'TWD',
      refusal: { reason: 'plan_has_no_overage' },
    });
    expect(status).toBe(409);
    expect(report.error).toMatchObject({ code: 'broadcast.quota_exceeded' });
    expect(report.error!.message).toContain('needs 15 messages; 10 are left of the 200 included');
    expect(await stack.report(id, TW)).toMatchObject({ state: 'draft', recipients: 0 });
  });

  test('when the high-usage plan has 10 left, then 5 messages are priced at NT$0.2 and it goes', async () => {
    await setBrand({ linePlan: { plan: 'tw_high', includedMessages: null, overagePrice: null } });
    await admin('PUT', `/__sim/quota-usage/${TW_CHANNEL.lineChannelId}`, { totalUsage: 5_990 });
    const { id, estimate, status } = await send('high');

    expect(estimate).toMatchObject({ includedLeft: 10, overage: 5, cost: 1, currency: 'TWD', refusal: null });
    expect(status).toBe(202);
    expect(await stack.drain(id, TW)).toMatchObject({ state: 'sent', sent: 15 });
  });

  test('when a broadcast has 3 bubbles, then LINE counts one message per recipient, as the estimate does', async () => {
    await admin('PUT', `/__sim/quota-usage/${TW_CHANNEL.lineChannelId}`, { totalUsage: 0 });
    const bubbles = [1, 2, 3].map((n) => ({ type: 'text', text: `第 ${n} 則` }));
    const { id, estimate } = await send('bubbles', { messages: bubbles });
    await stack.drain(id, TW);

    expect(estimate).toMatchObject({ messages: 4 });
    expect(sim.state.quotaUsed.get(TW_CHANNEL.lineChannelId)).toBe(4);
  });

  test("when no plan is chosen, then LINE's own limit is what is left and the cost is unknown", async () => {
    await admin('PUT', '/__sim/limits', { monthlyQuota: 1_000 });
    await admin('PUT', `/__sim/quota-usage/${TW_CHANNEL.lineChannelId}`, { totalUsage: 400 });
    const { estimate } = await create('high');

    expect(estimate).toMatchObject({ plan: null, limit: 1_000, includedLeft: 600, overage: 0, cost: 0 });
    await admin('PUT', '/__sim/limits', { monthlyQuota: null });
    expect((await create('high')).estimate).toMatchObject({ plan: null, includedLeft: null, cost: null });
  });
});
