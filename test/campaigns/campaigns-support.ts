import type { Express } from 'express';
import request from 'supertest';
import { createCampaignsConsoleModule } from '../../bot/campaigns/index.js';
import { createConsoleModule } from '../../bot/console/index.js';
import { createApp } from '../../bot/create-app.js';
import type { Services } from '../../core/app/build-services.js';
import { overrideConfig } from '../../core/config/config.js';
import type { OcrEngine } from '../../core/ocr/index.js';
import { createConsoleUser, grantConsoleMembership, type ConsoleRole } from '../../core/console/index.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import type { World } from '../submissions/world.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const PASSWORD = 'correct horse battery';

/** The web app with the console and campaign modules over the submissions test world (MoF simulator). */
export function campaignsApp(
  world: World,
  { ocrEngine }: { ocrEngine?: OcrEngine } = {},
): { app: Express; services: Services } {
  const services: Services = {
    config: overrideConfig({
      localMode: false,
      mof: { apiBaseUrl: world.sim.url, maxRetries: 0, timeoutMs: HANG_GUARD_MS, rateLimitPerSecond: 10_000 },
    }),
    logger: createSilentLogger(),
    clock: world.clock,
    generateId: world.generateId,
    database: world.database,
    ...(ocrEngine ? { ocrEngine } : {}),
  };
  return {
    app: createApp(services, [createConsoleModule(services), createCampaignsConsoleModule(services)]),
    services,
  };
}

/** Signs a new console user in with `role` on `brandId`; returns the session cookie. */
export async function signedIn(
  app: Express,
  world: World,
  { email, brandId, role }: { email: string; brandId: string; role: ConsoleRole },
): Promise<string> {
  const deps = { db: world.database.db, clock: world.clock, generateId: world.generateId };
  const { user } = await createConsoleUser(deps, { email, name: email, password: PASSWORD });
  await grantConsoleMembership(deps, { userId: user.id, brandId, role });
  const response = await request(app).post('/api/console/session').send({ email, password: PASSWORD });
  if (response.status !== 201)
    throw new Error(`sign-in failed: ${response.status} ${JSON.stringify(response.body)}`);
  const cookie = ([] as string[]).concat(response.headers['set-cookie'] ?? [])[0] as string;
  return cookie.split(';')[0] as string;
}

/** A campaign the way the console editor sends it: the campaign's own field names. */
export function teaCampaignBody(overrides: Record<string, unknown> = {}) {
  return {
    slug: 'green-tea-nov',
    name: { 'zh-TW': '買好茶 抽好禮', en: 'Green tea November', th: 'ชาเขียว พฤศจิกายน' },
    description: { en: 'Buy two teas, win a trip' },
    timezone: 'Asia/Taipei',
    currency: 'TWD',
    purchaseFrom: '2024-11-01',
    purchaseTo: '2024-11-30',
    registerFrom: '2024-11-01T00:00:00+08:00',
    registerTo: '2025-01-01T00:00:00+08:00',
    proofKinds: ['einvoice_qr', 'einvoice_text'],
    verificationMode: 'instant',
    autoAcceptReceipts: false,
    rules: {
      itemGroups: [{ key: 'tea', keywords: ['茶'], excludeKeywords: ['茶壺'] }],
      minAmount: { basis: 'matched', amountMinor: 3_000 },
    },
    rewards: {
      points: { basis: 'matched', stepAmountMinor: 1_000, perStep: 1 },
      entries: { perProof: 1 },
      draws: { final: { prizes: [{ key: 'trip', name: { en: 'A trip' }, quantity: 1 }] } },
    },
    ...overrides,
  };
}
