import { createErrorFactory } from '../shared/errors.js';

export const createAuditCursorInvalidError = createErrorFactory({
  message: 'Invalid "after": give the "next" value of the previous page',
  code: 'audit.cursor_invalid',
  statusCode: 400,
});
