import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import type { Services } from '../../core/app/build-services.js';
import { auditLog } from '../../core/audit/index.js';
import { createConsoleUser, grantConsoleMembership, type ConsoleRole } from '../../core/console/index.js';
import { teaCampaignBody } from '../campaigns/campaigns-support.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const PASSWORD = 'correct horse battery';
const BRAND_A = 'brd_audit_a';
const BRAND_B = 'brd_audit_b';

let services: TestServices;
let app: Express;
let ownerCookie: string;
let marketerCookie: string;
let marketerId: string;

function brand(id: string, slug: string) {
  return {
    id,
    slug,
    name: slug,
    country: 'TW' as const,
    defaultLocale: 'en' as const,
    timezone: 'Asia/Taipei',
  };
}

async function signIn(email: string, memberships: [string, ConsoleRole][]) {
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  const { user } = await createConsoleUser(deps, { email, name: email.split('@')[0]!, password: PASSWORD });
  for (const [brandId, role] of memberships)
    await grantConsoleMembership(deps, { userId: user.id, brandId, role });
  const response = await request(app).post('/api/console/session').send({ email, password: PASSWORD });
  const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
  return { cookie: cookie.split(';')[0] as string, userId: user.id };
}

const get = (path: string, cookie = ownerCookie) =>
  request(app).get(path).set('cookie', cookie).set('x-proofline-brand', 'audit-a');

beforeAll(async () => {
  services = await buildTestServices({
    config: { localMode: false },
    seed: {
      brands: [brand(BRAND_A, 'audit-a'), brand(BRAND_B, 'audit-b')],
      // Around midnight in Taipei (UTC+8) on 1–2 March 2026, and a row of the other brand.
      auditLog: [
        {
          id: 'aud_seed_1',
          brandId: BRAND_A,
          actorType: 'system',
          actorId: null,
          action: 'draw.run',
          targetType: 'draw',
          targetId: 'drw_1',
          createdAt: new Date('2026-02-28T15:59:00Z'),
        },
        {
          id: 'aud_seed_2',
          brandId: BRAND_A,
          actorType: 'system',
          actorId: null,
          action: 'draw.run',
          targetType: 'draw',
          targetId: 'drw_2',
          createdAt: new Date('2026-02-28T16:00:00Z'),
        },
        {
          id: 'aud_seed_3',
          brandId: BRAND_A,
          actorType: 'system',
          actorId: null,
          action: 'draw.run',
          targetType: 'draw',
          targetId: 'drw_3',
          createdAt: new Date('2026-03-01T15:59:59Z'),
        },
        {
          id: 'aud_seed_4',
          brandId: BRAND_A,
          actorType: 'system',
          actorId: null,
          action: 'draw.run',
          targetType: 'draw',
          targetId: 'drw_4',
          createdAt: new Date('2026-03-01T16:00:00Z'),
        },
        {
          id: 'aud_seed_b',
          brandId: BRAND_B,
          actorType: 'system',
          actorId: null,
          action: 'draw.run',
          targetType: 'draw',
          targetId: 'drw_b',
          createdAt: new Date('2026-03-01T10:00:00Z'),
        },
      ],
    },
    now: '2026-03-05T02:00:00.000Z',
  });
  app = createApp(services as Services, buildAppModules(services as Services));
  ({ cookie: ownerCookie } = await signIn('owner@audit-a.example', [[BRAND_A, 'owner']]));
  ({ cookie: marketerCookie, userId: marketerId } = await signIn('marketer@audit-a.example', [
    [BRAND_A, 'marketer'],
  ]));
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('the audit trail of console actions', () => {
  test('when a marketer creates a reward and a segment, then each is audited with who, what and the target', async () => {
    const reward = await request(app)
      .post('/api/console/rewards')
      .set('cookie', marketerCookie)
      .send({ kind: 'item', name: { en: 'Tumbler' }, pointsPrice: 10, stock: 2 });
    expect(reward.status).toBe(201);
    const segment = await request(app)
      .post('/api/console/segments')
      .set('cookie', marketerCookie)
      .send({ name: 'everyone', condition: { type: 'all' } });
    expect(segment.status).toBe(201);

    const rows = await services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.brandId, BRAND_A), eq(auditLog.actorId, marketerId)));
    expect(rows.map((row) => [row.action, row.targetType, row.targetId])).toEqual(
      expect.arrayContaining([
        ['reward.created', 'reward', reward.body.reward.id],
        ['segment.created', 'segment', segment.body.id],
      ]),
    );
    const created = rows.find((row) => row.action === 'reward.created');
    expect(created!.data).toMatchObject({ by: 'marketer@audit-a.example', pointsPrice: 10 });
  });

  test('when an action is refused (400), then nothing is audited', async () => {
    const before = await services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'reward.created'));
    const response = await request(app)
      .post('/api/console/rewards')
      .set('cookie', marketerCookie)
      .send({ kind: 'item' });
    expect(response.status).toBe(400);
    const after = await services.database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'reward.created'));
    expect(after).toHaveLength(before.length);
  });
});

