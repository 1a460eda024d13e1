import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { createBroadcastsModule } from '../../bot/broadcasts/index.js';
import { createApp } from '../../bot/create-app.js';
import type { Services } from '../../core/app/build-services.js';
import {
  broadcastRecipients,
  deliverBroadcastChunks,
  linksIn,
  rewriteLinks,
  withUtmTags,
  type BroadcastReport,
} from '../../core/broadcasts/index.js';
import { createLineSdkMessenger, type LineMessenger } from '../../core/messaging/index.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import { seedDatabase, type TestSeed } from '../support/database.js';
import { twCampaignRow } from '../support/seed-campaign.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { buildTestServices, type TestServices } from '../support/services.js';

const TW = 'brd_res';
/** 12:00 in Taipei on 10 March: the broadcast starts now; its results window ends 17 March 12:00. */
const NOW = '2026-03-10T04:00:00Z';
const PUBLIC = 'https://proofline.example';
const CHANNEL = { lineChannelId: '2500000001', channelAccessToken: 'res-token' };
const MEMBERS = 20;
const lineIdOf = (n: number) => `U${(0xe000 + n).toString(16).padStart(32, '0')}`;
const at = (days: number) => new Date(new Date(NOW).getTime() + days * 86_400_000);

const seed: TestSeed = {
  brands: [
    { id: TW, slug: 'res', name: '好茶', country: 'TW', defaultLocale: 'zh-TW', timezone: 'Asia/Taipei' },
  ],
  lineChannels: [{ id: 'chn_res', brandId: TW, name: 'tw', channelSecret: 's', ...CHANNEL }],
  campaigns: [
    twCampaignRow({
      id: 'cmp_res',
      brandId: TW,
      slug: 'tea',
      name: { 'zh-TW': '好茶' },
    }),
  ],
  members: Array.from({ length: MEMBERS }, (_, i) => ({
    id: `mbr_res${String(i + 1).padStart(2, '0')}`,
    brandId: TW,
    lineUserId: lineIdOf(i + 1),
    locale: 'zh-TW' as const,
    displayName: `會員${i + 1}`,
  })),
};

const MESSAGES = [
  { type: 'text', text: '好茶週開跑 https://tea.example/week?x=1 。' },
  {
    type: 'flex',
    altText: '好茶週',
    contents: {
      type: 'bubble',
      hero: { type: 'image', url: 'https://cdn.tea.example/week.jpg', size: 'full' },
      footer: {
        type: 'box',
        layout: 'vertical',
        contents: [
          { type: 'button', action: { type: 'uri', label: '去逛逛', uri: 'https://tea.example/shop' } },
        ],
      },
    },
  },
];

let services: TestServices;
let sim: LineSimulator;
let app: Express;
let messenger: LineMessenger;
const as = { 'x-proofline-reviewer': 'marketer-1', 'x-proofline-brand': TW };

beforeAll(async () => {
  services = await buildTestServices({
    now: NOW,
    seed,
    config: { server: { port: 0, host: '127.0.0.1', publicBaseUrl: PUBLIC } },
  });
  sim = await startLineSimulator();
  sim.state.channels.set(CHANNEL.lineChannelId, {
    ...CHANNEL,
    channelSecret: 's',
    webhookUrl: undefined,
    defaultRichMenuId: undefined,
  });
  await fetch(`${sim.url}/__sim/friends`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      channelId: CHANNEL.lineChannelId,
      users: seed.members!.map((member) => ({ userId: member.lineUserId })),
    }),
  });
  // The time-out is a hang guard, not under test here: a loaded machine answers slower than LINE.
  // The time-out is a hang guard, not under test here: a loaded machine answers slower than LINE does.
  messenger = createLineSdkMessenger({ apiBaseUrl: sim.url, sendTimeoutMs: HANG_GUARD_MS });
  app = createApp(services as Services, [createBroadcastsModule(services as Services, { messenger })]);
}, HANG_GUARD_MS);
afterAll(async () => {
  await sim?.close();
  await services?.database.close();
});

describe('tracked links (models)', () => {
  test('when messages hold links in text and in actions, then those are found and rewritten, image urls are not', () => {
    expect(linksIn(MESSAGES)).toEqual(['https://tea.example/week?x=1', 'https://tea.example/shop']);
    const rewritten = rewriteLinks(MESSAGES, (url) => `R(${url.length})`);
    expect(JSON.stringify(rewritten)).toContain('好茶週開跑 R(28) 。');
    expect(JSON.stringify(rewritten)).toContain('"uri":"R(24)"');
    expect(JSON.stringify(rewritten)).toContain('"url":"https://cdn.tea.example/week.jpg"');
  });

  test('when UTM tags are added, then the ones already there are kept', () => {
    expect(withUtmTags('https://tea.example/a?utm_source=ig&x=1', { broadcastId: 'bct_1', group: 'B' })).toBe(
      'https://tea.example/a?utm_source=ig&x=1&utm_medium=broadcast&utm_campaign=bct_1&utm_content=B',
    );
  });
});

