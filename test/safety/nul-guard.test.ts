import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import type { Services } from '../../core/app/build-services.js';
import { overrideConfig } from '../../core/config/config.js';
import { seedDemo } from '../../core/demo/seed-demo.js';
import { buildTestServices, type TestServices } from '../support/services.js';

/**
 * U+0000 reaches PostgreSQL as an error (text cannot hold it), which a handler would answer with a 500.
 * One guard answers 400 naming the field, for every route family: console sign-in, the review queue,
 * the LIFF API, the public draw pages, the webhook.
 */
let services: TestServices;
let app: ReturnType<typeof createApp>;
let liffId: string;
let brandId: string;

beforeAll(async () => {
  services = await buildTestServices({ now: '2025-01-08T03:00:00Z' });
  const demo = await seedDemo(services);
  liffId = demo.channel.liffId!;
  brandId = demo.brand.id;
  const config = overrideConfig({
    server: { port: 0 },
    line: { mode: 'simulator', apiBaseUrl: 'http://127.0.0.1:9' },
  });
  const withConfig = { ...services, config } as Services;
  app = createApp(withConfig, buildAppModules(withConfig));
});
afterAll(async () => {
  await services?.database.close();
});

function expectNulRefused(response: request.Response, field: string) {
  expect({
    status: response.status,
    code: response.body?.error?.code,
    field: response.body?.error?.details?.field,
  }).toEqual({
    status: 400,
    code: 'request.nul_character',
    field,
  });
  expect(response.body.error.message).toContain(field);
}

describe('U+0000 anywhere in a request', () => {
  test('when the console sign-in email holds it, then 400 names email', async () => {
    const response = await request(app)
      .post('/api/console/session')
      .send({ email: 'owner\u0000@example.com', password: 'whatever-password' });

    expectNulRefused(response, 'email');
  });

  test('when a review id holds it, then 400 names the parameter', async () => {
    const response = await request(app)
      .get('/api/console/review/items/sub_1%00x')
      .set('x-proofline-reviewer', 'usr_reviewer')
      .set('x-proofline-brand', brandId);

    expectNulRefused(response, 'submissionId');
  });

  test('when a review decision body holds it, then 400 names the field', async () => {
    const response = await request(app)
      .post('/api/console/review/items/sub_1/reject')
      .set('x-proofline-reviewer', 'usr_reviewer')
      .set('x-proofline-brand', brandId)
      .send({ reason: 'blurry\u0000' });

    expectNulRefused(response, 'reason');
  });

  test('when a query parameter holds it (the LIFF id), then 400 names it', async () => {
    const response = await request(app)
      .get('/api/liff/config')
      .query({ liffId: `${liffId}\u0000` });

    expectNulRefused(response, 'liffId');
  });

  test('when a LIFF body holds it deep inside, then 400 names the path', async () => {
    const response = await request(app)
      .post('/api/liff/surveys/srv_1/answers')
      .send({ answers: [{ questionId: 'q1', value: 'fine\u0000' }] });

    expectNulRefused(response, 'answers.0.value');
  });

  test('when a LIFF id in the path holds it, then 400 names the parameter', async () => {
    const response = await request(app).post('/api/liff/surveys/srv%00x/answers').send({});

    expectNulRefused(response, 'surveyId');
  });

  test('when a public draw id holds it, then 400 names drawId', async () => {
    const page = await request(app).get('/api/public/draws/drw%00x');
    const exported = await request(app).get('/api/public/draws/drw%00x/export');

    expectNulRefused(page, 'drawId');
    expectNulRefused(exported, 'drawId');
  });

  test('when a webhook channel id holds it, then 400 names channelId', async () => {
    const response = await request(app).post('/webhook/2000%00').set('x-line-signature', 'x').send('{}');

    expectNulRefused(response, 'channelId');
  });

  test('when a JSON key holds it, then 400 names the key', async () => {
    const response = await request(app)
      .post('/api/console/session')
      .set('content-type', 'application/json')
      .send('{"email":"a@b.c","pass\\u0000word":"x"}');

    expectNulRefused(response, 'password');
  });

  test('when nothing holds it, then the routes answer as before', async () => {
    const response = await request(app)
      .post('/api/console/session')
      .send({ email: 'nobody@example.com', password: 'whatever-password' });
    const draw = await request(app).get('/api/public/draws/drw_missing');

    expect(response.status).toBe(401);
    expect(draw.status).toBe(404);
  });
});
