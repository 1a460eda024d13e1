import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { createTurnBatcher, runInCompany } from '../../core/shared/turn-batch.js';

/** The batcher's quiet time (and longest wait) here; it passes only when the test advances the fake clock. */
const QUIET_MS = 50;

/** A batcher that records each batch's inputs and answers each call with its input doubled. */
function recordingBatcher() {
  const batches: number[][] = [];
  const batcher = createTurnBatcher<number, number>(
    async (batch) => {
      batches.push(batch.map(({ input }) => input));
      for (const { input, resolve } of batch) resolve(input * 2);
    },
    { quietMs: QUIET_MS, maxWaitMs: QUIET_MS },
  );
  return { batches, batcher };
}

/** Lets the promises already settled run their callbacks (no timer runs: the fake clock stands still). */
const settled = () => Promise.resolve();

describe('createTurnBatcher (issue 17: a lone proof does not wait for company)', () => {
  // Fake timers: a batch that runs is one run at once or one whose quiet time the test advanced past,
  // whatever the machine's load (no race between a real timer and a loop turn).
  beforeEach(() => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] });
  });
  afterEach(() => {
    jest.useRealTimers();
  });

  test('when a call is the only work started alongside it, then its batch runs at once', async () => {
    const { batches, batcher } = recordingBatcher();

    const answer = runInCompany(
      () => 1,
      () => batcher(4),
    );
    await settled();

    expect(batches).toEqual([[4]]);
    await expect(answer).resolves.toBe(8);
  });

  test('when every piece of work started alongside has called, then they run as one batch at once', async () => {
    const { batches, batcher } = recordingBatcher();

    const answers = [1, 2, 3].map((input) =>
      runInCompany(
        () => 3,
        () => batcher(input),
      ),
    );
    await settled();

    expect(batches).toEqual([[1, 2, 3]]);
    await expect(Promise.all(answers)).resolves.toEqual([2, 4, 6]);
  });

  test('when some work started alongside has not called yet, then the batch waits for its quiet time', async () => {
    const { batches, batcher } = recordingBatcher();

    const answers = [1, 2].map((input) =>
      runInCompany(
        () => 3,
        () => batcher(input),
      ),
    );
    await expectOneBatchAfterQuietTime(answers, batches);
  });

  test('when calls come outside any company, then they wait for the quiet time and run together', async () => {
    const { batches, batcher } = recordingBatcher();

    const answers = [batcher(1), batcher(2)];
    await expectOneBatchAfterQuietTime(answers, batches);
  });
});

/** Nothing runs a moment before the quiet time is over; then the two calls run as one batch. */
async function expectOneBatchAfterQuietTime(answers: Promise<number>[], batches: number[][]) {
  await settled();
  jest.advanceTimersByTime(QUIET_MS - 1);
  const before = batches.length;
  jest.advanceTimersByTime(1);

  await expect(Promise.all(answers)).resolves.toEqual([2, 4]);
  expect(before).toBe(0);
  expect(batches).toEqual([[1, 2]]);
}
