import type { RequestHandler } from 'express';
import { createErrorFactory } from '../../core/shared/errors.js';

export const createJsonRequiredError = createErrorFactory({
  message: 'Requests that change something must be sent as JSON (content-type: application/json)',
  code: 'request.json_required',
  statusCode: 415,
});

/** Sent by the console app with multipart uploads (console-app/src/api.ts). */
export const CSRF_HEADER = 'x-proofline-csrf';

const MUTATING_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * CSRF guard for cookie-authenticated APIs, on top of SameSite=Strict: a cross-site HTML form can only
 * send form or text bodies, and a cross-site fetch with `application/json` needs a CORS preflight we
 * never grant. So a mutating request that is not JSON is refused before any handler runs.
 */
export const requireJsonForMutations: RequestHandler = (req, _res, next) => {
  // The header itself, not req.is(): a body-less DELETE must declare JSON too.
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  // A multipart upload names itself with a header a cross-site form cannot send (the console's `api.upload`).
  const upload = mediaType === 'multipart/form-data' && req.headers[CSRF_HEADER] === '1';
  if (MUTATING_METHODS.has(req.method) && mediaType !== 'application/json' && !upload) {
    next(createJsonRequiredError());
    return;
  }
  next();
};
