import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import {
  deliverBroadcastChunks,
  type BroadcastDeliveryDeps,
  type BroadcastReport,
} from '../../core/broadcasts/index.js';
import { auditLog } from '../../core/audit/audit.table.js';
import type { LineMessenger } from '../../core/messaging/index.js';
import type { LineSimulator } from '../../sim/line/index.js';
import type { TestSeed } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import type { TestServices } from '../support/services.js';
import {
  as,
  startBroadcastStack,
  taggedMembers,
  twoBrandsSeed,
  type BroadcastStack,
} from './fixtures/broadcast-stack.js';

const TW = 'brd_bc_tw';
const TH = 'brd_bc_th';
/** 12:00 in Taipei: outside quiet hours. */
const NOON = '2026-03-10T04:00:00Z';
const TW_CHANNEL = { lineChannelId: '2300000001', channelAccessToken: 'bc-tw-token' };
const TH_CHANNEL = { lineChannelId: '2300000002', channelAccessToken: 'bc-th-token' };
const lineIdOf = (n: number) => `U${n.toString(16).padStart(32, '0')}`;

/** Members by tag, each test its own group (the frequency cap counts across broadcasts). */
const GROUPS = {
  bulk: 1_201,
  retry: 3,
  conflict: 3,
  rate: 3,
  crash: 700,
  quiet: 3,
  override: 2,
  cap: 2,
  split: 100,
  cancel: 600,
  personal: 2,
  quota: 5,
} as const;
type Group = keyof typeof GROUPS;

const { members, memberTags, lineIdsOf } = taggedMembers({
  prefix: 'bc',
  brandId: TW,
  groups: GROUPS,
  lineIdOf,
  localeOf: (tag, i) => (tag === 'personal' && i === 1 ? 'en' : 'zh-TW'),
});
// Consent and blocking: Taiwan (opt-out) and Thailand (opt-in).
const extra = [
  { n: 90_001, brandId: TW, tag: 'consent', following: true },
  { n: 90_002, brandId: TW, tag: 'consent', following: false },
  { n: 90_003, brandId: TW, tag: 'consent', following: true },
  { n: 90_004, brandId: TH, tag: 'consent', following: true },
  { n: 90_005, brandId: TH, tag: 'consent', following: true },
];
for (const { n, brandId, tag, following } of extra) {
  members.push({ id: `mbr_bc${n}`, brandId, lineUserId: lineIdOf(n), locale: 'zh-TW', following });
  memberTags.push({ id: `tag_bc${n}`, brandId, memberId: `mbr_bc${n}`, tag, source: 'console' });
}
const consent = (n: number, brandId: string, granted: boolean) => ({
  id: `cns_bc${n}`,
  brandId,
  memberId: `mbr_bc${n}`,
  kind: 'marketing' as const,
  granted,
  textVersion: 'mkt-2026-01',
  locale: 'zh-TW',
  source: 'liff' as const,
});

const seed: TestSeed = {
  ...twoBrandsSeed('bc', { tw: TW_CHANNEL, th: TH_CHANNEL }),
  members,
  memberTags,
  // 90_003 opted out (Taiwan); 90_005 opted in (Thailand), 90_004 never answered.
  consents: [consent(90_003, TW, false), consent(90_005, TH, true)],
};

let stack: BroadcastStack;
let services: TestServices;
let sim: LineSimulator;
let app: Express;
let messenger: LineMessenger;
const admin = (method: string, path: string, body?: unknown) => stack.admin(method, path, body);
const deps = (overrides: { messenger?: BroadcastDeliveryDeps['messenger'] } = {}) => stack.deps(overrides);

const TEXT = [{ type: 'text', text: '好茶週：點數加倍' }];

