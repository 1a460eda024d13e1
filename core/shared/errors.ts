/**
 * One error type for the whole domain. `code` is stable and dotted (`invoice.already_registered`) so
 * clients, logs and message catalogs can key on it; `statusCode` is the HTTP mapping the web edge uses;
 * internal errors never show their message to a user.
 */
export class AppError extends Error {
  readonly code: string;
  readonly statusCode: number;
  readonly isInternal: boolean;
  /** Structured facts for the caller (field names, limits); never secrets. */
  readonly details?: Record<string, unknown>;

  constructor(options: {
    message: string;
    code: string;
    statusCode?: number;
    isInternal?: boolean;
    details?: Record<string, unknown>;
    cause?: unknown;
  }) {
    super(options.message, { cause: options.cause });
    this.name = 'AppError';
    this.code = options.code;
    this.statusCode = options.statusCode ?? 400;
    this.isInternal = options.isInternal ?? false;
    this.details = options.details;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}

/**
 * Builds a factory for one kind of error, so each capability declares its errors once:
 * `export const createCampaignNotFoundError = createErrorFactory({ code: 'campaign.not_found', ... })`.
 */
export function createErrorFactory(base: {
  message: string;
  code: string;
  statusCode?: number;
  isInternal?: boolean;
}) {
  return (overrides: { message?: string; details?: Record<string, unknown>; cause?: unknown } = {}) =>
    new AppError({ ...base, ...overrides, message: overrides.message ?? base.message });
}

export const createNotFoundError = createErrorFactory({
  message: 'Not found',
  code: 'not_found',
  statusCode: 404,
});

export const createValidationError = createErrorFactory({
  message: 'Invalid input',
  code: 'validation.failed',
  statusCode: 400,
});

export const createUnauthorizedError = createErrorFactory({
  message: 'Unauthorized',
  code: 'auth.unauthorized',
  statusCode: 401,
});

export const createForbiddenError = createErrorFactory({
  message: 'Forbidden',
  code: 'auth.forbidden',
  statusCode: 403,
});

export const createInternalError = createErrorFactory({
  message: 'Internal error',
  code: 'internal',
  statusCode: 500,
  isInternal: true,
});
