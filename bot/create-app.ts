import express, { type Express, type Router } from 'express';
import type { Services } from '../core/app/build-services.js';
import { createHealthRouter } from './health.routes.js';
import { createErrorMiddleware, notFoundHandler } from './middlewares/errors.js';
import { createNulGuard } from './middlewares/nul-guard.js';
import { createRequestLog } from './middlewares/request-log.js';

export type AppModule = {
  /** Mounted before any body parser: the webhook must see the raw body to check LINE's signature. */
  raw?: Router;
  /** Mounted after express.json(). */
  json?: Router;
};

/**
 * The web app, without listen(): the bot starts it, tests drive it with supertest. Capabilities add
 * their routers as modules; the order (raw routers first, JSON routers after) is fixed here.
 */
export function createApp(services: Services, modules: AppModule[] = []): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', true);
  app.use(...createRequestLog(services.logger));
  // U+0000 in a path, query or JSON body is a 400 naming the field, for every route.
  const nulGuard = createNulGuard();
  app.use(nulGuard);
  // The raw routers first: the webhook, the hottest route, passes through no other router.
  for (const module of modules) if (module.raw) app.use(module.raw);
  app.use(createHealthRouter(services));
  app.use(express.json({ limit: '1mb' }));
  app.use(nulGuard);
  for (const module of modules) if (module.json) app.use(module.json);
  app.use(notFoundHandler);
  app.use(createErrorMiddleware(services));
  return app;
}
