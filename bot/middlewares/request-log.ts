import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import type { Logger } from '../../core/shared/logger.js';
import { runWithRequestId } from '../../core/shared/request-context.js';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,64}$/;
/** The health probes would drown the log. */
const NOT_LOGGED = /^\/(healthz|readyz|metrics)$/;

/**
 * One structured log line per HTTP request: request id, method, path (never the query string, headers
 * or client address: tokens and personal data stay out), status and time — `{ req: { id, method, path },
 * res: { statusCode }, responseTime }`, "request completed" (info; warn for 4xx), or "request errored"
 * (error, with `err`) for a 5xx or a response that failed. The id is a caller's `x-request-id` when it
 * looks like one, else a new UUID; it is sent back as `x-request-id` and every log line written while
 * handling the request — or later by a worker for an event the request stored — carries it as `reqId`.
 *
 * Written by hand rather than with pino-http (same fields): pino-http made two child loggers and
 * serialized the request for every request, a tenth of the webhook's CPU (`npm run bench -- webhook`).
 */
export function createRequestLog(logger: Logger): RequestHandler[] {
  return [(req, res, next) => runWithRequestId(startRequestLog(logger, req, res), next)];
}

/**
 * What the middleware does for one request, for a handler served before express (the webhook's fast
 * path, `create-app.ts`): picks the id, sends it back, writes the line when the response is done, and
 * returns the id for the caller to run the request's work in (`runWithRequestId`).
 */
export function startRequestLog(logger: Logger, req: IncomingMessage, res: ServerResponse): string {
  const incoming = req.headers['x-request-id'];
  const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
  res.setHeader('x-request-id', id);
  (req as { id?: string }).id = id;
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  if (!NOT_LOGGED.test(path)) logWhenDone(logger, res, { id, method: req.method ?? 'GET', path });
  return id;
}

/**
 * The logger of the "request completed" lines: the given one without its redaction. Those lines hold only
 * fields built here (the id, method, path, status and time), where no redacted key can be, and redaction
 * was most of a line's cost (~12 µs a line, ~3 without; every webhook delivery writes one). The error line
 * (with `err`) keeps the given logger. Same level, serializers and mixin (`reqId`).
 */
const completedLoggers = new WeakMap<Logger, Logger>();
function completedLogger(logger: Logger): Logger {
  let completed = completedLoggers.get(logger);
  if (!completed) {
    completed = logger.child({}, { redact: [] });
    completedLoggers.set(logger, completed);
  }
  return completed;
}

function logWhenDone(
  logger: Logger,
  res: ServerResponse,
  req: { id: string; method: string; path: string },
): void {
  const start = Date.now();
  const done = (error?: unknown) => {
    res.off('finish', done);
    res.off('close', done);
    res.off('error', done);
    const responseTime = Date.now() - start;
    const statusCode = res.statusCode;
    const fields = { req, res: { statusCode }, responseTime };
    if (error !== undefined || statusCode >= 500) {
      const err = error ?? new Error(`failed with status code ${statusCode}`);
      logger.error({ ...fields, err }, 'request errored');
    } else if (statusCode >= 400) completedLogger(logger).warn(fields, 'request completed');
    else completedLogger(logger).info(fields, 'request completed');
  };
  res.on('finish', done);
  res.on('close', done);
  res.on('error', done);
}
