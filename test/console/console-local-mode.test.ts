import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { buildAppModules } from '../../bot/start.js';
import { createApp } from '../../bot/create-app.js';
import type { Services } from '../../core/app/build-services.js';
import { overrideConfig } from '../../core/config/config.js';
import {
  DEMO_CONSOLE_EMAIL,
  DEMO_CONSOLE_PASSWORD,
  seedDemoConsoleUser,
} from '../../core/demo/seed-demo-console.js';
import { seedDemo } from '../../core/demo/seed-demo.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

let services: TestServices;
let app: Express;
let demoBrandId: string;

beforeAll(async () => {
  services = await buildTestServices({ now: '2025-01-08T03:00:00Z' });
  expect(services.config.localMode).toBe(true);
  demoBrandId = (await seedDemo(services)).brand.id;
  app = createApp(services as Services, buildAppModules(services as Services));
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

describe('the demo console user (local mode)', () => {
  test('when start seeds the demo, then the demo owner can sign in; a second start changes nothing', async () => {
    const first = await seedDemoConsoleUser(services, { id: demoBrandId });
    const second = await seedDemoConsoleUser(services, { id: demoBrandId });

    const response = await request(app)
      .post('/api/console/session')
      .send({ email: DEMO_CONSOLE_EMAIL, password: DEMO_CONSOLE_PASSWORD });

    expect(first).toEqual({ created: true, email: DEMO_CONSOLE_EMAIL, password: DEMO_CONSOLE_PASSWORD });
    expect(second?.created).toBe(false);
    expect(response.status).toBe(201);
    expect(response.body.brands).toEqual([expect.objectContaining({ id: demoBrandId, role: 'owner' })]);
    // Local mode serves plain http://localhost: the cookie cannot be Secure there.
    const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
    expect(cookie).toContain('HttpOnly');
    expect(cookie).not.toContain('Secure');
    const queue = await request(app)
      .get('/api/console/review/queue')
      .set('Cookie', cookie.split(';')[0] as string);
    expect(queue.status).toBe(200);
  });

  test('when not in local mode, then no demo console user is made', async () => {
    const result = await seedDemoConsoleUser(
      { ...services, config: overrideConfig({ localMode: false }) },
      { id: 'brd_other' },
    );

    expect(result).toBeUndefined();
  });
});

describe('the reviewer headers (local tooling)', () => {
  test('when only the headers are sent in local mode, then the queue answers', async () => {
    const response = await request(app)
      .get('/api/console/review/queue')
      .set('x-proofline-reviewer', 'usr_local')
      .set('x-proofline-brand', demoBrandId);

    expect(response.status).toBe(200);
    expect(response.body.items).toEqual([]);
  });
});
