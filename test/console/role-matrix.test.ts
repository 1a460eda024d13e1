import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import type { Services } from '../../core/app/build-services.js';
import {
  can,
  CONSOLE_ROLES,
  createConsoleUser,
  grantConsoleMembership,
  type ConsolePermission,
  type ConsoleRole,
} from '../../core/console/index.js';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

/**
 * Every console API route, called as each role of brand A and as brand B's owner (who names brand A).
 * A role the matrix allows must get past the guard (any answer but 401/403: 200, or 400/404/409 for the
 * made-up ids and bodies below); a role it refuses gets 403 `auth.forbidden`; nobody signed in gets 401.
 *
 * ADD A ROW for every console route you add (method, path, the permission its guard requires, and a body
 * for writes). Use ids that need not exist: the matrix is about who gets past the guard.
 */
type RouteCase = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  permission: ConsolePermission;
  body?: Record<string, unknown>;
};

const ROUTES: RouteCase[] = [
  // Settings (issue 11, team)
  { method: 'get', path: '/api/console/settings', permission: 'settings.read' },
  { method: 'patch', path: '/api/console/settings/brand', permission: 'settings.write', body: {} },
  { method: 'patch', path: '/api/console/settings/broadcasts', permission: 'settings.write', body: {} },
  {
    method: 'post',
    path: '/api/console/settings/channels',
    permission: 'settings.write',
    body: { lineChannelId: 'x' },
  },
  {
    method: 'patch',
    path: '/api/console/settings/channels/chn_missing',
    permission: 'settings.write',
    body: { name: 'x' },
  },
  {
    method: 'post',
    path: '/api/console/settings/channels/chn_missing/test',
    permission: 'settings.write',
    body: {},
  },
  {
    method: 'post',
    path: '/api/console/settings/channels/chn_missing/rich-menu',
    permission: 'settings.write',
    body: {},
  },
  // Audit log (issue 11, team)
  { method: 'get', path: '/api/console/audit', permission: 'audit.read' },
  { method: 'get', path: '/api/console/audit/facets', permission: 'audit.read' },
  // Team (issue 11, team)
  { method: 'get', path: '/api/console/team', permission: 'team.manage' },
  {
    method: 'post',
    path: '/api/console/team/invitations',
    permission: 'team.manage',
    body: { email: 'new@brand-a.example', role: 'viewer' },
  },
  {
    method: 'delete',
    path: '/api/console/team/invitations/ivt_missing',
    permission: 'team.manage',
    body: {},
  },
  {
    method: 'patch',
    path: '/api/console/team/users/usr_missing',
    permission: 'team.manage',
    body: { role: 'viewer' },
  },
  // Members (issue 11, review)
  { method: 'get', path: '/api/console/members', permission: 'members.read' },
  { method: 'get', path: '/api/console/members/mbr_missing', permission: 'members.read' },
  { method: 'get', path: '/api/console/members/mbr_missing/images/img_missing', permission: 'members.read' },
  { method: 'get', path: '/api/console/members/mbr_missing/export', permission: 'exports.run' },
  {
    method: 'post',
    path: '/api/console/members/mbr_missing/erase',
    permission: 'members.erase',
    body: { confirm: true },
  },
  // Review queue (issue 11, review)
  { method: 'get', path: '/api/console/review/queue', permission: 'review.read' },
  { method: 'get', path: '/api/console/review/images/img_missing', permission: 'review.read' },
  { method: 'post', path: '/api/console/review/next', permission: 'review.decide', body: {} },
  { method: 'get', path: '/api/console/review/items/sub_missing', permission: 'review.decide' },
  {
    method: 'post',
    path: '/api/console/review/items/sub_missing/lease',
    permission: 'review.decide',
    body: {},
  },
  {
    method: 'delete',
    path: '/api/console/review/items/sub_missing/lease',
    permission: 'review.decide',
    body: {},
  },
  {
    method: 'post',
    path: '/api/console/review/items/sub_missing/preview',
    permission: 'review.decide',
    body: { fields: {} },
  },
  {
    method: 'post',
    path: '/api/console/review/items/sub_missing/approve',
    permission: 'review.decide',
    body: {},
  },
  {
    method: 'post',
    path: '/api/console/review/items/sub_missing/reject',
    permission: 'review.decide',
    body: { reasonCode: 'other' },
  },
  // Rewards: catalog, coupon codes, redemptions, points, instant-win prizes (issue 11, ops)
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
  // Reward pictures: the upload answers the imageUrl the reward is saved with (issue 11, console)
  { method: 'post', path: '/api/console/reward-images', permission: 'rewards.write', body: {} },
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
  // Draws (issue 11, ops)
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
  // Winner paperwork: the tax report (owners only) and the Thai lucky-draw permit (issue 11, members)
  { method: 'get', path: '/api/console/draws/drw_missing/tax', permission: 'winners.tax' },
  {
    method: 'put',
    path: '/api/console/draws/drw_missing/permit',
    permission: 'draws.run',
    body: { permitNumber: null, permitProvince: null },
  },
  // Segments (issue 13, broadcasts)
  { method: 'get', path: '/api/console/segments', permission: 'segments.read' },
  {
    method: 'post',
    path: '/api/console/segments',
    permission: 'segments.write',
    body: { name: 'all', condition: { type: 'all' } },
  },
  {
    method: 'post',
    path: '/api/console/segments/preview',
    permission: 'segments.read',
    body: { condition: { type: 'all' } },
  },
  { method: 'get', path: '/api/console/segments/options', permission: 'segments.read' },
  { method: 'get', path: '/api/console/segments/seg_missing', permission: 'segments.read' },
  { method: 'get', path: '/api/console/segments/seg_missing/count', permission: 'segments.read' },
  { method: 'get', path: '/api/console/segments/seg_missing/sample', permission: 'segments.read' },
  {
    method: 'patch',
    path: '/api/console/segments/seg_missing',
    permission: 'segments.write',
    body: { name: 'renamed' },
  },
  { method: 'delete', path: '/api/console/segments/seg_missing', permission: 'segments.write' },
  // Broadcasts (issue 13)
  { method: 'get', path: '/api/console/broadcasts', permission: 'broadcasts.read' },
  {
    method: 'post',
    path: '/api/console/broadcasts',
    permission: 'broadcasts.send',
    body: { condition: { type: 'all' }, messages: [{ type: 'text', text: 'hi' }] },
  },
  // The same route with LINE's demographic filter (a narrowcast): the same permission.
  {
    method: 'post',
    path: '/api/console/broadcasts',
    permission: 'broadcasts.send',
    body: { demographic: { type: 'gender', oneOf: ['female'] }, messages: [{ type: 'text', text: 'hi' }] },
  },
  { method: 'get', path: '/api/console/broadcasts/quota', permission: 'broadcasts.read' },
  { method: 'get', path: '/api/console/broadcasts/defaults', permission: 'broadcasts.send' },
  { method: 'get', path: '/api/console/broadcasts/bct_missing', permission: 'broadcasts.read' },
  {
    method: 'post',
    path: '/api/console/broadcasts/bct_missing/send',
    permission: 'broadcasts.send',
    body: {},
  },
  {
    method: 'post',
    path: '/api/console/broadcasts/bct_missing/cancel',
    permission: 'broadcasts.send',
    body: {},
  },
  {
    method: 'post',
    path: '/api/console/broadcasts/test',
    permission: 'broadcasts.send',
    body: { messages: [{ type: 'text', text: 'hi' }] },
  },
  { method: 'get', path: '/api/console/me/line', permission: 'broadcasts.send' },
  { method: 'post', path: '/api/console/me/line', permission: 'broadcasts.send', body: { lineUserId: 'x' } },
  { method: 'post', path: '/api/console/me/line/verify', permission: 'broadcasts.send', body: { code: 'x' } },
  { method: 'delete', path: '/api/console/me/line', permission: 'broadcasts.send' },
  // Campaigns (issue 12)
  { method: 'get', path: '/api/console/campaigns', permission: 'campaigns.read' },
  { method: 'post', path: '/api/console/campaigns', permission: 'campaigns.write', body: { slug: 'x' } },
  { method: 'get', path: '/api/console/campaigns/cmp_missing', permission: 'campaigns.read' },
  { method: 'put', path: '/api/console/campaigns/cmp_missing', permission: 'campaigns.write', body: {} },
  ...(['publish', 'pause', 'end', 'clone'] as const).map((action): RouteCase => ({
    method: 'post',
    path: `/api/console/campaigns/cmp_missing/${action}`,
    permission: 'campaigns.write',
    body: {},
  })),
  { method: 'get', path: '/api/console/campaigns/cmp_missing/versions', permission: 'campaigns.read' },
  { method: 'get', path: '/api/console/campaigns/cmp_missing/versions/1', permission: 'campaigns.read' },
  { method: 'get', path: '/api/console/campaigns/cmp_missing/diff', permission: 'campaigns.read' },
  {
    method: 'post',
    path: '/api/console/campaigns/cmp_missing/check',
    permission: 'campaigns.write',
    body: { proofs: ['x'] },
  },
  {
    method: 'post',
    path: '/api/console/campaigns/cmp_missing/preview',
    permission: 'campaigns.read',
    body: {},
  },
  {
    method: 'post',
    path: '/api/console/campaigns/cmp_missing/what-if',
    permission: 'campaigns.write',
    body: {},
  },
  {
    method: 'get',
    path: '/api/console/campaigns/cmp_missing/what-if/rpl_missing',
    permission: 'campaigns.read',
  },
  { method: 'get', path: '/api/console/campaigns/cmp_missing/survey', permission: 'campaigns.read' },
  {
    method: 'put',
    path: '/api/console/campaigns/cmp_missing/survey',
    permission: 'campaigns.write',
    body: {},
  },
  { method: 'get', path: '/api/console/campaigns/cmp_missing/survey/answers', permission: 'exports.run' },
  // Analytics (issue 14)
  ...(
    ['funnel', 'baskets', 'stores', 'regions', 'heatmap', 'cohorts', 'products', 'unmapped-names'] as const
  ).map((name): RouteCase => ({
    method: 'get',
    path: `/api/console/analytics/${name}`,
    permission: 'analytics.read',
  })),
  {
    method: 'post',
    path: '/api/console/analytics/products',
    permission: 'campaigns.write',
    body: { key: 'x', name: 'x' },
  },
  {
    method: 'post',
    path: '/api/console/analytics/mappings',
    permission: 'campaigns.write',
    body: { itemName: 'x', productKey: 'missing' },
  },
  {
    method: 'delete',
    path: '/api/console/analytics/mappings',
    permission: 'campaigns.write',
    body: { itemName: 'x' },
  },
  // Export jobs (issue 14): the download link itself is not a console route (its token is the credential).
  {
    method: 'post',
    path: '/api/console/analytics/exports',
    permission: 'exports.run',
    body: { format: 'csv' },
  },
  { method: 'get', path: '/api/console/analytics/exports', permission: 'exports.run' },
  { method: 'get', path: '/api/console/analytics/exports/exp_missing', permission: 'exports.run' },
];

