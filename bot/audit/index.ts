import type { Services } from '../../core/app/build-services.js';
import { buildConsoleGuard } from '../console/index.js';
import type { AppModule } from '../create-app.js';
import { createAuditRouter } from './audit.routes.js';
import { createAuditTrailRouter } from './audit.trail.js';

export { createAuditRouter } from './audit.routes.js';
export { AUDITED_CONSOLE_ROUTES, createAuditTrailRouter, type AuditedRoute } from './audit.trail.js';

/**
 * The audit trail of console actions whose use cases do not audit themselves; mounted before the
 * capability routers it listens to.
 */
export function createAuditTrailModule(services: Services): AppModule {
  return {
    json: createAuditTrailRouter({
      deps: { db: services.database.db, clock: services.clock, generateId: services.generateId },
      logger: services.logger,
    }),
  };
}

/** The console's audit log API (owners) as an app module. */
export function createAuditModule(services: Services): AppModule {
  return { json: createAuditRouter({ db: services.database.db, guard: buildConsoleGuard(services) }) };
}
