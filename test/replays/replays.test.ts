import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { createCampaignsConsoleModule } from '../../bot/campaigns/index.js';
import { createConsoleModule } from '../../bot/console/index.js';
import { createApp } from '../../bot/create-app.js';
import type { Services } from '../../core/app/build-services.js';
import { createConsoleUser, grantConsoleMembership } from '../../core/console/index.js';
import { runNextCampaignReplay, type ReplayResult } from '../../core/replays/index.js';
import type { TestSeed } from '../support/database.js';
import { twCampaignRow } from '../support/seed-campaign.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { createCampaignReplaysWorker } from '../../jobs/campaign-replays.job.js';

const BRAND = 'brd_whatif';
const CAMPAIGN = 'cmp_whatif';
const PASSWORD = 'correct horse battery';

/** Verdicts as the decision path stores them: every rule passed but `failed`. */
const verdicts = (failed?: { rule: string; reasonKey: string }) =>
  failed
    ? [{ ...failed, passed: false, params: {} }]
    : [{ rule: 'min_amount', passed: true, reasonKey: 'rules.min_amount.ok', params: {} }];

const invoice = (n: number, date: string, seller: string, items: [string, number, number][]) => ({
  id: `inv_w${n}`,
  brandId: BRAND,
  kind: 'einvoice' as const,
  invoiceNumber: `WI${String(10_000_000 + n)}`,
  invoiceDate: date,
  sellerTaxId: seller === '便宜茶行' ? '12345678' : '28414044',
  sellerName: seller,
  currency: 'TWD' as const,
  totalAmountMinor: items.reduce((sum, [, quantity, unit]) => sum + quantity * unit * 100, 0),
  status: 'verified' as const,
  source: 'text' as const,
});
const items = (n: number, list: [string, number, number][]) =>
  list.map(([name, quantity, unit], index) => ({
    id: `itm_w${n}_${index}`,
    brandId: BRAND,
    invoiceId: `inv_w${n}`,
    lineNo: index + 1,
    name,
    normalizedName: name,
    quantity: String(quantity),
    unitPriceMinor: unit * 100,
    amountMinor: quantity * unit * 100,
  }));

type Row = {
  n: number;
  member: string;
  at: string;
  state: 'accepted' | 'rewarded' | 'rejected' | 'in_review';
  seller?: string;
  lines?: [string, number, number][];
  failed?: { rule: string; reasonKey: string };
  rewards?: { points: number; entries: number };
  reasonCode?: string;
};

/**
 * Hand-built history (now: 15 Feb 2026, Taipei; the last 30 days start 16 Jan 04:00Z). The saved rules:
 * tea items, at least NT$100 on the total, 便宜 stores refused; 1 point per NT$10, 1 entry per proof.
 */
const HISTORY: Row[] = [
  {
    n: 1,
    member: 'mbr_a',
    at: '2026-02-01T02:00:00Z',
    state: 'rewarded',
    lines: [['好茶烏龍', 3, 60]],
    rewards: { points: 18, entries: 1 },
  },
  {
    n: 2,
    member: 'mbr_a',
    at: '2026-02-02T02:00:00Z',
    state: 'rejected',
    lines: [['好茶烏龍', 1, 60]],
    failed: { rule: 'min_amount', reasonKey: 'rules.min_amount.below_minimum' },
  },
  {
    n: 3,
    member: 'mbr_b',
    at: '2026-02-03T02:00:00Z',
    state: 'rejected',
    seller: '便宜茶行',
    lines: [['便宜綠茶', 3, 60]],
    failed: { rule: 'stores', reasonKey: 'rules.stores.denied' },
  },
  {
    n: 4,
    member: 'mbr_b',
    at: '2026-02-04T02:00:00Z',
    state: 'accepted',
    lines: [['好茶烏龍', 2, 60]],
    rewards: { points: 12, entries: 1 },
  },
  // Refused by the e-invoice platform: no rule decided it, so no draft can change it.
  {
    n: 5,
    member: 'mbr_c',
    at: '2026-02-05T02:00:00Z',
    state: 'rejected',
    lines: [['好茶烏龍', 3, 60]],
    reasonCode: 'verification.not_uploaded',
  },
  // Outside the last 30 days, and not decided yet: neither is replayed.
  {
    n: 6,
    member: 'mbr_c',
    at: '2026-01-10T02:00:00Z',
    state: 'accepted',
    lines: [['好茶烏龍', 3, 60]],
    rewards: { points: 18, entries: 1 },
  },
  { n: 8, member: 'mbr_c', at: '2026-02-08T02:00:00Z', state: 'in_review', lines: [['好茶烏龍', 3, 60]] },
];

