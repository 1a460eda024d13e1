import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import { createCampaign } from '../../core/campaigns/index.js';
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
 * Every console API route, called as each role of brand A and as brand B's owner: a role without the
 * route's permission gets 403, one with it gets past the guard (any answer but 401/403), and nobody
 * signed in gets 401. Add a row for each route you add (the app is the real module list of bot/start.ts).
 */
type Row = {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  permission: ConsolePermission;
  body?: object;
};

const CAMPAIGN_BODY = {
  slug: 'matrix-new',
  name: { en: 'Matrix' },
  timezone: 'Asia/Taipei',
  currency: 'TWD',
  purchaseFrom: '2025-01-01',
  purchaseTo: '2025-01-31',
  registerFrom: '2025-01-01T00:00:00+08:00',
  registerTo: '2025-02-01T00:00:00+08:00',
  proofKinds: ['einvoice_text'],
  rules: {},
  rewards: {},
};

export const ROWS: Row[] = [
  // campaigns (issue 12)
  { method: 'get', path: '/api/console/campaigns', permission: 'campaigns.read' },
  { method: 'post', path: '/api/console/campaigns', permission: 'campaigns.write', body: CAMPAIGN_BODY },
  { method: 'get', path: '/api/console/campaigns/matrix', permission: 'campaigns.read' },
  { method: 'put', path: '/api/console/campaigns/matrix', permission: 'campaigns.write', body: {} },
  { method: 'post', path: '/api/console/campaigns/matrix/publish', permission: 'campaigns.write', body: {} },
  { method: 'post', path: '/api/console/campaigns/matrix/pause', permission: 'campaigns.write', body: {} },
  { method: 'post', path: '/api/console/campaigns/matrix/end', permission: 'campaigns.write', body: {} },
  { method: 'post', path: '/api/console/campaigns/matrix/clone', permission: 'campaigns.write', body: {} },
  { method: 'get', path: '/api/console/campaigns/matrix/versions', permission: 'campaigns.read' },
  { method: 'get', path: '/api/console/campaigns/matrix/versions/1', permission: 'campaigns.read' },
  { method: 'get', path: '/api/console/campaigns/matrix/diff', permission: 'campaigns.read' },
];

const PASSWORD = 'correct horse battery';
let services: TestServices;
let app: Express;
const cookies = new Map<string, string>();

async function addUser(email: string, brandId: string, role: ConsoleRole) {
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  const { user } = await createConsoleUser(deps, { email, name: email, password: PASSWORD });
  await grantConsoleMembership(deps, { userId: user.id, brandId, role });
  const response = await request(app).post('/api/console/session').send({ email, password: PASSWORD });
  expect(response.status).toBe(201);
  const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
  cookies.set(email, cookie.split(';')[0] as string);
}

beforeAll(async () => {
  const brand = (id: string, slug: string) => ({
    id,
    slug,
    name: slug,
    country: 'TW' as const,
    defaultLocale: 'zh-TW' as const,
    timezone: 'Asia/Taipei',
  });
  services = await buildTestServices({
    config: { localMode: false },
    seed: { brands: [brand('brd_a', 'brand-a'), brand('brd_b', 'brand-b')] },
  });
  app = createApp(services, buildAppModules(services));
  for (const role of CONSOLE_ROLES) await addUser(`${role}@a.example`, 'brd_a', role);
  await addUser('owner@b.example', 'brd_b', 'owner');
  await createCampaign({
    db: services.database.db,
    generateId: services.generateId,
    campaign: {
      ...CAMPAIGN_BODY,
      brandId: 'brd_a',
      slug: 'matrix',
      currency: 'TWD',
      status: 'draft',
      registerFrom: new Date(CAMPAIGN_BODY.registerFrom),
      registerTo: new Date(CAMPAIGN_BODY.registerTo),
      proofKinds: ['einvoice_text'],
    },
  });
});
afterAll(async () => {
  await services.database.close();
});

function call(row: Row, cookie?: string) {
  let req = request(app)[row.method](row.path).set('x-proofline-brand', 'brand-a');
  if (cookie) req = req.set('cookie', cookie);
  return row.body ? req.send(row.body) : req;
}

describe.each(ROWS)('$method $path ($permission)', (row) => {
  test.each([...CONSOLE_ROLES])('as %s of the brand', async (role) => {
    const response = await call(row, cookies.get(`${role}@a.example`));
    if (can(role, row.permission)) expect([401, 403]).not.toContain(response.status);
    else expect(response.status).toBe(403);
  });

  test("as another brand's owner, and signed out", async () => {
    expect((await call(row, cookies.get('owner@b.example'))).status).toBe(403);
    expect((await call(row)).status).toBe(401);
  });
});