/**
 * Every state-changing console route, with the audit action its use case writes in the change's
 * transaction, or why it writes none. A new route fails this test until it is listed here: audit it in its
 * use case (recordConsoleAction in the transaction), or say why it changes no value or data.
 */
const CONSOLE_CHANGES: Record<string, string> = {
  'POST /api/console/session': 'console.sign_in / console.sign_in_failed / console.sign_in_throttled',
  'DELETE /api/console/session': 'console.sign_out',
  'POST /api/console/rewards': 'reward.created',
  'PATCH /api/console/rewards/:rewardId': 'reward.updated',
  'POST /api/console/rewards/:rewardId/coupon-codes': 'reward.coupon_codes_added',
  'POST /api/console/redemptions/:redemptionId/fulfil': 'redemption.fulfilled',
  'POST /api/console/redemptions/:redemptionId/cancel': 'redemption.cancelled',
  'POST /api/console/points/adjustments': 'points.adjusted',
  'POST /api/console/instant-prizes': 'instant_prize.created',
  'PATCH /api/console/instant-prizes/:prizeId': 'instant_prize.updated',
  'POST /api/console/draws': 'draw.opened',
  'POST /api/console/draws/:drawId/run': 'draw.run',
  'POST /api/console/draws/:drawId/winners/:winnerId/forfeit': 'draw.winner_forfeited',
  'POST /api/console/draws/:drawId/promote-reserves': 'draw.reserves_promoted',
  'POST /api/console/reward-images': 'none: stores an image blob; the reward that uses it is audited',
  'PUT /api/console/draws/:drawId/permit': 'draw.permit_set',
  'POST /api/console/segments': 'segment.created',
  'POST /api/console/segments/preview': 'none: counts, saves nothing',
  'PATCH /api/console/segments/:id': 'segment.updated',
  'DELETE /api/console/segments/:id': 'segment.deleted',
  'POST /api/console/broadcasts':
    'broadcast.created (what it does if quiet hours begin mid-send, and whether the sender chose it; a narrowcast: its method and filter in the data)',
  'POST /api/console/broadcasts/:id/send': 'broadcast.sent (+ broadcast.quiet_hours_overridden)',
  'POST /api/console/broadcasts/:id/cancel': 'broadcast.cancelled',
  'POST /api/console/me/line': 'console.line_link_code_sent',
  'POST /api/console/me/line/verify': 'console.line_linked',
  'DELETE /api/console/me/line': 'console.line_unlinked',
  'POST /api/console/broadcasts/test': 'broadcast.test_sent',
  'POST /api/console/analytics/products': 'analytics.product_saved',
  'POST /api/console/analytics/mappings': 'analytics.mapping_saved',
  'DELETE /api/console/analytics/mappings': 'analytics.mapping_removed',
  'POST /api/console/analytics/exports': 'analytics.export_requested',
  'POST /api/console/campaigns': 'campaign.created',
  'PUT /api/console/campaigns/:ref': 'campaign.updated',
  'POST /api/console/campaigns/:ref/publish': 'campaign.published',
  'POST /api/console/campaigns/:ref/pause': 'campaign.paused',
  'POST /api/console/campaigns/:ref/end': 'campaign.ended',
  'POST /api/console/campaigns/:ref/clone': 'campaign.cloned',
  'POST /api/console/campaigns/:ref/check': 'none: checks proofs against the rules, saves nothing',
  'POST /api/console/campaigns/:ref/what-if': 'none: a simulation, saves nothing',
  'PUT /api/console/campaigns/:ref/survey': 'campaign.survey_saved',
  'POST /api/console/campaigns/:ref/preview': 'none: renders texts, saves nothing',
  'POST /api/console/review/next': 'none: leases the next proof (a lock, no decision)',
  'POST /api/console/review/items/:submissionId/lease': 'none: a lock, no decision',
  'DELETE /api/console/review/items/:submissionId/lease': 'none: releases a lock',
  'POST /api/console/review/items/:submissionId/preview': 'none: computes the decision, saves nothing',
  'POST /api/console/review/items/:submissionId/approve': 'review decision (approve)',
  'POST /api/console/review/items/:submissionId/reject': 'review decision (reject)',
  'POST /api/console/members/:memberId/erase': 'console.member_erased / member.erased',
  'POST /api/console/team/invitations': 'team.invited',
  'DELETE /api/console/team/invitations/:invitationId': 'team.invitation_revoked',
  'PATCH /api/console/team/users/:userId': 'team.role_changed / team.member_disabled / team.member_enabled',
  'POST /api/console/invitations/lookup': 'none: reads an invitation',
  'POST /api/console/invitations/accept': 'team.invitation_accepted',
  'PATCH /api/console/settings/brand': 'settings.brand_updated',
  'PATCH /api/console/settings/broadcasts': 'settings.broadcasts_updated (before and after)',
  'POST /api/console/settings/channels': 'settings.channel_saved',
  'PATCH /api/console/settings/channels/:channelId': 'settings.channel_saved',
  'POST /api/console/settings/channels/:channelId/test': 'settings.channel_tested',
  'POST /api/console/settings/channels/:channelId/rich-menu': 'settings.rich_menu_set',
};