/** Creates and sends a broadcast to the members of a tag; answers the send's report. */
async function send(
  tag: Group | 'consent',
  body: Record<string, unknown> = {},
  brand = TW,
): Promise<{
  id: string;
  status: number;
  report: BroadcastReport & { error?: { code: string; message: string } };
}> {
  const created = await request(app)
    .post('/api/console/broadcasts')
    .set(as(brand))
    .send({ condition: { type: 'tag', tags: [tag] }, messages: TEXT, ...body });
  expect(created.status).toBe(201);
  const sent = await request(app).post(`/api/console/broadcasts/${created.body.id}/send`).set(as(brand));
  return { id: created.body.id, status: sent.status, report: sent.body };
}

const report = (id: string, brand = TW) => stack.report(id, brand);
const drain = (id: string, brand = TW) => stack.drain(id, brand);

/** Messages the simulator delivered to each of these users. */
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
    seed,
    channels: [TW_CHANNEL, TH_CHANNEL],
    friends: { [TW_CHANNEL.lineChannelId]: friends, [TH_CHANNEL.lineChannelId]: friends },
  });
  ({ services, sim, app, messenger } = stack);
}, HANG_GUARD_MS);
beforeEach(async () => {
  await stack.reset();
});
afterAll(async () => {
  await stack?.close();
});

describe('broadcast delivery', () => {
  test('when 1,201 members are sent to, then 3 chunks of ≤ 500 go out and each member gets it once (two workers at once)', async () => {
    const { id, status, report: started } = await send('bulk');

    expect(status).toBe(202);
    expect(started).toMatchObject({ state: 'sending', recipients: 1_201 });
    expect(started.chunks.map((chunk) => chunk.size)).toEqual([500, 500, 201]);
    await Promise.all([
      deliverBroadcastChunks(deps(), { limit: 2 }),
      deliverBroadcastChunks(deps(), { limit: 2 }),
    ]);
    const done = await drain(id);
    expect(done).toMatchObject({ state: 'sent', recipients: 1_201, sent: 1_201, failed: 0 });
    expect(done.chunks.map((chunk) => [chunk.state, chunk.attempts])).toEqual([
      ['sent', 1],
      ['sent', 1],
      ['sent', 1],
    ]);
    expect(new Set(await deliveredTo(lineIdsOf.bulk!))).toEqual(new Set([1]));
  });

  test('when LINE answers 500, then the chunk is retried with the same retry key and the same body', async () => {
    await admin('POST', '/__sim/faults', { path: '/v2/bot/message/multicast', status: 500 });
    const { id } = await send('retry');

    const first = await deliverBroadcastChunks(deps());
    expect(first).toMatchObject({ retried: 1, sent: 0 });
    const done = await drain(id);

    expect(done).toMatchObject({ state: 'sent', sent: 3 });
    expect(done.chunks[0]).toMatchObject({ state: 'sent', attempts: 2 });
    const { requests } = (await admin('GET', '/__sim/send-requests?via=multicast')) as {
      requests: { retryKey: string; body: { to: string[] }; status: number }[];
    };
    const attempts = requests.filter((entry) => entry.body.to?.[0] === lineIdsOf.retry![0]);
    expect(attempts.map((entry) => entry.status)).toEqual([500, 200]);
    expect(attempts[1]!.retryKey).toBe(attempts[0]!.retryKey);
    expect(attempts[1]!.body).toEqual(attempts[0]!.body);
    expect(await deliveredTo(lineIdsOf.retry!)).toEqual([1, 1, 1]);
  });

  test('when LINE accepted but the answer was lost, then the retry gets 409 and is counted as sent, once', async () => {
    await admin('POST', '/__sim/faults', {
      path: '/v2/bot/message/multicast',
      status: 500,
      afterAccept: true,
    });
    const { id } = await send('conflict');

    const done = await drain(id);

    expect(done).toMatchObject({ state: 'sent', sent: 3, failed: 0 });
    expect(await deliveredTo(lineIdsOf.conflict!)).toEqual([1, 1, 1]);
    const { requests } = (await admin('GET', '/__sim/send-requests?via=multicast')) as {
      requests: { body: { to: string[] }; status: number }[];
    };
    expect(
      requests.filter((entry) => entry.body.to?.[0] === lineIdsOf.conflict![0]).map((entry) => entry.status),
    ).toEqual([500, 409]);
  });

  test('when LINE answers 429 (rate limit), then the chunk waits before the next attempt', async () => {
    await admin('POST', '/__sim/faults', {
      path: '/v2/bot/message/multicast',
      status: 429,
      body: { message: 'Too many requests' },
    });
    const { id } = await send('rate');

    expect(await deliverBroadcastChunks(deps())).toMatchObject({ retried: 1 });
    // Not again at once: the back-off holds it.
    expect(await deliverBroadcastChunks(deps())).toMatchObject({ sent: 0, retried: 0 });
    services.clock.advanceBy(1_000);
    expect(await deliverBroadcastChunks(deps())).toMatchObject({ sent: 1 });
    expect(await report(id)).toMatchObject({ state: 'sent', sent: 3 });
  });

  test('when a worker dies after LINE accepted a chunk, then another takes it over after the lease and nobody gets it twice', async () => {
    const { id } = await send('crash');
    let accepted = 0;
    // Worker A sends, LINE accepts, and A dies before recording it (its promise never settles).
    const dying: BroadcastDeliveryDeps['messenger'] = {
      ...messenger,
      multicast: async (channel, input) => {
        await messenger.multicast(channel, input);
        accepted += 1;
        return new Promise(() => {});
      },
    };
    void deliverBroadcastChunks(deps({ messenger: dying }), { limit: 1, leaseMs: 60_000 });
    for (let wait = 0; accepted === 0 && wait < 200; wait++) await new Promise((r) => setTimeout(r, 25));
    expect(accepted).toBe(1);

    // Worker B: the first chunk is leased, so it only takes the second.
    await deliverBroadcastChunks(deps(), { limit: 8, leaseMs: 60_000 });
    expect((await report(id)).chunks.map((chunk) => chunk.state)).toEqual(['sending', 'sent']);
    services.clock.advanceBy(61_000);
    const done = await drain(id);

    expect(done).toMatchObject({ state: 'sent', sent: 700 });
    expect(done.chunks[0]).toMatchObject({ state: 'sent', attempts: 2 });
    expect(new Set(await deliveredTo(lineIdsOf.crash!))).toEqual(new Set([1]));
  });

  test('when it is cancelled before delivery, then no chunk goes out', async () => {
    const { id } = await send('cancel');
    const cancelled = await request(app).post(`/api/console/broadcasts/${id}/cancel`).set(as(TW));

    expect(cancelled.body).toMatchObject({ state: 'cancelled', cancelled: 600 });
    await deliverBroadcastChunks(deps());
    expect(new Set(await deliveredTo(lineIdsOf.cancel!))).toEqual(new Set([0]));
  });
});

