import { describe, expect, test } from '@jest/globals';
import { createTestClock } from '../../core/shared/clock.js';
import { createTokenBucketRateLimiter } from '../../core/verification/index.js';

/**
 * A sleep that moves the test clock by the time slept, as real time would pass (for callers in
 * sequence; concurrent callers use a sleep that only records, since their waits overlap).
 */
function clockAndSleep() {
  const clock = createTestClock({ now: '2024-01-01T00:00:00Z' });
  const slept: number[] = [];
  return {
    clock,
    slept,
    sleep: async (ms: number) => {
      slept.push(ms);
      clock.advanceBy(ms);
    },
  };
}

describe('token bucket rate limiter', () => {
  test('sequential callers are spaced by 1 / rate', async () => {
    const { clock, sleep, slept } = clockAndSleep();
    const limiter = createTokenBucketRateLimiter({ ratePerSecond: 4, clock, sleep });

    for (let i = 0; i < 5; i++) await limiter.acquire();

    expect(slept).toEqual([250, 250, 250, 250]);
    expect(limiter.stats().grantedAt.map((at) => at - limiter.stats().grantedAt[0]!)).toEqual([
      0, 250, 500, 750, 1000,
    ]);
  });

  test('a burst lets that many through at once, then the rate applies', async () => {
    const clock = createTestClock();
    const limiter = createTokenBucketRateLimiter({
      ratePerSecond: 10,
      burst: 3,
      clock,
      sleep: async () => {},
    });

    await Promise.all(Array.from({ length: 6 }, () => limiter.acquire()));

    expect(limiter.stats().waits).toEqual([0, 0, 0, 100, 200, 300]);
  });

  test('idle time is not banked beyond the burst', async () => {
    const clock = createTestClock();
    const limiter = createTokenBucketRateLimiter({
      ratePerSecond: 2,
      burst: 2,
      clock,
      sleep: async () => {},
    });
    await limiter.acquire();

    clock.advanceBy(60_000);
    await Promise.all(Array.from({ length: 4 }, () => limiter.acquire()));

    expect(limiter.stats().waits).toEqual([0, 0, 0, 500, 1000]);
  });

  test('calls spread over time wait only as long as the rate requires', async () => {
    const { clock, sleep } = clockAndSleep();
    const limiter = createTokenBucketRateLimiter({ ratePerSecond: 5, clock, sleep });

    await limiter.acquire();
    clock.advanceBy(150);
    await limiter.acquire();
    clock.advanceBy(300);
    await limiter.acquire();

    expect(limiter.stats().waits).toEqual([0, 50, 0]);
  });

  test.each([0, -1, Number.NaN])('a rate of %s is refused', (rate) => {
    expect(() => createTokenBucketRateLimiter({ ratePerSecond: rate, clock: createTestClock() })).toThrow(
      RangeError,
    );
  });
});