type Layer = {
  route?: { path: string | string[] | RegExp; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
};

function consoleChangeRoutes(): string[] {
  const found: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      const paths = ([] as unknown[]).concat(layer.route?.path ?? []).map(String);
      for (const path of paths.filter((candidate) => candidate.includes('/api/console')))
        for (const method of Object.keys(layer.route!.methods))
          if (method !== 'get' && method !== 'head') found.push(`${method.toUpperCase()} ${path}`);
      if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  for (const module of buildAppModules(services as Services))
    for (const router of [module.raw, module.json])
      if (router) walk((router as unknown as { stack: Layer[] }).stack);
  return [...new Set(found)].sort();
}

describe('the console routes that change something', () => {
  test('when the app is built, then every state-changing console route is listed with its audit action or why it has none', () => {
    expect(consoleChangeRoutes()).toEqual(Object.keys(CONSOLE_CHANGES).sort());
  });

  test('when a marketer edits and publishes a campaign, then the rows are the use case’s, one per change', async () => {
    const created = await request(app)
      .post('/api/console/campaigns')
      .set('cookie', marketerCookie)
      .send(teaCampaignBody({ slug: 'audited-tea' }));
    expect(created.status).toBe(201);
    const id = created.body.campaign.id as string;
    for (let i = 0; i < 2; i++)
      expect(
        (
          await request(app)
            .post(`/api/console/campaigns/${id}/publish`)
            .set('cookie', marketerCookie)
            .send({})
        ).status,
      ).toBe(200);

    const rows = await services.database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(rows.map((row) => [row.action, row.actorId]).sort()).toEqual([
      ['campaign.created', marketerId],
      ['campaign.published', marketerId],
    ]);
  });
});

describe('GET /api/console/audit', () => {
  test('when the owner reads it, then the brand’s rows come newest first with the actor’s name, never another brand’s', async () => {
    const response = await get('/api/console/audit');

    expect(response.status).toBe(200);
    const ids = response.body.entries.map((entry: { id: string }) => entry.id);
    expect(ids).not.toContain('aud_seed_b');
    const times = response.body.entries.map((entry: { createdAt: string }) => entry.createdAt);
    expect([...times].sort().reverse()).toEqual(times);
    const byMarketer = response.body.entries.find(
      (entry: { action: string }) => entry.action === 'segment.created',
    );
    expect(byMarketer).toMatchObject({ actorName: 'marketer', actorEmail: 'marketer@audit-a.example' });
  });

  test('when filtered by actor, action, area and target kind, then only matching rows come', async () => {
    const byActor = await get(`/api/console/audit?actor=${marketerId}`);
    expect(new Set(byActor.body.entries.map((e: { actorId: string }) => e.actorId))).toEqual(
      new Set([marketerId]),
    );

    const byAction = await get('/api/console/audit?action=segment.created');
    expect(byAction.body.entries.map((e: { action: string }) => e.action)).toEqual(['segment.created']);

    const byArea = await get('/api/console/audit?action=draw.');
    expect(byArea.body.entries).toHaveLength(4);

    const byTarget = await get('/api/console/audit?target=reward');
    expect(byTarget.body.entries.map((e: { action: string }) => e.action)).toEqual(['reward.created']);
  });

  test('when a date range is given, then its days are the brand’s (Taipei) days, both included', async () => {
    const response = await get('/api/console/audit?action=draw.run&from=2026-03-01&to=2026-03-01');

    expect(response.status).toBe(200);
    expect(response.body.entries.map((e: { id: string }) => e.id)).toEqual(['aud_seed_3', 'aud_seed_2']);
  });

  test('when read a page at a time, then the pages neither skip nor repeat a row', async () => {
    const first = await get('/api/console/audit?action=draw.&limit=3');
    expect(first.body.entries).toHaveLength(3);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await get(`/api/console/audit?action=draw.&limit=3&after=${first.body.next}`);
    expect(second.body.next).toBeNull();
    const ids = [...first.body.entries, ...second.body.entries].map((e: { id: string }) => e.id);
    expect(ids).toEqual(['aud_seed_4', 'aud_seed_3', 'aud_seed_2', 'aud_seed_1']);
  });

  test('when the input is bad, then 400 naming the field', async () => {
    const badDate = await get('/api/console/audit?from=yesterday');
    expect(badDate.status).toBe(400);
    expect(badDate.body.error.message).toContain('from');
    const badCursor = await get('/api/console/audit?after=nonsense');
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.error.code).toBe('audit.cursor_invalid');
  });

  test('when the facets are asked, then the actions, target kinds and actors of this brand come', async () => {
    const response = await get('/api/console/audit/facets');

    expect(response.status).toBe(200);
    expect(response.body.actions).toEqual(
      expect.arrayContaining(['draw.run', 'reward.created', 'segment.created']),
    );
    expect(response.body.targetTypes).toEqual(expect.arrayContaining(['draw', 'reward', 'segment']));
    // Both signed in (their sign-ins are the brand's audit rows); only the marketer changed anything else.
    expect(response.body.actors).toEqual([
      { id: marketerId, name: 'marketer', email: 'marketer@audit-a.example' },
      { id: expect.any(String), name: 'owner', email: 'owner@audit-a.example' },
    ]);
  });

  test('when someone signs in, or fails to, then the brand’s audit log shows it, and no other brand’s', async () => {
    await request(app)
      .post('/api/console/session')
      .send({ email: 'marketer@audit-a.example', password: 'wrong password!' })
      .expect(401);

    const response = await get('/api/console/audit?action=console.');

    const mine = response.body.entries.filter((e: { actorId: string }) => e.actorId === marketerId);
    expect(mine.map((e: { action: string }) => e.action)).toEqual([
      'console.sign_in_failed',
      'console.sign_in',
    ]);
    expect(mine[0]).toMatchObject({
      actorEmail: 'marketer@audit-a.example',
      data: { reason: 'wrong_password' },
    });
    const other = await request(app)
      .get('/api/console/audit?action=console.')
      .set('cookie', ownerCookie)
      .set('x-proofline-brand', 'audit-b');
    expect(other.status).toBe(403);
    const rowsOfB = await services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.brandId, BRAND_B), eq(auditLog.actorId, marketerId)));
    expect(rowsOfB).toEqual([]);
  });

  test('when a marketer asks, then 403', async () => {
    expect((await get('/api/console/audit', marketerCookie)).status).toBe(403);
  });
});