function seed(): TestSeed {
  const withInvoice = HISTORY.filter((row) => row.lines);
  return {
    brands: [
      {
        id: BRAND,
        slug: 'whatif',
        name: '好茶',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      },
    ],
    members: ['mbr_a', 'mbr_b', 'mbr_c', 'mbr_d'].map((id, index) => ({
      id,
      brandId: BRAND,
      lineUserId: `U${String(index + 1).padStart(32, '0')}`,
      locale: 'zh-TW' as const,
    })),
    campaigns: [
      twCampaignRow({
        id: CAMPAIGN,
        brandId: BRAND,
        slug: 'oolong',
        name: { en: 'Oolong' },
        version: 1,
        proofKinds: ['einvoice_text'],
        rules: {
          itemGroups: [{ key: 'tea', keywords: ['茶'] }],
          minAmount: { basis: 'total', amountMinor: 10_000 },
          stores: { deny: { namePatterns: ['便宜'] } },
        },
        rewards: { points: { basis: 'total', stepAmountMinor: 1_000, perStep: 1 }, entries: { perProof: 1 } },
      }),
    ],
    invoices: withInvoice.map((row) =>
      invoice(row.n, row.at.slice(0, 10), row.seller ?? '好茶專賣店', row.lines!),
    ),
    invoiceItems: withInvoice.flatMap((row) => items(row.n, row.lines!)),
    submissions: [
      ...HISTORY.map((row) => ({
        id: `sub_w${row.n}`,
        brandId: BRAND,
        campaignId: CAMPAIGN,
        memberId: row.member,
        kind: 'einvoice_text' as const,
        channel: 'chat' as const,
        rawInput: {},
        state: row.state,
        proofKey: `WI${row.n}`,
        invoiceId: row.lines ? `inv_w${row.n}` : null,
        reasonCode: row.reasonCode ?? row.failed?.reasonKey ?? null,
        campaignVersion: 1,
        decision:
          row.state === 'in_review'
            ? null
            : {
                qualifies: row.state !== 'rejected',
                verdicts: row.reasonCode ? [] : verdicts(row.failed),
                rewards: {
                  points: row.rewards?.points ?? 0,
                  entries: row.rewards?.entries ?? 0,
                  instantWin: false,
                },
              },
        createdAt: new Date(row.at),
        decidedAt: row.state === 'in_review' ? null : new Date(row.at),
      })),
      // Accepted by a reviewer without an invoice row: kept as decided.
      {
        id: 'sub_w7',
        brandId: BRAND,
        campaignId: CAMPAIGN,
        memberId: 'mbr_d',
        kind: 'receipt' as const,
        channel: 'chat' as const,
        rawInput: {},
        state: 'accepted' as const,
        proofKey: 'WI7',
        decision: { qualifies: true, verdicts: [], rewards: { points: 5, entries: 1, instantWin: false } },
        createdAt: new Date('2026-02-06T02:00:00Z'),
        decidedAt: new Date('2026-02-06T02:00:00Z'),
      },
    ],
  };
}

/** The draft: NT$50 is enough, no store refused, one proof per member, 2 points per NT$10. */
const DRAFT = {
  rules: {
    itemGroups: [{ key: 'tea', keywords: ['茶'] }],
    minAmount: { basis: 'total', amountMinor: 5_000 },
    caps: { perMemberPerCampaign: 1 },
  },
  rewards: { points: { basis: 'total', stepAmountMinor: 1_000, perStep: 2 }, entries: { perProof: 1 } },
};

