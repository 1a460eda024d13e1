import type { Express } from 'express';
import request from 'supertest';
import { createCampaignsConsoleModule } from '../../bot/campaigns/index.js';
import { createConsoleModule } from '../../bot/console/index.js';
import { createApp } from '../../bot/create-app.js';
import type { Services } from '../../core/app/build-services.js';
import { overrideConfig } from '../../core/config/config.js';
import { createConsoleUser, grantConsoleMembership, type ConsoleRole } from '../../core/console/index.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import type { World } from '../submissions/world.js';

const PASSWORD = 'correct horse battery';

/** The web app with the console and campaign modules over the submissions test world (MoF simulator). */
export function campaignsApp(world: World): { app: Express; services: Services } {
  const services: Services = {
    config: overrideConfig({
      localMode: false,
      mof: { apiBaseUrl: world.sim.url, maxRetries: 0, timeoutMs: 5_000, rateLimitPerSecond: 10_000 },
    }),
    logger: createSilentLogger(),
    clock: world.clock,
    generateId: world.generateId,
    database: world.database,
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
