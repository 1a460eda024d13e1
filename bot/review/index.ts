import type { Services } from '../../core/app/build-services.js';
import { buildBlobStore, type BlobStore } from '../../core/blobs/index.js';
import { createMessagingRewardsNotifier } from '../../core/rewards/index.js';
import { buildEInvoicePlatform, type EInvoicePlatform } from '../../core/verification/index.js';
import { createConsoleGuard, type ConsoleGuard } from '../console/console.guard.js';
import type { AppModule } from '../create-app.js';
import { createReviewRouter } from './review.routes.js';

export { BRAND_HEADER, createReviewRouter, REVIEWER_HEADER } from './review.routes.js';

/**
 * The review API as an app module (JSON routes under /api/console/review), behind the console guard:
 * a console session with `review.read`/`review.decide`; in local mode only, also the tooling headers.
 */
export function createReviewModule(
  services: Services,
  options: { blobStore?: BlobStore; guard?: ConsoleGuard } = {},
): AppModule {
  let platform: EInvoicePlatform | undefined;
  const deps = {
    db: services.database.db,
    clock: services.clock,
    generateId: services.generateId,
    logger: services.logger,
    // A draw winner whose photo proof was held is told on approval; after a rejection the next reserve
    // is re-checked on the MoF platform (the draws' `batch` budget, built on first use).
    notifier: createMessagingRewardsNotifier({ generateId: services.generateId, clock: services.clock }),
    platform: () =>
      (platform ??= buildEInvoicePlatform(services.config, {
        clock: services.clock,
        logger: services.logger,
        db: services.database.db,
        priority: 'batch',
      })),
  };
  return {
    json: createReviewRouter({
      deps,
      blobStore: options.blobStore ?? services.blobStore ?? buildBlobStore(services.config),
      guard: options.guard ?? createConsoleGuard({ deps, allowLocalHeaders: services.config.localMode }),
    }),
  };
}
