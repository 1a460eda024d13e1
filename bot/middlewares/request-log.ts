import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../../core/shared/logger.js';
import { runWithRequestId } from '../../core/shared/request-context.js';

const INCOMING_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * One structured log line per HTTP request (pino-http): request id, method, path (never the query
 * string, headers or client address: tokens and personal data stay out), status and time. The id is a
 * caller's `x-request-id` when it looks like one, else a new UUID; it is sent back as `x-request-id` and
 * every log line written while handling the request — or later by a worker for an event the request
 * stored — carries it as `reqId`.
 */
export function createRequestLog(logger: Logger): RequestHandler[] {
  const httpLogger = pinoHttp({
    logger,
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && INCOMING_ID.test(incoming) ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    serializers: {
      req: (req: { id: unknown; method: string; url: string }) => ({
        id: req.id,
        method: req.method,
        path: req.url.split('?')[0],
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    // The health probes would drown the log.
    autoLogging: { ignore: (req: IncomingMessage) => /^\/(healthz|readyz|metrics)$/.test(req.url ?? '') },
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error) =>
      error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
  });
  return [
    httpLogger as unknown as RequestHandler,
    (req, _res, next) => runWithRequestId(String(req.id), next),
  ];
}
