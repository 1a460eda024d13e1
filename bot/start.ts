import express from 'express';
import type { Services } from '../core/app/build-services.js';
import { createAnalyticsModule } from './analytics/index.js';
import { createAuditModule } from './audit/index.js';
import { createHealthRouter } from './health.routes.js';
import { createCampaignsConsoleModule } from './campaigns/index.js';
import { createApp, type AppModule } from './create-app.js';
import { createConsoleAppModule, createConsoleModule } from './console/index.js';
import { createDevChatModule } from './dev/chat.routes.js';
import { buildLiffAppModule, prepareLiffApp } from './liff/liff.module.js';
import { createMembersModule } from './members/index.js';
import { createReviewModule } from './review/index.js';
import { createRewardsConsoleModule, createRewardsPublicModule } from './rewards/index.js';
import { createSegmentsModule } from './segments/index.js';
import { createSettingsModule } from './settings/index.js';
import { createTeamModule } from './team/index.js';
import { createBroadcastsModule } from './broadcasts/index.js';
import { createWebhookModule } from './webhook/index.js';
import { listen, type WebServer } from './server.js';

/**
 * The web process: webhook, APIs and the two web apps. Capabilities register their routers in
 * `buildAppModules`.
 */
export function buildAppModules(
  services: Services,
  options: {
    /** Where the built console app is (tests build it into a temporary folder). @default console-app/dist */
    consoleAppDir?: string;
  } = {},
): AppModule[] {
  const devChat = createDevChatModule(services);
  return [
    createWebhookModule(services),
    createRewardsPublicModule(services),
    buildLiffAppModule(services),
    ...(devChat ? [devChat] : []),
    createConsoleModule(services),
    // Catalog, coupon codes, instant prizes, redemptions, points adjustments and draws, behind the guard.
    createRewardsConsoleModule(services),
    createSegmentsModule(services),
    createBroadcastsModule(services),
    createAnalyticsModule(services),
    createCampaignsConsoleModule(services),
    // Behind the console guard (session + role); local mode also accepts the tooling headers.
    createReviewModule(services),
    createMembersModule(services),
    // Team (owners), the audit log and the brand's settings.
    createTeamModule(services),
    createAuditModule(services),
    createSettingsModule(services),
    // The console app's pages at /console/ (built at install time and by `npm run build`).
    createConsoleAppModule({ staticDir: options.consoleAppDir }),
  ];
}

/**
 * What a `--worker-only` process serves on WORKER_METRICS_PORT: /healthz, /readyz and /metrics, so the
 * MoF, LINE and OCR counts of the calls it made can be scraped (a web process counts only its own).
 */
export function startWorkerMetrics(services: Services, port: number): Promise<WebServer> {
  const app = express();
  app.disable('x-powered-by');
  app.use(createHealthRouter(services));
  return listen(app, { port, host: services.config.server.host });
}

export async function startWeb(services: Services): Promise<WebServer> {
  await prepareLiffApp(services);
  const app = createApp(services, buildAppModules(services));
  return listen(app, { port: services.config.server.port, host: services.config.server.host });
}