const PASSWORD = 'correct horse battery';
const BRAND_A = 'brd_matrix_a';
const BRAND_B = 'brd_matrix_b';
const OTHER_OWNER = 'owner@brand-b.example';

let services: TestServices;
let app: Express;
const cookies = new Map<string, string>();

function brand(id: string, slug: string) {
  return {
    id,
    slug,
    name: slug,
    country: 'TW' as const,
    defaultLocale: 'zh-TW' as const,
    timezone: 'Asia/Taipei',
  };
}

async function signIn(email: string, memberships: [string, ConsoleRole][]) {
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  const { user } = await createConsoleUser(deps, { email, name: email, password: PASSWORD });
  for (const [brandId, role] of memberships)
    await grantConsoleMembership(deps, { userId: user.id, brandId, role });
  const response = await request(app).post('/api/console/session').send({ email, password: PASSWORD });
  expect(response.status).toBe(201);
  const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
  cookies.set(email, cookie.split(';')[0] as string);
}

function call(route: RouteCase, cookie?: string) {
  let req = request(app)[route.method](route.path).set('x-proofline-brand', 'matrix-a');
  if (cookie) req = req.set('cookie', cookie);
  return route.method === 'get' ? req : req.set('content-type', 'application/json').send(route.body ?? {});
}

beforeAll(async () => {
  services = await buildTestServices({
    config: { localMode: false },
    seed: { brands: [brand(BRAND_A, 'matrix-a'), brand(BRAND_B, 'matrix-b')] },
  });
  app = createApp(services as Services, buildAppModules(services as Services));
  for (const role of CONSOLE_ROLES) await signIn(`${role}@brand-a.example`, [[BRAND_A, role]]);
  await signIn(OTHER_OWNER, [[BRAND_B, 'owner']]);
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe.each(ROUTES)('$method $path ($permission)', (route) => {
  test.each(CONSOLE_ROLES)("as brand A's %s, then the role matrix decides", async (role) => {
    const response = await call(route, cookies.get(`${role}@brand-a.example`));

    expect(response.status).toBeLessThan(500);
    if (can(role, route.permission)) expect([401, 403]).not.toContain(response.status);
    else {
      expect(response.status).toBe(403);
      expect(response.body.error.code).toBe('auth.forbidden');
    }
  });

  test("as another brand's owner naming brand A, then 403", async () => {
    const response = await call(route, cookies.get(OTHER_OWNER));

    expect(response.status).toBe(403);
  });

  test('without a session, then 401', async () => {
    const response = await call(route);

    expect(response.status).toBe(401);
  });
});
