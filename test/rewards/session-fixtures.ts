import express, { type Express, type Request } from 'express';
import request from 'supertest';
import { createConsoleModule } from '../../bot/console/index.js';
import { createApp } from '../../bot/create-app.js';
import {
  createRewardsConsoleModule,
  createRewardsMemberRouter,
  createRewardsPublicModule,
} from '../../bot/rewards/index.js';
import type { Services } from '../../core/app/build-services.js';
import { createConsoleUser, grantConsoleMembership, type ConsoleRole } from '../../core/console/index.js';
import { grantRewardsForSubmission } from '../../core/rewards/index.js';
import { createUnauthorizedError } from '../../core/shared/errors.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, submissionId } from './fixtures.js';

/** Console users of the rewards brand, one per role (`<role>@tea.example`), signed in: role → session cookie. */
export async function signInConsoleRoles(
  app: Express,
  services: Pick<Services, 'database' | 'clock' | 'generateId'>,
  roles: readonly ConsoleRole[],
  password = 'correct horse battery',
): Promise<Map<ConsoleRole, string>> {
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  const cookies = new Map<ConsoleRole, string>();
  for (const role of roles) {
    const email = `${role}@tea.example`;
    const { user } = await createConsoleUser(deps, { email, name: role, password });
    await grantConsoleMembership(deps, { userId: user.id, brandId: BRAND_ID, role });
    const signedIn = await request(app).post('/api/console/session').send({ email, password });
    cookies.set(
      role,
      String(([] as string[]).concat(signedIn.headers['set-cookie'] ?? [])[0]).split(';')[0] as string,
    );
  }
  return cookies;
}

/** Lottery entries of the campaign: `entries` for each [submission index, member index] pair's proof. */
export async function grantEntries(
  services: Pick<Services, 'database' | 'clock' | 'generateId'>,
  pairs: readonly (readonly [number, number])[],
  entries: number,
) {
  for (const [submission, member] of pairs)
    await services.database.db.transaction((tx) =>
      grantRewardsForSubmission({
        tx,
        generateId: services.generateId,
        clock: services.clock,
        submission: {
          id: submissionId(submission),
          brandId: BRAND_ID,
          campaignId: CAMPAIGN_ID,
          memberId: memberId(member),
        },
        quantities: { points: 0, entries, instantWin: 0 },
      }),
    );
}

/**
 * The web app of the rewards console tests: sign-in, the console's rewards and draws API, the public draws
 * and reward pictures, and the LIFF rewards API as the member named by `x-test-member` (production
 * resolves the LIFF ID token).
 */
export function createRewardsConsoleTestApp(services: Services): Express {
  const liff = express.Router();
  liff.use(
    '/api/liff/rewards',
    createRewardsMemberRouter({
      db: services.database.db,
      generateId: services.generateId,
      clock: services.clock,
      resolveMember: (req: Request) => {
        const member = req.header('x-test-member');
        if (!member) throw createUnauthorizedError();
        return { brandId: BRAND_ID, memberId: member };
      },
    }),
  );
  return createApp(services, [
    createConsoleModule(services),
    createRewardsConsoleModule(services),
    createRewardsPublicModule(services),
    { json: liff },
  ]);
}
