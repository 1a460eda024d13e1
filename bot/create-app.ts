import type { IncomingMessage, ServerResponse } from 'node:http';
import express, { type Express, type Request, type Response, type Router } from 'express';
import type { Services } from '../core/app/build-services.js';
import { runWithRequestId } from '../core/shared/request-context.js';
import { createHealthRouter } from './health.routes.js';
import { createErrorMiddleware, notFoundHandler } from './middlewares/errors.js';
import { createNulGuard } from './middlewares/nul-guard.js';
import { createRequestLog, startRequestLog } from './middlewares/request-log.js';

/**
 * A route served before express (the webhook's fast path): `match` looks at the method and URL only and
 * returns the handler when the request is one it serves whole, else undefined (express serves it). The
 * app still writes its request log line, runs the handler in the request's context, and answers a
 * thrown error as express's error middleware does.
 */
export type FastRoute = {
  match: (req: IncomingMessage) => ((req: IncomingMessage, res: ServerResponse) => Promise<void>) | undefined;
};

export type AppModule = {
  /** Mounted before any body parser: the webhook must see the raw body to check LINE's signature. */
  raw?: Router;
  /** Mounted after express.json(). */
  json?: Router;
  /** Tried for every request before express's middleware stack. */
  fast?: FastRoute;
};

/**
 * The web app, without listen(): the bot starts it, tests drive it with supertest. Capabilities add
 * their routers as modules; the order (fast routes before express, raw routers first, JSON routers
 * after) is fixed here.
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
  const errorMiddleware = createErrorMiddleware(services);
  app.use(errorMiddleware);
  serveFastRoutes(
    app,
    modules.flatMap((module) => (module.fast ? [module.fast] : [])),
    (req, res) => startRequestLog(services.logger, req, res),
    errorMiddleware,
  );
  return app;
}

/**
 * Puts the fast routes in front of express: `app.handle` is what the app function (the http server's
 * request listener, supertest's too) calls for every request. A fast route's error is answered by the
 * error middleware, on the request and response given express's prototypes as `app.handle` gives them.
 */
function serveFastRoutes(
  app: Express,
  routes: FastRoute[],
  startLog: (req: IncomingMessage, res: ServerResponse) => string,
  errorMiddleware: ReturnType<typeof createErrorMiddleware>,
): void {
  if (routes.length === 0) return;
  const expressApp = app as unknown as {
    handle: (req: IncomingMessage, res: ServerResponse, callback?: unknown) => void;
    request: object;
    response: object;
  };
  const handle = expressApp.handle.bind(app);
  const answerError = (req: IncomingMessage, res: ServerResponse, error: unknown) => {
    Object.assign(req, { res });
    Object.assign(res, { req, locals: Object.create(null) as object });
    Object.setPrototypeOf(req, expressApp.request);
    Object.setPrototypeOf(res, expressApp.response);
    errorMiddleware(error, req as Request, res as Response, () => res.destroy());
  };
  expressApp.handle = (req, res, callback) => {
    for (const route of routes) {
      const handler = route.match(req);
      if (!handler) continue;
      const requestId = startLog(req, res);
      runWithRequestId(requestId, () => {
        handler(req, res).catch((error: unknown) => answerError(req, res, error));
      });
      return;
    }
    handle(req, res, callback);
  };
}
