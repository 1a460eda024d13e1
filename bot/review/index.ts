import type { Services } from '../../core/app/build-services.js';
import { buildBlobStore, type BlobStore } from '../../core/blobs/index.js';
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
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  return {
    json: createReviewRouter({
      deps,
      blobStore: options.blobStore ?? services.blobStore ?? buildBlobStore(services.config),
      guard: options.guard ?? createConsoleGuard({ deps, allowLocalHeaders: services.config.localMode }),
    }),
  };
}
