import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { createBroadcastsModule } from '../../bot/broadcasts/index.js';
import { createApp } from '../../bot/create-app.js';
import type { Services } from '../../core/app/build-services.js';
import { auditLog } from '../../core/audit/audit.table.js';
import { broadcastRecipients, broadcasts, TEST_SENDS_PER_HOUR } from '../../core/broadcasts/index.js';
import { createLineSdkMessenger } from '../../core/messaging/index.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import type { TestSeed } from '../support/database.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const BRAND = 'brd_bts';
const NOON = '2026-03-10T04:00:00Z';
const CHANNEL = { lineChannelId: '2500000001', channelAccessToken: 'bts-token' };
/** The marketer's own LINE account: a member of the brand who reads English and has 120 points. */
const MINE = `U${'a'.repeat(32)}`;
/** Another LINE account of theirs, not a member. */
const OTHER = `U${'b'.repeat(32)}`;

const seed: TestSeed = {
  brands: [
    { id: BRAND, slug: 'bts', name: '好茶', country: 'TW', defaultLocale: 'zh-TW', timezone: 'Asia/Taipei' },
  ],
  lineChannels: [{ id: 'chn_bts', brandId: BRAND, name: 'TW', channelSecret: 's', ...CHANNEL }],
  members: [{ id: 'mbr_bts1', brandId: BRAND, lineUserId: MINE, locale: 'en', displayName: 'Mei' }],
  pointsLedger: [
    {
      id: 'pts_bts1',
      brandId: BRAND,
      memberId: 'mbr_bts1',
      kind: 'adjust',
      points: 120,
      idempotencyKey: 'bts-1',
    },
  ],
};

const MESSAGES = [{ type: 'text', text: '{displayName}，好茶新品！' }];
const LANGUAGES = { en: [{ type: 'text', text: 'Hi {displayName}, you have {points} points' }] };

let services: TestServices;
let sim: LineSimulator;
let app: Express;
const as = { 'x-proofline-reviewer': 'marketer-1', 'x-proofline-brand': BRAND };

/** What the bot pushed to a LINE user at the simulator, oldest first. */
async function pushedTo(userId: string): Promise<{ text: string; retryKey?: string }[]> {
  const response = await fetch(`${sim.url}/__sim/messages?userId=${userId}`);
  const { entries } = (await response.json()) as {
    entries: { from: string; messages: { text: string }[] }[];
  };
  return entries.filter((entry) => entry.from === 'bot').flatMap((entry) => entry.messages);
}

async function link(lineUserId: string, locale = 'en') {
  const started = await request(app).post('/api/console/me/line').set(as).send({ lineUserId, locale });
  expect(started.status).toBe(202);
  const texts = await pushedTo(lineUserId);
  const code = /(\d{6})/.exec(texts[texts.length - 1]!.text)![1]!;
  return code;
}

beforeAll(async () => {
  services = await buildTestServices({ now: NOON, seed });
  sim = await startLineSimulator();
  sim.state.channels.set(CHANNEL.lineChannelId, {
    ...CHANNEL,
    channelSecret: 's',
    webhookUrl: undefined,
    defaultRichMenuId: undefined,
  });
  // Both LINE accounts are friends of the channel (LINE delivers pushes only to friends).
  await fetch(`${sim.url}/__sim/friends`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ channelId: CHANNEL.lineChannelId, users: [{ userId: MINE }, { userId: OTHER }] }),
  });
  const messenger = createLineSdkMessenger({ apiBaseUrl: sim.url, sendTimeoutMs: HANG_GUARD_MS });
  app = createApp(services as Services, [createBroadcastsModule(services as Services, { messenger })]);
}, HANG_GUARD_MS);

afterAll(async () => {
  await sim?.close();
  await services?.database.close();
});

