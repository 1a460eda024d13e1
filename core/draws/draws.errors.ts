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
