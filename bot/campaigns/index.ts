import type { Services } from '../../core/app/build-services.js';
import { buildEInvoicePlatform, type EInvoicePlatform } from '../../core/verification/index.js';
import type { AppModule } from '../create-app.js';
import { buildConsoleGuard } from '../console/index.js';
import { createCampaignsConsoleRouter } from './campaigns.routes.js';

export { CAMPAIGNS_PATH, campaignView, createCampaignsConsoleRouter } from './campaigns.routes.js';

/** The campaign editor's console API (`/api/console/campaigns…`), behind the console guard. */
export function createCampaignsConsoleModule(services: Services): AppModule {
  let platform: EInvoicePlatform | undefined;
  return {
    json: createCampaignsConsoleRouter({
      deps: { db: services.database.db, clock: services.clock, generateId: services.generateId },
      guard: buildConsoleGuard(services),
      check: {
        platform: () =>
          (platform ??= buildEInvoicePlatform(services.config, {
            clock: services.clock,
            logger: services.logger,
            db: services.database.db,
            priority: 'batch',
          })),
        ocrEngine: () => services.ocrEngine,
      },
    }),
  };
}
