import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { createReviewModule } from '../../bot/review/index.js';
import { buildAppModules } from '../../bot/start.js';
import type { Services } from '../../core/app/build-services.js';
import { buildMemoryBlobStore } from '../../core/blobs/index.js';
import { overrideConfig, type Config } from '../../core/config/config.js';
import { seedDemo } from '../../core/demo/seed-demo.js';
import { buildTestServices, type TestServices } from '../support/services.js';

/**
 * The shortcuts local mode offers (the chat page, dev login that mints any user's ID token, the reviewer
 * headers) prove nothing about the caller, so a deployment that merely simulates LINE (SIMULATE=line) must
 * not offer them. Port 0 keeps the dev chat module from calling out at build time.
 */
const deployedWithSimulatedLine: Partial<Config> = {
  localMode: false,
  simulated: ['line'],
  server: { port: 0, host: '0.0.0.0', publicBaseUrl: undefined },
};

let services: TestServices;
let demoBrandId: string;
let liffId: string;

beforeAll(async () => {
  services = await buildTestServices({ now: '2025-01-08T03:00:00Z' });
  const demo = await seedDemo(services);
  demoBrandId = demo.brand.id;
  liffId = demo.channel.liffId!;
});
afterAll(async () => {
  await services?.database.close();
});

function appWith(config: Partial<Config>) {
  const base = overrideConfig({
    server: { port: 0 },
    // As the start command leaves it once the LINE simulator runs (nothing listens here: not called).
    line: { mode: 'simulator', apiBaseUrl: 'http://127.0.0.1:9' },
  });
  const withConfig = { ...services, config: { ...base, ...config } } as Services;
  return createApp(withConfig, buildAppModules(withConfig));
}

describe('outside local mode (SIMULATE=line on a reachable server)', () => {
  test('when /dev/chat is asked for, then there is no such page', async () => {
    const app = appWith(deployedWithSimulatedLine);

    expect((await request(app).get('/dev/chat')).status).toBe(404);
    expect((await request(app).post('/dev/chat/bootstrap').send({})).status).toBe(404);
  });

  test('when a LIFF dev ID token is asked for, then none is minted and the config says dev login is off', async () => {
    const app = appWith(deployedWithSimulatedLine);

    const minted = await request(app)
      .post('/api/liff/dev/id-token')
      .send({ liffId, userId: `U${'a'.repeat(32)}` });
    const config = await request(app).get('/api/liff/config').query({ liffId });

    // No dev route: the request falls through to the member API, which wants a LINE-verified token.
    expect(minted.status).toBe(401);
    expect(minted.body.idToken).toBeUndefined();
    expect(config.status).toBe(200);
    expect(config.body.devLogin).toBe(false);
  });

  test('when only the reviewer headers are sent, then the review API answers 401', async () => {
    const app = appWith(deployedWithSimulatedLine);

    const response = await request(app)
      .get('/api/console/review/queue')
      .set('x-proofline-reviewer', 'usr_anyone')
      .set('x-proofline-brand', demoBrandId);

    expect(response.status).toBe(401);
  });

  test('when the review module is built without a resolver, then the headers are not trusted either', async () => {
    const config = { ...overrideConfig(), ...deployedWithSimulatedLine } as Config;
    const module = createReviewModule({ ...services, config } as Services, {
      blobStore: buildMemoryBlobStore(),
    });
    const app = createApp({ ...services, config } as Services, [module]);

    const response = await request(app)
      .get('/api/console/review/queue')
      .set('x-proofline-reviewer', 'usr_anyone')
      .set('x-proofline-brand', demoBrandId);

    expect(response.status).toBe(401);
  });
});

describe('in local mode (the same wiring)', () => {
  test('when the reviewer headers are sent, then the queue answers and the LIFF config offers dev login', async () => {
    const app = appWith({});

    const queue = await request(app)
      .get('/api/console/review/queue')
      .set('x-proofline-reviewer', 'usr_local')
      .set('x-proofline-brand', demoBrandId);
    const config = await request(app).get('/api/liff/config').query({ liffId });

    expect(queue.status).toBe(200);
    expect(config.body.devLogin).toBe(true);
  });
});