describe('a broadcast with tracked links and a holdout', () => {
  let id: string;
  let sentTo: string[];
  let heldOut: string[];
  /** The links member `memberId` received, in the order they appear in the messages. */
  const linksOf = (memberId: string) => {
    const lineUserId = seed.members!.find((member) => member.id === memberId)!.lineUserId;
    const entry = sim.state.timeline.find((item) => item.from === 'bot' && item.userId === lineUserId);
    return [
      ...JSON.stringify(entry ?? {}).matchAll(/https:\/\/proofline\.example\/r\/([A-Za-z0-9_-]+)/g),
    ].map((match) => match[1]!);
  };

  beforeAll(async () => {
    const created = await request(app)
      .post('/api/console/broadcasts')
      .set(as)
      .send({ condition: { type: 'all' }, messages: MESSAGES, holdoutPercent: 50 });
    id = created.body.id;
    await request(app).post(`/api/console/broadcasts/${id}/send`).set(as).expect(202);
    for (let round = 0; round < 10; round++)
      await deliverBroadcastChunks({
        db: services.database.db,
        clock: services.clock,
        logger: services.logger,
        generateId: services.generateId,
        messenger,
      });
    const rows = await services.database.db
      .select()
      .from(broadcastRecipients)
      .where(eq(broadcastRecipients.broadcastId, id));
    sentTo = rows
      .filter((row) => row.status === 'sent')
      .map((row) => row.memberId)
      .sort();
    heldOut = rows
      .filter((row) => row.status === 'held_out')
      .map((row) => row.memberId)
      .sort();
  });

  test('then each recipient got their own links (one request each) and the holdout got nothing', async () => {
    expect(sentTo).toHaveLength(10);
    expect(heldOut).toHaveLength(10);
    const tokens = sentTo.map(linksOf);
    expect(tokens.every((pair) => pair.length === 2)).toBe(true);
    expect(new Set(tokens.flat()).size).toBe(20);
    expect(heldOut.map(linksOf)).toEqual(heldOut.map(() => []));
    const { requests } = (await fetch(`${sim.url}/__sim/send-requests?via=multicast`).then((r) =>
      r.json(),
    )) as { requests: { body: { to: string[] } }[] };
    expect(requests.map((entry) => entry.body.to.length)).toEqual(Array(10).fill(1));
  });

  test('when links are opened, then they redirect with UTM tags and each member counts once per link', async () => {
    const [week0, shop0] = linksOf(sentTo[0]!);
    const [, shop4] = linksOf(sentTo[4]!);

    const first = await request(app).get(`/r/${week0}`);
    await request(app).get(`/r/${week0}`);
    await request(app).get(`/r/${shop0}`);
    await request(app).get(`/r/${shop4}`);

    expect(first.status).toBe(302);
    expect(first.headers.location).toBe(
      `https://tea.example/week?x=1&utm_source=line&utm_medium=broadcast&utm_campaign=${id}&utm_content=A`,
    );
    expect((await request(app).get('/r/nosuchtoken0000')).status).toBe(404);
  });

  test('then the results show clicks and purchases of recipients against the holdout in the 7 days after', async () => {
    const proof = (
      n: number,
      memberId: string,
      days: number,
      state: 'accepted' | 'rewarded' | 'rejected',
    ) => ({
      id: `sub_res${n}`,
      brandId: TW,
      campaignId: 'cmp_res',
      memberId,
      kind: 'einvoice_qr' as const,
      channel: 'chat' as const,
      rawInput: {},
      state,
      createdAt: at(days),
    });
    await seedDatabase(services.database.db, {
      submissions: [
        proof(1, sentTo[0]!, 1, 'accepted'), // counted
        proof(2, sentTo[0]!, 3, 'accepted'), // counted (same member: 1 purchaser, 2 proofs)
        proof(3, sentTo[1]!, 6.9, 'rewarded'), // counted
        proof(4, sentTo[2]!, 7.1, 'accepted'), // after the window
        proof(5, sentTo[3]!, 2, 'rejected'), // not a purchase
        proof(6, heldOut[0]!, 2, 'accepted'), // counted for the holdout
        proof(7, heldOut[1]!, -1, 'accepted'), // before the broadcast
      ],
    });

    const report = (await request(app).get(`/api/console/broadcasts/${id}`).set(as)).body as BroadcastReport;

    expect(report).toMatchObject({ state: 'sent', recipients: 10, sent: 10, holdout: 10 });
    expect(report.results).toEqual({
      days: 7,
      links: [
        { no: 1, url: 'https://tea.example/week?x=1', clickers: 1, clicks: 2 },
        { no: 2, url: 'https://tea.example/shop', clickers: 2, clicks: 2 },
      ],
      groups: [
        { group: 'A', members: 10, clickers: 2, purchasers: 2, proofs: 3 },
        { group: 'holdout', members: 10, clickers: 0, purchasers: 1, proofs: 1 },
      ],
    });
  });
});
