import type { Services } from '../../core/app/build-services.js';
import type { AppModule } from '../create-app.js';
import { createConsoleGuard, type ConsoleGuard } from './console.guard.js';
import { createConsoleRouter } from './console.routes.js';

export { createConsoleRouter } from './console.routes.js';
export { CONSOLE_APP_BASE, CONSOLE_APP_DIST_DIR, createConsoleAppModule } from './console-app.static.js';
export { consoleActorOf, createConsoleGuard, type ConsoleActor, type ConsoleGuard } from './console.guard.js';
export {
  CONSOLE_COOKIE_PATH,
  CONSOLE_SESSION_COOKIE,
  getConsoleSession,
  readCookie,
} from './console.session.js';

/** Console sign-in as an app module (JSON routes under /api/console). */
export function createConsoleModule(services: Services): AppModule {
  return {
    json: createConsoleRouter({
      deps: { db: services.database.db, clock: services.clock, generateId: services.generateId },
      sessionHours: services.config.console.sessionHours,
      secureCookie: !services.config.localMode,
    }),
  };
}

/**
 * The guard every console route goes through (`guard.require('rewards.write')`): one per module is fine,
 * it holds no state. Local mode also accepts the tooling headers (see createConsoleGuard).
 */
export function buildConsoleGuard(services: Services): ConsoleGuard {
  return createConsoleGuard({
    deps: { db: services.database.db, clock: services.clock, generateId: services.generateId },
    allowLocalHeaders: services.config.localMode,
  });
}
