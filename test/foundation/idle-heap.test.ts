import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import {
  initialIdleHeapState,
  nextIdleHeapStep,
  type IdleHeapOptions,
  type IdleHeapState,
} from '../../core/shared/idle-heap.js';
import { compiledModuleUrl, runNodeScript } from '../support/node-script.js';

const MB = 1024 * 1024;
const options: IdleHeapOptions = { idleUtilization: 0.15, idleIntervals: 2, growthBytes: 16 * MB };

/** Runs the samples through `nextIdleHeapStep` from a heap of 40 MB; returns which steps collected. */
function collections(samples: { utilization: number; heapMb: number }[]): boolean[] {
  let state: IdleHeapState = initialIdleHeapState(40 * MB);
  return samples.map((sample) => {
    const step = nextIdleHeapStep(
      state,
      { utilization: sample.utilization, heapBytes: sample.heapMb * MB },
      options,
    );
    // What the watcher does after a collection: the heap it left is the new baseline.
    state = step.collect ? { ...step.state, baselineBytes: 45 * MB } : step.state;
    return step.collect;
  });
}

describe('when to give back the heap (nextIdleHeapStep)', () => {
  test('when the heap grew and the process stays idle, then it collects twice in a row, then not again', () => {
    const busy = { utilization: 0.9, heapMb: 100 };
    const idle = { utilization: 0.01, heapMb: 100 };
    const after = { utilization: 0.01, heapMb: 45 };

    expect(collections([busy, idle, idle, idle, after, after, after])).toEqual([
      false,
      false,
      true,
      true,
      false,
      false,
      false,
    ]);
  });

  test('when the heap has not grown past the threshold, then an idle process is left alone', () => {
    const idle = { utilization: 0.01, heapMb: 55 };

    expect(collections([idle, idle, idle, idle])).toEqual([false, false, false, false]);
  });

  test('when work comes back after the first collection, then the second waits for a new idle spell', () => {
    const idle = { utilization: 0.01, heapMb: 100 };
    const busy = { utilization: 0.5, heapMb: 100 };

    expect(collections([idle, idle, busy, idle, idle, idle])).toEqual([
      false,
      true,
      false,
      false,
      true,
      true,
    ]);
  });

  test('when the process never idles, then it never collects', () => {
    const busy = { utilization: 0.3, heapMb: 200 };

    expect(collections([busy, busy, busy, busy, busy])).toEqual([false, false, false, false, false]);
  });
});

/**
 * `watchIdleHeap` in a child process of its own (jest's heap is not a quiet one): the child starts watching,
 * fills ~80 MB of old space with objects that then die, and prints its heap before and after.
 */
const dir = mkdtempSync(join(tmpdir(), 'idle-heap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runScript(watch: string, body: string): Promise<Record<string, number>> {
  return runNodeScript(
    dir,
    `import { getHeapStatistics } from 'node:v8';
const { watchIdleHeap } = await import(${JSON.stringify(compiledModuleUrl('core', 'shared', 'idle-heap.js'))});
const heapMb = () => Math.round(getHeapStatistics().total_physical_size / 1048576);
const figures = { collections: 0 };
${watch}
let kept = [];
for (let round = 0; round < 40; round++) {
  const batch = [];
  for (let i = 0; i < 20000; i++) batch.push({ i, text: 'x' + i });
  kept.push(batch);
}
figures.before = heapMb();
kept = undefined;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
${body}
figures.after = heapMb();
console.log(JSON.stringify(figures));`,
  );
}

describe('giving back the heap once idle (watchIdleHeap)', () => {
  test('when a burst left dead objects and the process idles, then the heap is given back', async () => {
    const figures = await runScript(
      // A loaded machine slows the child's own timers: idle here is anything under half busy.
      `const stop = watchIdleHeap({ intervalMs: 100, idleUtilization: 0.5, onCollected: () => figures.collections++ });`,
      `
while (figures.collections < 2) await sleep(50);
stop();`,
    );

    expect(figures.before).toBeGreaterThan(60);
    expect(figures.after).toBeLessThan((figures.before as number) - 40);
  }, 120_000);

  test('when the process stays busy, then it does not collect', async () => {
    const figures = await runScript(
      `const stop = watchIdleHeap({ intervalMs: 100, onCollected: () => figures.collections++ });`,
      `
// Busy: the event loop never waits (each turn spins ~20 ms), for 30 intervals.
for (let turn = 0; turn < 150; turn++) {
  const until = performance.now() + 20;
  while (performance.now() < until);
  await new Promise((resolve) => setImmediate(resolve));
}
stop();`,
    );

    expect(figures.collections).toBe(0);
  }, 60_000);
});
