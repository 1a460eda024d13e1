import type { Services } from '../../core/app/build-services.js';
import { buildConsoleGuard } from '../console/index.js';
import type { AppModule } from '../create-app.js';
import { createTeamRouter } from './team.routes.js';

export { createTeamRouter } from './team.routes.js';

/** The console's team API and the invitation page's two public routes, as an app module. */
export function createTeamModule(services: Services): AppModule {
  return {
    json: createTeamRouter({
      deps: { db: services.database.db, clock: services.clock, generateId: services.generateId },
      guard: buildConsoleGuard(services),
      sessionHours: services.config.console.sessionHours,
      secureCookie: !services.config.localMode,
      publicBaseUrl: services.config.server.publicBaseUrl,
    }),
  };
}
