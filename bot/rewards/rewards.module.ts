import { Router } from 'express';
import type { Services } from '../../core/app/build-services.js';
import { buildBlobStore } from '../../core/blobs/index.js';
import { buildTaxDataCipher } from '../../core/draws/index.js';
import { buildPayoutDeps } from '../../core/app/payout-deps.js';
import { buildConsoleGuard } from '../console/index.js';
import type { AppModule } from '../create-app.js';
import { createRewardImagesConsoleRouter, createRewardImagesPublicRouter } from './reward-images.routes.js';
import { createRewardsConsoleRouter } from './rewards.console.routes.js';
import { createPublicDrawsRouter, createRewardsMemberRouter, type ResolveMember } from './rewards.routes.js';
import { createWinnerTaxConsoleRouter, createWinnerTaxMemberRouter } from './winner-tax.routes.js';

/** Reward pictures live beside receipt photos (BLOB_STORE). */
function blobStoreOf(services: Services) {
  return services.blobStore ?? buildBlobStore(services.config);
}

/** The public, unauthenticated part: draws (/draws/:id, /api/public/draws) and reward pictures (/reward-images). */
export function createRewardsPublicModule(services: Services): AppModule {
  const json = Router();
  json.use(createPublicDrawsRouter({ db: services.database.db }));
  json.use(createRewardImagesPublicRouter({ blobStore: blobStoreOf(services) }));
  return { json };
}

/**
 * The member router, for the LIFF module's `memberRouters` (`{ path: '/rewards', router }` → /api/liff/rewards),
 * with `resolveLiffMember` as the resolver.
 */
export function buildRewardsMemberRouter(services: Services, resolveMember: ResolveMember): Router {
  const router = Router();
  router.use(createRewardsMemberRouter({ ...buildPayoutDeps(services, 'instant'), resolveMember }));
  router.use(
    createWinnerTaxMemberRouter({
      ...buildPayoutDeps(services, 'instant'),
      cipher: buildTaxDataCipher(services.config),
      resolveMember,
    }),
  );
  return router;
}

/** The console's rewards and draws API (/api/console/rewards, …/draws, …) behind the console guard. */
export function createRewardsConsoleModule(services: Services): AppModule {
  const guard = buildConsoleGuard(services);
  const json = Router();
  const blobStore = blobStoreOf(services);
  json.use(createRewardsConsoleRouter({ ...buildPayoutDeps(services, 'batch'), guard, blobStore }));
  json.use(createRewardImagesConsoleRouter({ blobStore, guard }));
  json.use(
    createWinnerTaxConsoleRouter({
      ...buildPayoutDeps(services, 'batch'),
      cipher: buildTaxDataCipher(services.config),
      guard,
    }),
  );
  return { json };
}
