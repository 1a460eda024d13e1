import type { RequestHandler } from 'express';
import { createErrorFactory } from '../../core/shared/errors.js';
import { findNulCharacter } from '../../core/shared/storable-text.js';

export const createNulCharacterError = createErrorFactory({
  code: 'request.nul_character',
  message: 'The request holds U+0000 (NUL), which is not allowed',
  statusCode: 400,
});

type RouteLayer = {
  route?: unknown;
  handle?: { stack?: RouteLayer[] };
  match: (path: string) => false | { params: Record<string, unknown>; path: string };
};

/**
 * The name of the route parameter holding U+0000 in `path`, found by matching the app's own routes
 * (nested routers too); undefined when no route names it.
 */
function nulParamName(stack: RouteLayer[], path: string): string | undefined {
  for (const layer of stack) {
    let match: ReturnType<RouteLayer['match']>;
    try {
      match = layer.match(path);
    } catch {
      continue; // a malformed %-escape: the router itself answers 400 for it
    }
    if (!match) continue;
    const named = Object.entries(match.params).find(
      ([, value]) => typeof value === 'string' && value.includes('\u0000'),
    );
    if (named) return named[0];
    if (!layer.route && layer.handle?.stack) {
      const inner = nulParamName(layer.handle.stack, path.slice(match.path.length) || '/');
      if (inner) return inner;
    }
  }
  return undefined;
}

function pathHasNul(path: string): boolean {
  return path.split('/').some((segment) => {
    try {
      return decodeURIComponent(segment).includes('\u0000');
    } catch {
      return false;
    }
  });
}

/**
 * One guard for every route: U+0000 in the URL path (a route parameter), the query string or a parsed
 * JSON body is answered 400 naming the field, before any handler passes it to the database (which
 * refuses it and would otherwise turn it into a 500). Mounted first (path, query) and again after the
 * JSON parser (body). Raw bodies (the signed webhook, photo bytes) are not looked at.
 */
export function createNulGuard(): RequestHandler {
  return (req, _res, next) => {
    if (pathHasNul(req.path)) {
      const stack = (req.app as unknown as { router?: { stack?: RouteLayer[] } }).router?.stack ?? [];
      const name = nulParamName(stack, req.path);
      const field = name ?? 'path';
      next(
        createNulCharacterError({
          message: `${field}: U+0000 (NUL) is not allowed in the URL path`,
          details: { field, in: 'path' },
        }),
      );
      return;
    }
    for (const [where, value] of [
      ['query', req.query],
      ['body', Buffer.isBuffer(req.body) ? undefined : req.body],
    ] as const) {
      const field = findNulCharacter(value);
      if (field !== undefined) {
        next(
          createNulCharacterError({
            message: `${field || where}: U+0000 (NUL) is not allowed in the ${where}`,
            details: { field: field || where, in: where },
          }),
        );
        return;
      }
    }
    next();
  };
}
