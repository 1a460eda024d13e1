import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express, { type Express } from 'express';
import request from 'supertest';
import { createConsoleAppModule } from '../../bot/console/index.js';

/** The web process serving a console build (a stand-in build: these tests are about the serving). */
function appServing(staticDir: string): Express {
  const app = express();
  app.use(createConsoleAppModule({ staticDir }).json!);
  return app;
}

let built: string;
let empty: string;

beforeAll(() => {
  built = mkdtempSync(join(tmpdir(), 'proofline-console-dist-'));
  mkdirSync(join(built, 'assets'));
  writeFileSync(join(built, 'index.html'), '<!doctype html><title>Proofline console</title>');
  writeFileSync(join(built, 'assets', 'index-abc123.js'), 'console.log("console")');
  empty = mkdtempSync(join(tmpdir(), 'proofline-console-none-'));
});
afterAll(() => {
  rmSync(built, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

describe('GET /console/', () => {
  test('when the app is built, then /console/ is its page, never cached, not frameable', async () => {
    const response = await request(appServing(built)).get('/console/');

    expect(response.status).toBe(200);
    expect(response.text).toContain('Proofline console');
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['x-frame-options']).toBe('DENY');
    expect(response.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(response.headers['content-security-policy']).toContain("script-src 'self'");
  });

  test('when /console is asked without the slash, then it redirects to /console/', async () => {
    const response = await request(appServing(built)).get('/console');

    expect(response.status).toBe(301);
    expect(response.headers.location).toBe('/console/');
  });

  test('when a client-side route is opened directly, then the app page answers (the app routes it)', async () => {
    for (const path of ['/console/review', '/console/members/mbr_1', '/console/settings?tab=channels']) {
      const response = await request(appServing(built)).get(path);
      expect({ path, status: response.status }).toEqual({ path, status: 200 });
      expect(response.text).toContain('Proofline console');
    }
  });

  test('when a hashed asset is fetched, then it is cached for a year; a missing one is a 404', async () => {
    const asset = await request(appServing(built)).get('/console/assets/index-abc123.js');
    const missing = await request(appServing(built)).get('/console/assets/index-gone.js');

    expect(asset.status).toBe(200);
    expect(asset.headers['cache-control']).toContain('immutable');
    expect(asset.headers['cache-control']).toContain('max-age=31536000');
    expect(missing.status).toBe(404);
  });

  test('when the app was never built, then the page says which command builds it', async () => {
    const response = await request(appServing(empty)).get('/console/');

    expect(response.status).toBe(503);
    expect(response.text).toMatch(/npm run build/);
  });
});
