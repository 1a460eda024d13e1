import { createErrorFactory } from '../shared/errors.js';

export const createConsoleEmailTakenError = createErrorFactory({
  message: 'A console user with this email already exists',
  code: 'console.email_taken',
  statusCode: 409,
});

/** One error for an unknown email and a wrong password, so sign-in does not tell which accounts exist. */
export const createInvalidCredentialsError = createErrorFactory({
  message: 'Wrong email or password',
  code: 'console.invalid_credentials',
  statusCode: 401,
});

export const createConsoleUserDisabledError = createErrorFactory({
  message: 'This console account is disabled',
  code: 'console.user_disabled',
  statusCode: 403,
});

export const createWeakPasswordError = createErrorFactory({
  message: 'The password must be at least 8 characters',
  code: 'console.weak_password',
  statusCode: 400,
});

export const createConsoleUserNotFoundError = createErrorFactory({
  message: 'Console user not found',
  code: 'console.user_not_found',
  statusCode: 404,
});

/** Too many sign-in attempts at this account lately: a password guesser waits a growing delay. */
const tooManySignIns = createErrorFactory({
  message: 'Too many sign-in attempts for this account; try again later',
  code: 'console.too_many_sign_ins',
  statusCode: 429,
});

export function createTooManySignInsError({ retryAfterMs }: { retryAfterMs: number }) {
  const retryAfterSeconds = Math.ceil(retryAfterMs / 1000);
  return tooManySignIns({
    message: `Too many sign-in attempts for this account; try again in ${retryAfterSeconds} s`,
    details: { retryAfterSeconds },
  });
}
