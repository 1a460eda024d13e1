import type { Config } from '../config/config.js';
import type { Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { Logger } from '../shared/logger.js';
import { createEInvoicePlatformInvalidOptionsError } from './verification.errors.js';
import { createMofEInvoicePlatform } from './platforms/mof/mof.einvoice-platform.js';
import {
  createTokenBucketRateLimiter,
  monotonicClock,
  type RateLimiter,
} from './verification.rate-limiter.js';
import type { EInvoicePlatform, EInvoicePlatformName } from './verification.types.js';
import { createDatabaseRateLimiter, type BudgetPriority } from './verification.budget.js';

/** The MoF production host (unchanged since 2017). */
export const MOF_PRODUCTION_BASE_URL = 'https://api.einvoice.nat.gov.tw';

/** The app ID the simulator accepts when no real one is configured (local mode). */
export const MOF_SIMULATOR_APP_ID = 'PROOFLINE-SIM';

// Without a database (CLI one-offs): one limiter per (base URL, app ID, rate) in the process, on wall
// time. With one, the budget is the deployment's (platform_budgets), shared by every process.
const sharedLimiters = new Map<string, RateLimiter>();

export function sharedRateLimiter({
  key,
  ratePerSecond,
}: {
  key: string;
  ratePerSecond: number;
}): RateLimiter {
  const fullKey = `${key}|${ratePerSecond}`;
  let limiter = sharedLimiters.get(fullKey);
  if (!limiter)
    sharedLimiters.set(
      fullKey,
      (limiter = createTokenBucketRateLimiter({ ratePerSecond, clock: monotonicClock })),
    );
  return limiter;
}

export type EInvoicePlatformFactory = (context: {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** The deployment's database: the MoF budget is shared through it by every process. */
  db?: Executor;
  /** Who calls (a member waiting, or batch work that yields to them). @default 'instant' */
  priority?: BudgetPriority;
}) => EInvoicePlatform;

/**
 * Name-keyed adapters of the port. The simulator speaks the real API, so local mode and production use
 * the same `mof` adapter, only pointed at another base URL.
 */
export const einvoicePlatformFactories = {
  mof: ({ config, clock, logger, db, priority }) => {
    const { mof } = config;
    const baseUrl = mof.apiBaseUrl ?? (mof.mode === 'real' ? MOF_PRODUCTION_BASE_URL : undefined);
    if (!baseUrl)
      throw createEInvoicePlatformInvalidOptionsError({
        message:
          'MOF_API_BASE_URL is unset and the MoF simulator is not running (start Proofline with `proofline start`, or run `proofline sim mof`)',
      });
    const appId = mof.appId ?? MOF_SIMULATOR_APP_ID;
    return createMofEInvoicePlatform({
      baseUrl,
      appId,
      apiKey: mof.apiKey,
      versions: mof.versions,
      timeoutMs: mof.timeoutMs,
      maxRetries: mof.maxRetries,
      rateLimitPerSecond: mof.rateLimitPerSecond,
      rateLimiter: db
        ? createDatabaseRateLimiter({
            db,
            key: `mof|${baseUrl}|${appId}`,
            ratePerSecond: mof.rateLimitPerSecond,
            priority,
          })
        : sharedRateLimiter({ key: `${baseUrl}|${appId}`, ratePerSecond: mof.rateLimitPerSecond }),
      clock,
      logger,
    });
  },
} satisfies Record<EInvoicePlatformName, EInvoicePlatformFactory>;

export function buildEInvoicePlatform(
  config: Config,
  {
    name = 'mof',
    ...context
  }: { name?: EInvoicePlatformName } & Omit<Parameters<EInvoicePlatformFactory>[0], 'config'> = {},
): EInvoicePlatform {
  return einvoicePlatformFactories[name]({ config, ...context });
}
