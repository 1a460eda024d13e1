import { AppError } from '../shared/errors.js';

/**
 * A failed call to LINE. `retryable` is true for 429, 5xx and network failures (send again later with
 * the same retry key); false for a refusal that will not change (400, 401, 403, 404).
 */
export class LineApiError extends AppError {
  readonly status: number | undefined;
  readonly retryable: boolean;
  readonly body: string | undefined;
  /**
   * For a 429: `quota` when this month's message quota is used up (waiting minutes does not help),
   * `rate` for the per-second rate limit (back off and send again).
   */
  readonly limit: 'rate' | 'quota' | undefined;

  constructor({ status, body, cause }: { status: number | undefined; body?: string; cause?: unknown }) {
    super({
      code: 'line.api_error',
      message: `LINE API ${status === undefined ? 'unreachable' : `answered ${status}`}${body ? `: ${body.slice(0, 300)}` : ''}`,
      statusCode: 502,
      isInternal: true,
      cause,
    });
    this.name = 'LineApiError';
    this.status = status;
    this.body = body;
    this.limit = status === 429 ? (/monthly limit|quota/i.test(body ?? '') ? 'quota' : 'rate') : undefined;
    this.retryable = status === undefined || status === 429 || status >= 500;
  }
}

export function isLineApiError(error: unknown): error is LineApiError {
  return error instanceof LineApiError;
}