describe('when and to whom', () => {
  test('when sent at 22:30 in Taipei, then it waits for 09:00 and goes out then', async () => {
    services.clock.set('2026-03-10T14:30:00Z');
    const { id, report: waiting } = await send('quiet');

    expect(waiting).toMatchObject({ state: 'scheduled', waitReason: 'quiet_hours' });
    expect(new Date(waiting.scheduledAt as unknown as string).toISOString()).toBe('2026-03-11T01:00:00.000Z');
    expect(await deliverBroadcastChunks(deps())).toMatchObject({ started: 0 });
    services.clock.set('2026-03-11T01:00:00Z');
    expect(await drain(id)).toMatchObject({ state: 'sent', sent: 3 });
  });

  test('when the sender overrides quiet hours, then it goes out now and the override is audited', async () => {
    services.clock.set('2026-03-10T14:30:00Z');
    const { id, report: started } = await send('override', { ignoreQuietHours: true });

    expect(started.state).toBe('sending');
    const audit = await services.database.db.select().from(auditLog);
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'broadcast.quiet_hours_overridden', targetId: id }),
    );
  });

  test('when members already got 2 marketing messages this week, then a third is skipped and counted', async () => {
    for (let i = 0; i < 2; i++) await drain((await send('cap')).id);
    const third = await send('cap');

    expect(third.report).toMatchObject({ state: 'sent', recipients: 0, skipped: { capped: 2 } });
    expect(await deliveredTo(lineIdsOf.cap!)).toEqual([2, 2]);
  });

  test('when sent in Taiwan, then blocked and opted-out members are skipped; in Thailand, those who never opted in', async () => {
    const tw = await send('consent');
    const th = await send('consent', {}, TH);

    expect(tw.report).toMatchObject({ recipients: 1, skipped: { blocked: 1, no_consent: 1 } });
    expect(th.report).toMatchObject({ recipients: 1, skipped: { blocked: 0, no_consent: 1 } });
  });

  test('when split A/B with a 10 % holdout, then 10 are held out and 45 get each variant', async () => {
    const { id, report: started } = await send('split', {
      variants: [{ messages: [{ type: 'text', text: 'Variant B' }] }],
      holdoutPercent: 10,
    });

    expect(started).toMatchObject({ recipients: 90, holdout: 10, groups: { A: 45, B: 45, holdout: 10 } });
    await drain(id);
    const received = sim.state.timeline.filter(
      (entry) => entry.from === 'bot' && lineIdsOf.split!.includes(entry.userId),
    ) as unknown as { messages: { text: string }[] }[];
    expect(received.filter((entry) => entry.messages[0]!.text === 'Variant B')).toHaveLength(45);
    expect(received).toHaveLength(90);
  });

  test('when messages have placeholders and a language version, then each member gets their own, in their language', async () => {
    const { id } = await send('personal', {
      messages: [{ type: 'text', text: '{displayName}，您有 {points} 點' }],
      languages: { en: [{ type: 'text', text: '{displayName}, you have {points} points' }] },
    });
    await drain(id);

    const [zh, en] = lineIdsOf.personal!.map(
      (userId) =>
        (
          sim.state.timeline.find((entry) => entry.from === 'bot' && entry.userId === userId) as unknown as {
            messages: { text: string }[];
          }
        ).messages[0]!.text,
    );
    expect(zh).toMatch(/^會員\d+，您有 0 點$/);
    expect(en).toMatch(/^會員\d+, you have 0 points$/);
  });

  test("when the month's quota cannot cover it, then the send is refused with the numbers and nothing goes out", async () => {
    const used = sim.state.quotaUsed.get(TW_CHANNEL.lineChannelId) ?? 0;
    await admin('PUT', '/__sim/limits', { monthlyQuota: used + 3 });
    const { status, report: refused, id } = await send('quota');

    expect(status).toBe(409);
    expect(refused.error).toMatchObject({ code: 'broadcast.quota_exceeded' });
    expect(refused.error!.message).toContain('needs 5 messages; 3 are left');
    expect(await report(id)).toMatchObject({ state: 'draft', recipients: 0 });
  });

  test('when the body is invalid, then 400 names the field', async () => {
    const response = await request(app)
      .post('/api/console/broadcasts')
      .set(as(TW))
      .send({ condition: { type: 'all' }, messages: [] });

    expect(response.status).toBe(400);
    expect(response.body.error.message).toContain('messages');
  });
  test("when a Flex carousel has 13 bubbles, then 400 names the place and LINE's limit", async () => {
    const bubble = {
      type: 'bubble',
      body: { type: 'box', layout: 'vertical', contents: [{ type: 'text', text: 'tea' }] },
    };
    const response = await request(app)
      .post('/api/console/broadcasts')
      .set(as(TW))
      .send({
        condition: { type: 'all' },
        messages: [
          { type: 'text', text: 'hi' },
          { type: 'flex', altText: 'teas', contents: { type: 'carousel', contents: Array(13).fill(bubble) } },
        ],
      });

    expect(response.status).toBe(400);
    expect(response.body.error.message).toBe(
      'Invalid messages.1.contents.contents: a carousel holds at most 12 bubbles',
    );
    expect(response.body.error.details.issues).toEqual([
      { path: 'messages.1.contents.contents', message: 'a carousel holds at most 12 bubbles' },
    ]);
  });
});
