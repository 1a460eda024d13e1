import { describe, expect, test } from '@jest/globals';
import { startJobs } from '../../jobs/runner.js';
import { createSilentLogger } from '../../core/shared/logger.js';

describe('startJobs', () => {
  test('when a worker has work, then it runs batches back to back and waits only when idle', async () => {
    let queue = 5;
    const batches: number[] = [];
    const jobs = startJobs({
      jobs: [],
      logger: createSilentLogger(),
      workers: [
        {
          name: 'drain',
          pollMs: 60_000,
          runOnce: async () => {
            const taken = Math.min(queue, 2);
            queue -= taken;
            batches.push(taken);
            return taken;
          },
        },
      ],
    });

    await waitUntil(() => queue === 0 && batches.at(-1) === 0);
    await jobs.stop();

    expect(batches).toEqual([2, 2, 1, 0]);
  });

  test('when stopped, then the batch in flight finishes before stop resolves', async () => {
    const events: string[] = [];
    let started!: () => void;
    const isStarted = new Promise<void>((resolve) => (started = resolve));
    const jobs = startJobs({
      jobs: [],
      logger: createSilentLogger(),
      workers: [
        {
          name: 'slow',
          pollMs: 10,
          runOnce: async () => {
            events.push('start');
            started();
            await new Promise((resolve) => setTimeout(resolve, 200));
            events.push('end');
            return 1;
          },
        },
      ],
    });
    await isStarted;

    await jobs.stop();
    events.push('stopped');

    expect(events).toEqual(['start', 'end', 'stopped']);
  });

  test('when a batch throws, then the worker logs it and carries on', async () => {
    let calls = 0;
    const jobs = startJobs({
      jobs: [],
      logger: createSilentLogger(),
      workers: [
        {
          name: 'flaky',
          pollMs: 5,
          runOnce: async () => {
            calls++;
            if (calls === 1) throw new Error('boom');
            return 0;
          },
        },
      ],
    });

    await waitUntil(() => calls >= 3);
    await jobs.stop();

    expect(calls).toBeGreaterThanOrEqual(3);
  });

  test('when a scheduled job is marked runOnStartup, then it runs at once', async () => {
    let runs = 0;
    const jobs = startJobs({
      workers: [],
      logger: createSilentLogger(),
      jobs: [{ name: 'nightly', cron: '0 3 * * *', runOnStartup: true, run: async () => ({ done: ++runs }) }],
    });

    await waitUntil(() => runs === 1);
    await jobs.stop();

    expect(runs).toBe(1);
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
