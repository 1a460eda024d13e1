import type { Services } from '../../core/app/build-services.js';
import { buildLineMessenger, type LineMessenger } from '../../core/messaging/index.js';
import { buildConsoleGuard } from '../console/index.js';
import type { AppModule } from '../create-app.js';
import { createSettingsRouter } from './settings.routes.js';

export { createSettingsRouter, RICH_MENU_DEFINITION_PATH, RICH_MENU_IMAGE_PATH } from './settings.routes.js';

/** The console's settings API (profile, LINE channels, credential test, rich menu) as an app module. */
export function createSettingsModule(
  services: Services,
  { messenger = buildLineMessenger(services.config) }: { messenger?: LineMessenger } = {},
): AppModule {
  return {
    json: createSettingsRouter({
      deps: { db: services.database.db, clock: services.clock, generateId: services.generateId },
      guard: buildConsoleGuard(services),
      messenger,
      publicBaseUrl: services.config.server.publicBaseUrl,
    }),
  };
}
