import { createErrorFactory } from '../shared/errors.js';

export const createConsoleLineNotLinkedError = createErrorFactory({
  code: 'console_line.not_linked',
  message: 'Link and verify your own LINE account first (a test goes only there)',
  statusCode: 409,
});

export const createConsoleLineCodeInvalidError = createErrorFactory({
  code: 'console_line.code_invalid',
  message: 'That code is not right, or it has expired: send a new one',
  statusCode: 400,
});

export const createConsoleLineTooSoonError = createErrorFactory({
  code: 'console_line.too_soon',
  message: 'A code was sent less than a minute ago: wait a moment before asking again',
  statusCode: 429,
});

export const createConsoleLineNoChannelError = createErrorFactory({
  code: 'console_line.no_channel',
  message: 'The brand has no LINE channel to send on',
  statusCode: 409,
});
