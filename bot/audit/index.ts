import type { Services } from '../../core/app/build-services.js';
import { buildConsoleGuard } from '../console/index.js';
import type { AppModule } from '../create-app.js';
import { createAuditRouter } from './audit.routes.js';

export { createAuditRouter } from './audit.routes.js';

/** The console's audit log API (owners) as an app module. */
export function createAuditModule(services: Services): AppModule {
  return { json: createAuditRouter({ db: services.database.db, guard: buildConsoleGuard(services) }) };
}
