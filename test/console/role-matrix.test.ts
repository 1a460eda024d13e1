import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import type { Services } from '../../core/app/build-services.js';
import {
  can,
  CONSOLE_ROLES,
  createConsoleUser,
  grantConsoleMembership,
  type ConsolePermission,
  type ConsoleRole,
} from '../../core/console/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';

/**
 * Every console route, called as each role of brand A, as brand B's owner naming brand A, and without a
 * session. A role with the permission must get past the guard (any answer but 401/403: ids here do not
 * exist, so 404 or 400 is expected, never a 500); a role without it gets 403; no session gets 401.
 *
 * Add a row for every console route you add (one section per capability).
 */
type Row = {
  method: 'get' | 'post' | 'patch' | 'put' | 'delete';
  path: string;
  permission: ConsolePermission;
  body?: object;
};

const ROWS: Row[] = [
  // Rewards: catalog, coupon codes, redemptions, points, instant-win prizes (bot/rewards/rewards.console.routes.ts)
  { method: 'get', path: '/api/console/rewards/campaigns', permission: 'rewards.read' },
  { method: 'get', path: '/api/console/rewards', permission: 'rewards.read' },
  { method: 'post', path: '/api/console/rewards', permission: 'rewards.write', body: {} },
  { method: 'get', path: '/api/console/rewards/rwd_missing', permission: 'rewards.read' },
  { method: 'patch', path: '/api/console/rewards/rwd_missing', permission: 'rewards.write', body: {} },
  {
    method: 'post',
    path: '/api/console/rewards/rwd_missing/coupon-codes',
    permission: 'rewards.write',
    body: { list: 'CODE-0001' },
  },
  { method: 'get', path: '/api/console/redemptions', permission: 'rewards.read' },
  {
    method: 'post',
    path: '/api/console/redemptions/rdm_missing/fulfil',
    permission: 'rewards.write',
    body: {},
  },
  {
    method: 'post',
    path: '/api/console/redemptions/rdm_missing/cancel',
    permission: 'rewards.write',
    body: {},
  },
  { method: 'post', path: '/api/console/points/adjustments', permission: 'rewards.write', body: {} },
  { method: 'get', path: '/api/console/points/mbr_missing', permission: 'rewards.read' },
  { method: 'get', path: '/api/console/instant-prizes', permission: 'rewards.read' },
  { method: 'post', path: '/api/console/instant-prizes', permission: 'rewards.write', body: {} },
  { method: 'patch', path: '/api/console/instant-prizes/ipz_missing', permission: 'rewards.write', body: {} },
  // Draws
  { method: 'get', path: '/api/console/draws', permission: 'draws.read' },
  { method: 'post', path: '/api/console/draws', permission: 'draws.run', body: {} },
  { method: 'get', path: '/api/console/draws/drw_missing', permission: 'draws.read' },
  { method: 'post', path: '/api/console/draws/drw_missing/run', permission: 'draws.run', body: {} },
  {
    method: 'post',
    path: '/api/console/draws/drw_missing/winners/win_missing/forfeit',
    permission: 'draws.run',
    body: {},
  },
  {
    method: 'post',
    path: '/api/console/draws/drw_missing/promote-reserves',
    permission: 'draws.run',
    body: {},
  },
  { method: 'get', path: '/api/console/draws/drw_missing/export', permission: 'draws.read' },
];

const PASSWORD = 'correct horse battery';
const BRAND_A = 'brd_matrix_a';

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
let app: Express;
const cookies = new Map<string, string>();

async function addUser(email: string, memberships: [brandId: string, role: ConsoleRole][]) {
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  const { user } = await createConsoleUser(deps, { email, name: email, password: PASSWORD });
  for (const [brandId, role] of memberships)
    await grantConsoleMembership(deps, { userId: user.id, brandId, role });
  const response = await request(app).post('/api/console/session').send({ email, password: PASSWORD });
  expect(response.status).toBe(201);
  const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
  cookies.set(email, cookie.split(';')[0] as string);
}

function call(row: Row, email?: string) {
  let agent = request(app)[row.method](row.path).set('x-proofline-brand', 'matrix-a');
  if (email) agent = agent.set('cookie', cookies.get(email) as string);
  return row.body === undefined ? agent : agent.send(row.body);
}

beforeAll(async () => {
  services = await buildTestServices({
    config: { localMode: false },
    seed: { brands: [brand(BRAND_A, 'matrix-a'), brand('brd_matrix_b', 'matrix-b')] },
  });
  app = createApp(
    services as Services,
    buildAppModules(services as Services, { consoleAppDir: '/nonexistent' }),
  );
  for (const role of CONSOLE_ROLES) await addUser(`${role}@a.example`, [[BRAND_A, role]]);
  await addUser('owner@b.example', [['brd_matrix_b', 'owner']]);
}, 120_000);
afterAll(async () => {
  await services.database.close();
});

describe.each(ROWS)('$method $path ($permission)', (row) => {
  test.each(CONSOLE_ROLES)('as %s of the brand', async (role) => {
    const response = await call(row, `${role}@a.example`);
    if (can(role, row.permission)) {
      expect([401, 403]).not.toContain(response.status);
      expect(response.status).toBeLessThan(500);
    } else {
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('auth.forbidden');
    }
  });

  test('as another brand’s owner naming this brand: 403', async () => {
    expect((await call(row, 'owner@b.example')).status).toBe(403);
  });

  test('without a session: 401', async () => {
    expect((await call(row)).status).toBe(401);
  });
});
