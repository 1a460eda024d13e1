import type { Services } from '../../core/app/build-services.js';
import { buildBlobStore, type BlobStore } from '../../core/blobs/index.js';
import { buildPayoutDeps } from '../../core/app/payout-deps.js';
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
  // A draw winner whose photo proof was held is told on approval; after a rejection the next reserve
  // is re-checked on the MoF platform (the draws' `batch` budget, built on first use).
  const deps = buildPayoutDeps(services, 'batch');
  return {
    json: createReviewRouter({
      deps,
      blobStore: options.blobStore ?? services.blobStore ?? buildBlobStore(services.config),
      guard: options.guard ?? createConsoleGuard({ deps, allowLocalHeaders: services.config.localMode }),
    }),
  };
}
