import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { Router } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { createApp } from '../../bot/create-app.js';
import { createErrorFactory } from '../../core/shared/errors.js';
import { buildTestServices, type TestServices } from '../support/services.js';

const createThingNotFoundError = createErrorFactory({
  code: 'thing.not_found',
  message: 'No such thing',
  statusCode: 404,
});

describe('web app', () => {
  let services: TestServices;

  beforeAll(async () => {
    services = await buildTestServices();
  });
  afterAll(async () => {
    await services.database.close();
  });

  function appWithProbeRoutes() {
    const json = Router();
    json.get('/probe/app-error', () => {
      throw createThingNotFoundError();
    });
    json.post('/probe/zod', (req, res) => {
      const body = z.object({ name: z.string() }).parse(req.body);
      res.json(body);
    });
    json.get('/probe/crash', () => {
      throw new Error('database password is hunter2');
    });
    return createApp(services, [{ json }]);
  }

  test('GET /healthz answers 200', async () => {
    const response = await request(createApp(services)).get('/healthz');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  test('GET /readyz answers 200 with the driver when the database answers', async () => {
    const response = await request(createApp(services)).get('/readyz');

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ready', database: services.database.driver });
  });

  test('when a route throws an AppError, then its code, message and status are sent', async () => {
    const response = await request(appWithProbeRoutes()).get('/probe/app-error');

    expect(response.status).toBe(404);
    expect(response.body).toEqual({ error: { code: 'thing.not_found', message: 'No such thing' } });
  });

  test('when input fails validation, then 400 names the field', async () => {
    const response = await request(appWithProbeRoutes()).post('/probe/zod').send({ name: 42 });

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('validation.failed');
    expect(response.body.error.details).toEqual({
      issues: [expect.objectContaining({ path: ['name'] })],
    });
    expect(response.body.error.message).toMatch(/name/);
  });

  test('when the body is malformed JSON, then 400 says so', async () => {
    const response = await request(appWithProbeRoutes())
      .post('/probe/zod')
      .set('content-type', 'application/json')
      .send('{"name": ');

    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('request.bad_json');
  });

  test('when a route crashes, then a generic 500 hides the message', async () => {
    const response = await request(appWithProbeRoutes()).get('/probe/crash');

    expect(response.status).toBe(500);
    expect(response.body).toEqual({ error: { code: 'internal', message: 'Internal error' } });
    expect(JSON.stringify(response.body)).not.toMatch(/hunter2/);
  });

  test('when no route matches, then 404 in the same error shape', async () => {
    const response = await request(createApp(services)).get('/nowhere');

    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('not_found');
  });
});

describe('readiness when the database is gone', () => {
  test('GET /readyz answers 503', async () => {
    const services = await buildTestServices();
    const app = createApp(services);
    await services.database.close();

    const response = await request(app).get('/readyz');

    expect(response.status).toBe(503);
    expect(response.body.status).toBe('unavailable');
  });
});
