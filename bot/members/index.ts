import type { Services } from '../../core/app/build-services.js';
import { buildBlobStore, type BlobStore } from '../../core/blobs/index.js';
import { createConsoleGuard } from '../console/console.guard.js';
import type { AppModule } from '../create-app.js';
import { createMembersRouter } from './members.routes.js';

export { createMembersRouter } from './members.routes.js';

/** The console's members API as an app module (JSON routes under /api/console/members). */
export function createMembersModule(services: Services, options: { blobStore?: BlobStore } = {}): AppModule {
  const deps = { db: services.database.db, clock: services.clock, generateId: services.generateId };
  return {
    json: createMembersRouter({
      deps,
      blobStore: options.blobStore ?? services.blobStore ?? buildBlobStore(services.config),
      guard: createConsoleGuard({ deps, allowLocalHeaders: services.config.localMode }),
    }),
  };
}
