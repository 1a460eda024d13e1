import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { AUDITED_CONSOLE_ROUTES } from '../../bot/audit/index.js';
import { buildAppModules } from '../../bot/start.js';
import type { Services } from '../../core/app/build-services.js';
import { auditLog } from '../../core/audit/index.js';
import { createConsoleUser, grantConsoleMembership, type ConsoleRole } from '../../core/console/index.js';
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

describe('AUDITED_CONSOLE_ROUTES', () => {
  test.each(AUDITED_CONSOLE_ROUTES.map((route) => [route.method, route.path] as const))(
    'when %s %s is called, then a console route answers it (the trail is not watching a path nobody serves)',
    async (method, path) => {
      const concrete = `/api/console${path.replace(/:(\w+)/g, 'missing_$1')}`;
      const verb = method.toLowerCase() as 'post' | 'put' | 'patch' | 'delete';
      const response = await request(app)[verb](concrete).set('cookie', ownerCookie).send({});

      expect(response.body.error?.message ?? '').not.toMatch(/^No route for/);
    },
  );
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
