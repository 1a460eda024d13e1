import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import type { Services } from '../../core/app/build-services.js';
import { createConsoleUser } from '../../core/console/index.js';
import { SIGN_IN_FREE_ATTEMPTS_PER_ACCOUNT } from '../../core/console/console.throttle.js';
import { buildTestServices, type TestServices } from '../support/services.js';

const PASSWORD = 'correct horse battery';
const NOW = '2025-01-08T03:00:00.000Z';

let services: TestServices;
let app: Express;

beforeAll(async () => {
  services = await buildTestServices({ now: NOW });
  app = createApp(services as Services, buildAppModules(services as Services));
  for (const email of ['burst@example.com', 'mixed@example.com', 'slow@example.com', 'wide@example.com'])
    await createConsoleUser(
      { db: services.database.db, clock: services.clock, generateId: services.generateId },
      { email, name: email, password: PASSWORD },
    );
});
afterAll(async () => {
  await services?.database.close();
});

const attempt = (email: string, password: string, address: string) =>
  request(app).post('/api/console/session').set('x-forwarded-for', address).send({ email, password });

const statuses = (responses: request.Response[]) =>
  responses.reduce<Record<number, number>>((counts, response) => {
    counts[response.status] = (counts[response.status] ?? 0) + 1;
    return counts;
  }, {});

describe('console sign-in throttle under concurrency', () => {
  test('when 100 wrong passwords arrive at once from one address, then only 5 are checked and 95 get 429', async () => {
    const responses = await Promise.all(
      Array.from({ length: 100 }, (_, i) => attempt('burst@example.com', `guess ${i}`, '203.0.113.7')),
    );

    expect(statuses(responses)).toEqual({ 401: 5, 429: 95 });
    const refused = responses.find((response) => response.status === 429);
    expect(refused?.body.error.code).toBe('console.too_many_sign_ins');
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });

  test('when 40 wrong from a guesser and the right one from the reviewer arrive at once, then the reviewer signs in', async () => {
    const [right, ...wrong] = await Promise.all([
      attempt('mixed@example.com', PASSWORD, '198.51.100.20'),
      ...Array.from({ length: 40 }, (_, i) => attempt('mixed@example.com', `guess ${i}`, '203.0.113.8')),
    ]);

    expect(right?.status).toBe(201);
    expect(statuses(wrong)).toEqual({ 401: 5, 429: 35 });
  });

  test('when one address keeps guessing, then each further attempt waits longer (1 s, 2 s, 4 s)', async () => {
    const email = 'slow@example.com';
    const address = '203.0.113.9';
    for (let i = 0; i < 5; i++) expect((await attempt(email, `guess ${i}`, address)).status).toBe(401);

    const early = await attempt(email, 'guess', address);
    services.clock.advanceBy(1_000);
    const afterOne = await attempt(email, 'guess', address);
    services.clock.advanceBy(1_000);
    const afterOneMore = await attempt(email, 'guess', address);
    services.clock.advanceBy(1_000);
    const afterTwo = await attempt(email, 'guess', address);
    services.clock.advanceBy(3_000);
    const beforeFour = await attempt(email, PASSWORD, address);
    services.clock.advanceBy(1_000);
    const afterFour = await attempt(email, PASSWORD, address);
    const again = await attempt(email, PASSWORD, address);
    services.clock.set(NOW);

    expect(
      [early, afterOne, afterOneMore, afterTwo, beforeFour, afterFour, again].map((r) => r.status),
    ).toEqual([429, 401, 429, 401, 429, 201, 201]);
  });

  test('when many addresses guess one account, then the account-wide limit stops them all', async () => {
    const email = 'wide@example.com';
    const wrong = [];
    for (let i = 0; i < SIGN_IN_FREE_ATTEMPTS_PER_ACCOUNT + 10; i++)
      wrong.push(await attempt(email, `guess ${i}`, `192.0.2.${i + 1}`));
    const fromNewAddress = await attempt(email, PASSWORD, '198.51.100.99');
    services.clock.set(NOW);

    expect(statuses(wrong)).toEqual({ 401: SIGN_IN_FREE_ATTEMPTS_PER_ACCOUNT, 429: 10 });
    expect(fromNewAddress.status).toBe(429);
  });
});
