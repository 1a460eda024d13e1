import type { ErrorRequestHandler, RequestHandler } from 'express';
import { ZodError } from 'zod';
import type { Logger } from '../../core/shared/logger.js';
import { isAppError } from '../../core/shared/errors.js';

type ErrorBody = {
  error: { code: string; message: string; details?: unknown; fieldErrors?: Record<string, string> };
};

/**
 * The one place HTTP errors are shaped: `{ error: { code, message } }`. Public AppErrors keep their
 * code and message; everything else is logged and answered with a generic 500.
 */
export function createErrorMiddleware({ logger }: { logger: Logger }): ErrorRequestHandler {
  return (error, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const { status, body } = toHttpError(error);
    if (status >= 500) logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    const retryAfter = (body.error.details as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number') res.set('retry-after', String(retryAfter));
    res.status(status).json(body);
  };
}

function toHttpError(error: unknown): { status: number; body: ErrorBody } {
  if (isAppError(error) && !error.isInternal) {
    const fieldErrors = error.details?.fieldErrors as Record<string, string> | undefined;
    return {
      status: error.statusCode,
      body: {
        error: {
          code: error.code,
          message: error.message,
          details: error.details,
          ...(fieldErrors ? { fieldErrors } : {}),
        },
      },
    };
  }
  if (error instanceof ZodError) {
    // Every problem with its JSON path (`['rules', 'minAmount']`), so a form can show it beside the field.
    const issues = error.issues.map((issue) => ({
      path: issue.path.map((key) => (typeof key === 'symbol' ? String(key) : key)),
      message: issue.message,
    }));
    const first = issues[0];
    return {
      status: 400,
      body: {
        error: {
          code: 'validation.failed',
          message: first
            ? `Invalid input: ${first.path.length > 0 ? `${first.path.join('.')}: ` : ''}${first.message}`
            : 'Invalid input',
          details: { issues },
          // JSON path (dotted) → message, for a form to show beside each field.
          fieldErrors: Object.fromEntries(
            [...issues].reverse().map((issue) => [issue.path.join('.'), issue.message]),
          ),
        },
      },
    };
  }
  const name = (error as { name?: string } | null)?.name;
  // The LINE SDK's middleware errors (thrown before our code sees the request).
  if (name === 'SignatureValidationFailed') {
    return { status: 401, body: { error: { code: 'webhook.bad_signature', message: 'Invalid signature' } } };
  }
  const type = (error as { type?: string } | null)?.type;
  if (name === 'JSONParseError' || type === 'entity.parse.failed') {
    return { status: 400, body: { error: { code: 'request.bad_json', message: 'Malformed JSON body' } } };
  }
  if (type === 'entity.too.large') {
    // body-parser's error carries the declared length and the route's limit: say both.
    const { length, limit } = error as { length?: number; limit?: number };
    const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1).replace(/\.0$/, '')} MB`;
    const message =
      typeof length === 'number' && typeof limit === 'number'
        ? `Request body too large: ${mb(length)}; the limit is ${mb(limit)}`
        : 'Request body too large';
    return { status: 413, body: { error: { code: 'request.too_large', message } } };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Internal error' } } };
}

export const notFoundHandler: RequestHandler = (req, res) => {
  res.status(404).json({ error: { code: 'not_found', message: `No route for ${req.method} ${req.path}` } });
};
