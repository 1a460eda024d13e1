import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import express, { Router, type Express } from 'express';
import request from 'supertest';
import { consoleActorOf, createConsoleGuard, createConsoleRouter } from '../../bot/console/index.js';
import { createErrorMiddleware } from '../../bot/middlewares/errors.js';
import type { Services } from '../../core/app/build-services.js';
import {
  can,
  CONSOLE_PERMISSION_NAMES,
  CONSOLE_ROLES,
  createConsoleUser,
  grantConsoleMembership,
  permissionsOf,
  type ConsolePermission,
  type ConsoleRole,
} from '../../core/console/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const PASSWORD = 'correct horse battery';

function brand(id: string, slug: string) {
  return {
    id,
    slug,
    name: `Brand ${slug}`,
    country: 'TW' as const,
    defaultLocale: 'zh-TW' as const,
    timezone: 'Asia/Taipei',
  };
}

let services: TestServices;
const deps = () => ({ db: services.database.db, clock: services.clock, generateId: services.generateId });

/** A tiny console API behind the guard: one route per permission, answering with the actor. */
function appWith({ allowLocalHeaders }: { allowLocalHeaders: boolean }): Express {
  const guard = createConsoleGuard({ deps: deps(), allowLocalHeaders });
  const router = Router();
  for (const permission of CONSOLE_PERMISSION_NAMES)
    router.get(`/api/console/probe/${permission}`, guard.require(permission), (_req, res) => {
      const actor = consoleActorOf(res);
      res.json({ userId: actor.userId, brandSlug: actor.brandSlug, role: actor.role, via: actor.via });
    });
  const app = express();
  app.use(express.json());
  app.use(createConsoleRouter({ deps: deps(), sessionHours: 12, secureCookie: false }));
  app.use(router);
  app.use(createErrorMiddleware(services as Services));
  return app;
}

let app: Express;
let localApp: Express;
const cookies = new Map<string, string>();

async function addUser(email: string, memberships: [brandId: string, role: ConsoleRole][]) {
  const { user } = await createConsoleUser(deps(), { email, name: email, password: PASSWORD });
  for (const [brandId, role] of memberships)
    await grantConsoleMembership(deps(), { userId: user.id, brandId, role });
  const response = await request(app).post('/api/console/session').send({ email, password: PASSWORD });
  expect(response.status).toBe(201);
  const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
  cookies.set(email, cookie.split(';')[0] as string);
  return response.body as { brands: { slug: string; role: ConsoleRole; permissions: ConsolePermission[] }[] };
}

beforeAll(async () => {
  services = await buildTestServices({
    config: { localMode: false },
    seed: { brands: [brand('brd_a', 'brand-a'), brand('brd_b', 'brand-b')] },
  });
  app = appWith({ allowLocalHeaders: false });
  localApp = appWith({ allowLocalHeaders: true });
  for (const role of CONSOLE_ROLES) await addUser(`${role}@a.example`, [['brd_a', role]]);
  await addUser('agency@example.com', [
    ['brd_a', 'viewer'],
    ['brd_b', 'owner'],
  ]);
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('the role matrix', () => {
  test('when each role calls a route of each permission, then only the matrix decides 200 or 403', async () => {
    for (const role of CONSOLE_ROLES) {
      for (const permission of CONSOLE_PERMISSION_NAMES) {
        const response = await request(app)
          .get(`/api/console/probe/${permission}`)
          .set('cookie', cookies.get(`${role}@a.example`) as string);
        expect({ role, permission, status: response.status }).toEqual({
          role,
          permission,
          status: can(role, permission) ? 200 : 403,
        });
        if (response.status === 200)
          expect(response.body).toMatchObject({ brandSlug: 'brand-a', role, via: 'session' });
        else expect(response.body.error).toMatchObject({ code: 'auth.forbidden' });
      }
    }
  });

  test('when an owner signs in, then the session lists every permission of the role per brand', async () => {
    const response = await request(app)
      .get('/api/console/me')
      .set('cookie', cookies.get('agency@example.com') as string);
    expect(response.status).toBe(200);
    const bySlug = Object.fromEntries(
      (response.body.brands as { slug: string; permissions: string[] }[]).map((b) => [b.slug, b.permissions]),
    );
    expect(bySlug['brand-b']).toEqual(permissionsOf('owner'));
    expect(bySlug['brand-a']).toEqual(permissionsOf('viewer'));
    expect(bySlug['brand-a']).not.toContain('rewards.write');
  });

  test('the owner may do everything, the viewer writes nothing, the reviewer reviews', () => {
    expect(permissionsOf('owner')).toEqual(CONSOLE_PERMISSION_NAMES);
    expect(permissionsOf('viewer').filter((p) => !p.endsWith('.read'))).toEqual([]);
    expect(can('reviewer', 'review.decide')).toBe(true);
    expect(can('marketer', 'review.decide')).toBe(false);
    expect(can('marketer', 'team.manage')).toBe(false);
  });
});

describe('choosing the brand', () => {
  const agency = () => cookies.get('agency@example.com') as string;

  test('when a user of two brands names none, then 403 asks for the brand header', async () => {
    const response = await request(app).get('/api/console/probe/campaigns.read').set('cookie', agency());
    expect(response.status).toBe(403);
    expect(response.body.error.message).toMatch(/x-proofline-brand/);
  });

  test('when the brand is named by slug or by id, then the role on that brand applies', async () => {
    const bySlug = await request(app)
      .get('/api/console/probe/team.manage')
      .set('cookie', agency())
      .set('x-proofline-brand', 'brand-b');
    expect(bySlug.status).toBe(200);
    expect(bySlug.body).toMatchObject({ brandSlug: 'brand-b', role: 'owner' });
    const byId = await request(app)
      .get('/api/console/probe/team.manage')
      .set('cookie', agency())
      .set('x-proofline-brand', 'brd_a');
    expect(byId.status).toBe(403);
  });

  test("when another brand's owner names a brand they do not belong to, then 403", async () => {
    const response = await request(app)
      .get('/api/console/probe/campaigns.read')
      .set('cookie', cookies.get('owner@a.example') as string)
      .set('x-proofline-brand', 'brand-b');
    expect(response.status).toBe(403);
    expect(response.body.error.details).toEqual({ brand: 'brand-b' });
  });
});

describe('without a session', () => {
  test('when nobody is signed in, then 401', async () => {
    const response = await request(app).get('/api/console/probe/campaigns.read');
    expect(response.status).toBe(401);
  });

  test('when a real deployment gets the local tooling headers, then they prove nothing (401)', async () => {
    const response = await request(app)
      .get('/api/console/probe/campaigns.read')
      .set('x-proofline-reviewer', 'someone')
      .set('x-proofline-brand', 'brand-a');
    expect(response.status).toBe(401);
  });

  test('when local mode gets the tooling headers, then they act as the named brand’s owner (slug or id)', async () => {
    for (const ref of ['brand-a', 'brd_a']) {
      const response = await request(localApp)
        .get('/api/console/probe/team.manage')
        .set('x-proofline-reviewer', 'tool')
        .set('x-proofline-brand', ref);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        userId: 'tool',
        brandSlug: 'brand-a',
        role: 'owner',
        via: 'local-header',
      });
    }
    const unknown = await request(localApp)
      .get('/api/console/probe/team.manage')
      .set('x-proofline-reviewer', 'tool')
      .set('x-proofline-brand', 'no-such-brand');
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toMatch(/no-such-brand/);
  });
});