describe('send a test to me', () => {
  test('when the sender has not linked a verified LINE account, then a test send is refused and nothing is sent', async () => {
    const refused = await request(app)
      .post('/api/console/broadcasts/test')
      .set(as)
      .send({ messages: MESSAGES });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('console_line.not_linked');
    expect(await pushedTo(MINE)).toEqual([]);
  });

  test('when the sender links their LINE account, then a one-time code is pushed to it; a wrong code is refused, the right one verifies it', async () => {
    const code = await link(MINE);
    expect((await pushedTo(MINE))[0]!.text).toMatch(/^Your Proofline console code: \d{6} /);
    expect((await request(app).get('/api/console/me/line').set(as)).body).toEqual({
      lineUserId: MINE,
      verified: false,
      codePending: true,
    });
    // A second code within the minute: refused (the LINE user is not flooded).
    const again = await request(app).post('/api/console/me/line').set(as).send({ lineUserId: MINE });
    expect(again.status).toBe(429);
    expect(await pushedTo(MINE)).toHaveLength(1);

    const wrong = code === '000000' ? '111111' : '000000';
    const refused = await request(app).post('/api/console/me/line/verify').set(as).send({ code: wrong });
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('console_line.code_invalid');
    const malformed = await request(app).post('/api/console/me/line/verify').set(as).send({ code: 'abc' });
    expect(malformed.status).toBe(400);
    expect(JSON.stringify(malformed.body.error)).toContain('6-digit code');

    const verified = await request(app).post('/api/console/me/line/verify').set(as).send({ code });
    expect(verified.status).toBe(200);
    expect(verified.body).toEqual({ lineUserId: MINE, verified: true, codePending: false });
    // The code is used up.
    const reused = await request(app).post('/api/console/me/line/verify').set(as).send({ code });
    expect(reused.status).toBe(400);
  });

  test('when the sender sends a test, then their own LINE account gets their language version with placeholders filled — once, by push with a retry key, audited, and no broadcast delivery is recorded', async () => {
    const sent = await request(app)
      .post('/api/console/broadcasts/test')
      .set(as)
      .send({ messages: MESSAGES, languages: LANGUAGES, locale: 'zh-TW' });
    expect(sent.status).toBe(200);
    expect(sent.body).toMatchObject({ lineUserId: MINE, locale: 'en', sentThisHour: 1 });
    const texts = (await pushedTo(MINE)).map((message) => message.text);
    expect(texts.slice(1)).toEqual(['Hi Mei, you have 120 points']);
    const { requests } = (await (await fetch(`${sim.url}/__sim/send-requests?via=push`)).json()) as {
      requests: { retryKey?: string; body: { to: string } }[];
    };
    expect(requests.filter((entry) => entry.body.to === MINE).every((entry) => entry.retryKey)).toBe(true);

    const db = services.database.db;
    expect(await db.select().from(broadcasts)).toEqual([]);
    expect(await db.select().from(broadcastRecipients)).toEqual([]);
    const audited = await db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.brandId, BRAND), eq(auditLog.action, 'broadcast.test_sent')));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorId: 'marketer-1', data: { lineUserId: MINE, locale: 'en' } });
  });

  test('when a test send has bad input, then it is a 400 naming the field and nothing is sent', async () => {
    const before = (await pushedTo(MINE)).length;
    const bad = await request(app)
      .post('/api/console/broadcasts/test')
      .set(as)
      .send({ messages: [{ type: 'text', text: '  ' }] });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error)).toContain('messages.0');
    expect(await pushedTo(MINE)).toHaveLength(before);
  });

  test(`when the sender sends more than ${TEST_SENDS_PER_HOUR} tests in an hour, then the next is refused (429) until the hour has passed`, async () => {
    const before = (await pushedTo(MINE)).length;
    // One was sent above; send the rest of the hour's allowance at once (the link row takes them in turn).
    const burst = await Promise.all(
      Array.from({ length: TEST_SENDS_PER_HOUR }, () =>
        request(app).post('/api/console/broadcasts/test').set(as).send({ messages: MESSAGES }),
      ),
    );
    const statuses = burst.map((response) => response.status).sort();
    expect(statuses.filter((status) => status === 200)).toHaveLength(TEST_SENDS_PER_HOUR - 1);
    expect(statuses.filter((status) => status === 429)).toHaveLength(1);
    expect(burst.find((response) => response.status === 429)!.body.error.code).toBe(
      'broadcast.test_rate_limited',
    );
    expect(await pushedTo(MINE)).toHaveLength(before + TEST_SENDS_PER_HOUR - 1);

    services.clock.advanceBy(3_600_000);
    const later = await request(app)
      .post('/api/console/broadcasts/test')
      .set(as)
      .send({ messages: MESSAGES });
    expect(later.status).toBe(200);
  });

  test('when the sender re-links to a LINE account that is not a member, then tests wait for its code, then go in the console language with their own name', async () => {
    services.clock.advanceBy(120_000);
    const code = await link(OTHER, 'zh-TW');
    expect((await pushedTo(OTHER))[0]!.text).toMatch(/^Proofline 後台驗證碼：\d{6}/);
    const waiting = await request(app)
      .post('/api/console/broadcasts/test')
      .set(as)
      .send({ messages: MESSAGES });
    expect(waiting.status).toBe(409);
    expect((await request(app).post('/api/console/me/line/verify').set(as).send({ code })).status).toBe(200);
    const sent = await request(app)
      .post('/api/console/broadcasts/test')
      .set(as)
      .send({ messages: MESSAGES, languages: LANGUAGES, locale: 'zh-TW' });
    expect(sent.status).toBe(200);
    expect((await pushedTo(OTHER)).map((message) => message.text).slice(1)).toEqual([
      'marketer-1，好茶新品！',
    ]);

    const unlinked = await request(app).delete('/api/console/me/line').set(as);
    expect(unlinked.body).toEqual({ lineUserId: null, verified: false, codePending: false });
    const refused = await request(app)
      .post('/api/console/broadcasts/test')
      .set(as)
      .send({ messages: MESSAGES });
    expect(refused.status).toBe(409);
  });
});
