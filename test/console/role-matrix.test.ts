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
 * Every console route, called through the real app by each role and by another brand's owner: the role
 * matrix (core/console/console.permissions.ts) alone decides 403 or not. Add a row for each new route.
 * The body is a valid one where the route takes one; what matters here is only "forbidden or not".
 */
type Row = { method: 'get' | 'post'; path: string; permission: ConsolePermission; body?: unknown };

const ROWS: Row[] = [
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
  { method: 'get', path: '/api/console/segments/seg_none', permission: 'segments.read' },
  { method: 'get', path: '/api/console/segments/seg_none/count', permission: 'segments.read' },
  { method: 'get', path: '/api/console/segments/seg_none/sample', permission: 'segments.read' },
];

const PASSWORD = 'correct horse battery';
const brand = (id: string, slug: string) => ({
  id,
  slug,
  name: slug,
  country: 'TW' as const,
  defaultLocale: 'zh-TW' as const,
  timezone: 'Asia/Taipei',
});

let services: TestServices;
let app: Express;
const cookies = new Map<string, string>();

async function signIn(email: string, brandId: string, role: ConsoleRole) {
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  const { user } = await createConsoleUser(deps, { email, name: email, password: PASSWORD });
  await grantConsoleMembership(deps, { userId: user.id, brandId, role });
  const response = await request(app).post('/api/console/session').send({ email, password: PASSWORD });
  const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
  cookies.set(email, cookie.split(';')[0] as string);
}

beforeAll(async () => {
  services = await buildTestServices({
    config: { localMode: false },
    seed: { brands: [brand('brd_rm_a', 'rm-a'), brand('brd_rm_b', 'rm-b')] },
  });
  app = createApp(services as Services, buildAppModules(services as Services));
  for (const role of CONSOLE_ROLES) await signIn(`${role}@rm-a.example`, 'brd_rm_a', role);
  await signIn('owner@rm-b.example', 'brd_rm_b', 'owner');
}, 60_000);
afterAll(async () => {
  await services?.database.close();
});

const call = (row: Row, cookie: string | undefined) => {
  let pending = request(app)[row.method](row.path).set('x-proofline-brand', 'rm-a');
  if (cookie) pending = pending.set('cookie', cookie);
  return row.body === undefined ? pending : pending.send(row.body as object);
};

describe('console role matrix (every route)', () => {
  test.each(ROWS.map((row) => [`${row.method.toUpperCase()} ${row.path}`, row] as const))(
    '%s: 403 exactly for the roles without its permission, 401 without a session, 403 for another brand',
    async (_name, row) => {
      for (const role of CONSOLE_ROLES) {
        const response = await call(row, cookies.get(`${role}@rm-a.example`));
        const forbidden = response.status === 403;
        expect({ role, forbidden, status: response.status < 500 }).toEqual({
          role,
          forbidden: !can(role, row.permission),
          status: true,
        });
      }
      expect((await call(row, undefined)).status).toBe(401);
      expect((await call(row, cookies.get('owner@rm-b.example'))).status).toBe(403);
    },
  );
});
