import { Router, type Request, type Response } from 'express';
import { recordAudit } from '../../core/audit/index.js';
import type { Database } from '../../core/db/database.js';
import type { Clock } from '../../core/shared/clock.js';
import type { IdGenerator } from '../../core/shared/ids.js';
import type { Logger } from '../../core/shared/logger.js';
import type { ConsoleActor } from '../console/console.guard.js';

type Body = Record<string, unknown> | undefined;

/** One console action the trail writes down: which request, under which action name, about what. */
export type AuditedRoute = {
  method: 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under /api/console; `:name` segments are path parameters. */
  path: string;
  action: string;
  targetType: string;
  /** The target's id: from the answer (a created row), else this path parameter, else the request body. */
  targetFrom: { answer?: string; param?: string; body?: string };
};

/**
 * Console actions whose use cases do not write their own audit row (the review decisions, members' export
 * and erasure, the team's changes, broadcasts' quiet-hours overrides, points adjustments, the draws'
 * open/run/forfeit/promote, and rewards, coupon codes, instant prizes, fulfilment and cancelling do, in
 * their transactions, and only when something changed). Add a
 * row here for every new state-changing console route whose use case does not audit itself.
 */
export const AUDITED_CONSOLE_ROUTES: AuditedRoute[] = [
  {
    method: 'POST',
    path: '/campaigns',
    action: 'campaign.created',
    targetType: 'campaign',
    targetFrom: { answer: 'campaign' },
  },
  ...(['publish', 'pause', 'end'] as const).map((verb): AuditedRoute => ({
    method: 'POST',
    path: `/campaigns/:ref/${verb}`,
    action: `campaign.${verb === 'end' ? 'ended' : `${verb}${verb.endsWith('e') ? 'd' : 'ed'}`}`,
    targetType: 'campaign',
    targetFrom: { answer: 'campaign', param: 'ref' },
  })),
  {
    method: 'PUT',
    path: '/campaigns/:ref',
    action: 'campaign.updated',
    targetType: 'campaign',
    targetFrom: { answer: 'campaign', param: 'ref' },
  },
  {
    method: 'POST',
    path: '/campaigns/:ref/clone',
    action: 'campaign.cloned',
    targetType: 'campaign',
    targetFrom: { answer: 'campaign' },
  },
  {
    method: 'POST',
    path: '/broadcasts',
    action: 'broadcast.created',
    targetType: 'broadcast',
    targetFrom: { answer: 'id' },
  },
  {
    method: 'POST',
    path: '/broadcasts/:id/send',
    action: 'broadcast.sent',
    targetType: 'broadcast',
    targetFrom: { param: 'id' },
  },
  {
    method: 'POST',
    path: '/broadcasts/:id/cancel',
    action: 'broadcast.cancelled',
    targetType: 'broadcast',
    targetFrom: { param: 'id' },
  },
  {
    method: 'POST',
    path: '/segments',
    action: 'segment.created',
    targetType: 'segment',
    targetFrom: { answer: 'id' },
  },
  {
    method: 'POST',
    path: '/analytics/products',
    action: 'analytics.product_saved',
    targetType: 'analytics_product',
    targetFrom: { body: 'key' },
  },
  {
    method: 'POST',
    path: '/analytics/mappings',
    action: 'analytics.mapping_saved',
    targetType: 'analytics_mapping',
    targetFrom: { body: 'itemName' },
  },
  {
    method: 'DELETE',
    path: '/analytics/mappings',
    action: 'analytics.mapping_removed',
    targetType: 'analytics_mapping',
    targetFrom: { body: 'itemName' },
  },
];

/** Request bodies up to this size go into the audit row as they were sent; larger ones by their keys. */
const MAX_INPUT_CHARS = 2_000;

function compile(route: AuditedRoute) {
  const names: string[] = [];
  const source = route.path.replace(/:(\w+)/g, (_match, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { route, names, pattern: new RegExp(`^/api/console${source}/?$`) };
}

function stringAt(value: unknown, key: string): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const found = (value as Record<string, unknown>)[key];
  if (typeof found === 'string') return found;
  if (found && typeof found === 'object' && typeof (found as { id?: unknown }).id === 'string')
    return (found as { id: string }).id;
  return undefined;
}

function inputOf(body: Body): Record<string, unknown> | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const text = JSON.stringify(body);
  return text.length <= MAX_INPUT_CHARS ? body : { keys: Object.keys(body) };
}

/**
 * The console's audit trail for the routes in AUDITED_CONSOLE_ROUTES: once such a request has succeeded
 * (2xx) and the console guard has named its actor, one audit row records who did what to which row, with
 * the input sent. It runs beside the capability routers (mounted before them, it only listens for the
 * answer), so capabilities whose use cases do not audit are covered without each growing its own code.
 * The row is written after the change committed and before the answer is sent: a crash in between loses
 * the row, never the change.
 */
export function createAuditTrailRouter({
  deps,
  logger,
  routes = AUDITED_CONSOLE_ROUTES,
}: {
  deps: { db: Database; clock: Clock; generateId: IdGenerator };
  logger: Logger;
  routes?: AuditedRoute[];
}): Router {
  const compiled = routes.map(compile);
  const router = Router();
  router.use('/api/console', (req: Request, res: Response, next) => {
    const path = `/api/console${req.path}`;
    const match = compiled
      .filter((entry) => entry.route.method === req.method)
      .map((entry) => ({ entry, found: entry.pattern.exec(path) }))
      .find(({ found }) => found);
    if (!match) {
      next();
      return;
    }
    let recorded = false;
    const record = (answer: unknown): Promise<unknown> => {
      const actor = res.locals.consoleActor as ConsoleActor | undefined;
      if (recorded || res.statusCode >= 300 || !actor) return Promise.resolve();
      recorded = true;
      const { route, names } = match.entry;
      const params = Object.fromEntries(
        names.map((name, index) => [name, decodeURIComponent(match.found![index + 1] as string)]),
      );
      const body = req.body as Body;
      const targetId =
        (route.targetFrom.answer ? stringAt(answer, route.targetFrom.answer) : undefined) ??
        (route.targetFrom.param ? params[route.targetFrom.param] : undefined) ??
        (route.targetFrom.body ? stringAt(body, route.targetFrom.body) : undefined) ??
        null;
      return recordAudit(deps.db, deps, {
        brandId: actor.brandId,
        actorType: 'console_user',
        actorId: actor.userId,
        action: route.action,
        targetType: route.targetType,
        targetId,
        data: { by: actor.email, ...(Object.keys(params).length ? { params } : {}), input: inputOf(body) },
      }).catch((error: unknown) =>
        logger.error({ err: error, action: route.action }, 'audit: could not write the audit row'),
      );
    };
    // The row is written before the answer leaves, so whoever got the answer finds the row.
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      void record(body).then(() => json(body));
      return res;
    };
    // Answers without a JSON body (204) are recorded once sent.
    res.on('finish', () => void record(undefined));
    next();
  });
  return router;
}
