import type { Services } from '../../core/app/build-services.js';
import { buildBlobStore, type BlobStore } from '../../core/blobs/index.js';
import type { AppModule } from '../create-app.js';
import { createReviewRouter, headerReviewerResolver, type ResolveReviewer } from './review.routes.js';

export {
  BRAND_HEADER,
  createReviewRouter,
  headerReviewerResolver,
  REVIEWER_HEADER,
  type ResolveReviewer,
  type Reviewer,
} from './review.routes.js';

/**
 * The review API as an app module (JSON routes under /api/console/review). Without a `resolveReviewer`
 * (tests, local tooling) the reviewer headers are trusted in local mode only; elsewhere nobody is.
 */
export function createReviewModule(
  services: Services,
  options: { blobStore?: BlobStore; resolveReviewer?: ResolveReviewer } = {},
): AppModule {
  return {
    json: createReviewRouter({
      deps: { db: services.database.db, clock: services.clock, generateId: services.generateId },
      blobStore: options.blobStore ?? services.blobStore ?? buildBlobStore(services.config),
      resolveReviewer:
        options.resolveReviewer ?? (services.config.localMode ? headerReviewerResolver : () => undefined),
    }),
  };
}
