import type { Clock } from '../shared/clock.js';
import type { BudgetPermit } from './verification.types.js';

export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wall time for rate limiting: a platform's ceiling is about real seconds, whatever the business clock
 * says (a test clock may stand still or jump by days).
 */
export const monotonicClock: Clock = {
  now: () => new Date(performance.timeOrigin + performance.now()),
};

export type RateLimiterStats = {
  /** Permits handed out. */
  acquired: number;
  /** The wait (ms) imposed on each permit, in the order they were reserved. */
  waits: number[];
  /** When (clock ms) each permit was granted, in reservation order. */
  grantedAt: number[];
};

export type RateLimiter = {
  /**
   * Resolves when the caller may send one request. `permit`: one this limiter reserved ahead for it
   * (`DatabaseRateLimiter.reserve`), waited for instead of taking another; any other is ignored.
   */
  acquire: (permit?: BudgetPermit) => Promise<void>;
  stats: () => RateLimiterStats;
  readonly ratePerSecond: number;
};

/**
 * A token bucket (in its "virtual scheduling" form): `ratePerSecond` permits per second, at most
 * `burst` at once. Permits are reserved synchronously in call order, so concurrent callers sharing
 * one limiter are spaced correctly without a queue. Time and sleeping are injected so tests can check
 * the schedule without waiting for it.
 */
export function createTokenBucketRateLimiter({
  ratePerSecond,
  burst = 1,
  clock,
  sleep = realSleep,
}: {
  ratePerSecond: number;
  burst?: number;
  clock: Clock;
  sleep?: Sleep;
}): RateLimiter {
  if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
  if (!(burst >= 1)) throw new RangeError('burst must be >= 1');
  const interval = 1000 / ratePerSecond;
  const tolerance = (Math.floor(burst) - 1) * interval;
  // Theoretical arrival time of the next permit.
  let nextAt = Number.NEGATIVE_INFINITY;
  const waits: number[] = [];
  const grantedAt: number[] = [];

  return {
    ratePerSecond,
    acquire: async () => {
      const now = clock.now().getTime();
      const theoretical = Math.max(nextAt, now);
      const wait = Math.max(0, theoretical - tolerance - now);
      nextAt = theoretical + interval;
      waits.push(wait);
      grantedAt.push(now + wait);
      if (wait > 0) await sleep(wait);
    },
    stats: () => ({ acquired: waits.length, waits: [...waits], grantedAt: [...grantedAt] }),
  };
}
