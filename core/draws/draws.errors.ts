import { createErrorFactory } from '../shared/errors.js';

export const createDrawNotFoundError = createErrorFactory({
  code: 'draw.not_found',
  message: 'This draw does not exist',
  statusCode: 404,
});

export const createDrawPeriodNotClosedError = createErrorFactory({
  code: 'draw.period_not_closed',
  message: 'The draw can only run after its period has closed',
  statusCode: 409,
});

export const createDrawNotDrawnError = createErrorFactory({
  code: 'draw.not_drawn',
  message: 'The draw has not run yet: its seed is still secret',
  statusCode: 409,
});

export const createInvalidDrawError = createErrorFactory({
  code: 'draw.invalid',
  message: 'Invalid draw',
  statusCode: 400,
});

export const createWinnerTaxNotNeededError = createErrorFactory({
  code: 'winner_tax.not_needed',
  message: 'This prize needs no tax paperwork',
  statusCode: 409,
});

export const createTaxDataKeyMissingError = createErrorFactory({
  code: 'winner_tax.key_missing',
  message: 'Winner tax data cannot be stored or read: TAX_DATA_KEY is not configured',
  statusCode: 503,
});

export const createTaxDataUnreadableError = createErrorFactory({
  code: 'winner_tax.unreadable',
  message: 'Stored winner tax data could not be decrypted (wrong TAX_DATA_KEY, or the data was altered)',
  statusCode: 500,
  isInternal: true,
});
