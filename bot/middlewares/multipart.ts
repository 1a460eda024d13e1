import type { Request } from 'express';
import { createValidationError } from '../../core/shared/errors.js';

/**
 * The form of a multipart body read raw (`express.raw({ type: 'multipart/form-data', limit })`, so the
 * size limit holds before parsing), with the platform's own parser; an unreadable body is a 400.
 */
export async function readMultipartForm(req: Request): Promise<FormData> {
  return new globalThis.Request('http://multipart.local/', {
    method: 'POST',
    headers: { 'content-type': req.header('content-type') ?? '' },
    body: req.body as Buffer,
  })
    .formData()
    .catch(() => {
      throw createValidationError({ message: 'The multipart body could not be read' });
    });
}
