import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { currentRequestId } from './request-context.js';

export type { Logger };

/**
 * Never in a log line: credentials (headers, cookies, tokens, passwords, secrets) wherever they sit in
 * the logged object. Personal data stays out by what is logged (ids, not names, emails or texts).
 */
export const LOG_REDACT_PATHS = [
  'password',
  'token',
  'idToken',
  'accessToken',
  'channelSecret',
  'channelAccessToken',
  'secret',
  'email',
  'authorization',
  'cookie',
  '*.password',
  '*.token',
  '*.idToken',
  '*.accessToken',
  '*.channelSecret',
  '*.channelAccessToken',
  '*.secret',
  '*.email',
  '*.authorization',
  '*.cookie',
  'req.headers',
  'res.headers',
];

/**
 * Errors as message, type, code and stack — without the values a database error carries: drizzle's
 * "params:" (member texts, emails), PostgreSQL's quoted input ('invalid input syntax …: "<value>"') and
 * its detail ("Key (email)=(…) already exists"); and without an HTTP client's request (tokens in headers).
 */
function serializeError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const serialized = stdSerializers.err(error) as Record<string, unknown>;
  const isDatabaseError =
    error.name === 'DrizzleQueryError' ||
    'severity' in error ||
    'routine' in error ||
    /^Failed query:/.test(error.message);
  const scrub = (text: unknown) =>
    typeof text === 'string' && isDatabaseError
      ? text.replace(/\nparams:.*/g, '\nparams: [redacted]').replace(/"[^"\n]*"/g, '"[redacted]"')
      : text;
  const {
    params: _params,
    query: _query,
    config: _config,
    request: _request,
    response: _response,
    detail: _detail,
    where: _where,
    queryOptions: _queryOptions,
    ...rest
  } = serialized;
  return {
    ...rest,
    message: scrub(rest.message),
    stack: scrub(rest.stack),
    ...(error.cause ? { cause: serializeError(error.cause) } : {}),
  };
}

export function createLogger({
  level = 'info',
  pretty = false,
  name = 'proofline',
  destination,
}: {
  level?: string;
  pretty?: boolean;
  name?: string;
  /** Where lines go (tests capture them). @default stdout */
  destination?: DestinationStream;
} = {}): Logger {
  const options = {
    level,
    redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
    // The request (or the request behind a queued event) this line was written for.
    mixin: () => {
      const reqId = currentRequestId();
      return reqId ? { reqId } : {};
    },
  };
  // pino writes JSON lines; in local mode a short human line is friendlier than JSON in a terminal.
  if (pretty) {
    return pino({ ...options, name, base: undefined, timestamp: false }, destination ?? prettyStream());
  }
  return destination ? pino({ ...options, name }, destination) : pino({ ...options, name });
}

/** A silent logger for tests and benchmarks. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

function prettyStream() {
  const levels: Record<number, string> = {
    10: 'trace',
    20: 'debug',
    30: 'info',
    40: 'WARN',
    50: 'ERROR',
    60: 'FATAL',
  };
  return {
    write(line: string) {
      try {
        const {
          level,
          msg,
          name: _name,
          ...rest
        } = JSON.parse(line) as Record<string, unknown> & {
          level: number;
          msg?: string;
        };
        const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
        process.stdout.write(`[${levels[level] ?? level}] ${msg ?? ''}${extra}\n`);
      } catch {
        process.stdout.write(line);
      }
    },
  };
}