describe('what-if replay (POST/GET /api/console/campaigns/:ref/what-if, the campaign-replays worker)', () => {
  let services: TestServices;
  let app: Express;
  let cookie: string;
  let viewerCookie: string;

  async function signIn(email: string, role: 'marketer' | 'viewer') {
    const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
    const { user } = await createConsoleUser(deps, { email, name: email, password: PASSWORD });
    await grantConsoleMembership(deps, { userId: user.id, brandId: BRAND, role });
    const response = await request(app).post('/api/console/session').send({ email, password: PASSWORD });
    return (([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string).split(
      ';',
    )[0] as string;
  }

  beforeAll(async () => {
    services = await buildTestServices({
      seed: seed(),
      now: '2026-02-15T04:00:00Z',
      config: { localMode: false },
    });
    app = createApp(services as Services, [
      createConsoleModule(services as Services),
      createCampaignsConsoleModule(services as Services),
    ]);
    cookie = await signIn('mia@tea.example', 'marketer');
    viewerCookie = await signIn('vic@tea.example', 'viewer');
  });
  afterAll(async () => {
    await services.database.close();
  });

  const post = (body: unknown, as = cookie) =>
    request(app)
      .post('/api/console/campaigns/oolong/what-if')
      .set('cookie', as)
      .send(body as object);
  const get = (id: string) =>
    request(app).get(`/api/console/campaigns/oolong/what-if/${id}`).set('cookie', viewerCookie);

  test('when a draft is replayed, then the counts, the flips by rule, the examples and the cost are as computed by hand', async () => {
    const queued = await post({ ...DRAFT, days: 30 });
    expect(queued.status).toBe(202);
    expect(queued.body.replay).toMatchObject({
      state: 'queued',
      total: 6,
      processed: 0,
      days: 30,
      baseVersion: 1,
    });

    // The worker, with pages of 2 so progress is saved between pages.
    const worker = createCampaignReplaysWorker(services as Services, { pageSize: 2 });
    expect(await worker.runOnce()).toBe(1);
    expect(await worker.runOnce()).toBe(0);

    const done = await get(queued.body.replay.id);
    expect(done.status).toBe(200);
    expect(done.body.replay).toMatchObject({ state: 'done', total: 6, processed: 6 });
    const result = done.body.replay.result as ReplayResult;
    // 1: accepted both ways (36 points now). 2: NT$60 passes NT$50 now, but member A already has one
    // (cap). 3: the 便宜 store is no longer refused → gained (by "stores"). 4: member B's second → lost
    // (by "caps"). 5 (platform) and 7 (no invoice) stay as decided.
    expect(result).toMatchObject({
      total: 6,
      replayed: 4,
      notReplayable: 2,
      before: { accepted: 3, rejected: 3 },
      after: { accepted: 3, rejected: 3, needsReview: 0 },
      changed: { gained: 1, lost: 1 },
      cost: {
        points: { before: 35, after: 77, extra: 42 },
        entries: { before: 3, after: 3, extra: 0 },
      },
    });
    expect(result.buckets).toEqual([
      {
        direction: 'gained',
        rule: 'stores',
        count: 1,
        examples: [
          expect.objectContaining({
            submissionId: 'sub_w3',
            memberId: 'mbr_b',
            proof: 'WI10000003',
            reasonKey: 'rules.stores.denied',
            before: { points: 0, entries: 0 },
            after: { points: 36, entries: 1 },
          }),
        ],
      },
      {
        direction: 'lost',
        rule: 'caps',
        count: 1,
        examples: [
          expect.objectContaining({
            submissionId: 'sub_w4',
            reasonKey: 'rules.cap_per_campaign.reached',
            before: { points: 12, entries: 1 },
            after: { points: 0, entries: 0 },
          }),
        ],
      },
    ]);
  });

  test('when the draft is the saved settings, then nothing flips and nothing costs more', async () => {
    const queued = await post({ days: 30 });
    await runNextCampaignReplay({
      db: services.database.db,
      clock: services.clock,
      generateId: services.generateId,
    });
    const result = (await get(queued.body.replay.id)).body.replay.result as ReplayResult;
    expect(result.changed).toEqual({ gained: 0, lost: 0, review: 0 });
    expect(result.buckets).toEqual([]);
    expect(result.cost.points).toEqual({ before: 35, after: 35, extra: 0 });
  });

  test('when the window is shorter, then only the proofs inside it are replayed', async () => {
    // 15 Feb − 11 days = 4 Feb 04:00Z: proofs 1–4 are before it; 5 and 7 remain (neither replayable).
    const queued = await post({ ...DRAFT, days: 11 });
    expect(queued.body.replay.total).toBe(2);
    await runNextCampaignReplay({
      db: services.database.db,
      clock: services.clock,
      generateId: services.generateId,
    });
    const result = (await get(queued.body.replay.id)).body.replay.result as ReplayResult;
    expect(result).toMatchObject({ total: 2, replayed: 0, notReplayable: 2 });
  });

  test('when the draft is invalid or the caller may not write, then 400 naming the path / 403, and nothing is queued', async () => {
    const bad = await post({ rules: { minAmount: { basis: 'total', amountMinor: -1 } } });
    expect(bad.status).toBe(400);
    expect(Object.keys(bad.body.error.fieldErrors)).toEqual(['rules.minAmount.amountMinor']);
    expect((await post({ days: 0 })).status).toBe(400);
    expect((await post(DRAFT, viewerCookie)).status).toBe(403);
    expect((await get('rpl_missing')).status).toBe(404);
    expect(
      await runNextCampaignReplay({
        db: services.database.db,
        clock: services.clock,
        generateId: services.generateId,
      }),
    ).toEqual({
      processed: 0,
    });
  });
});
