import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { compiledModuleUrl, runNodeScript } from '../support/node-script.js';

/**
 * `holdYoungGenerationSmall` (what `proofline start` holds until its server is up, decision 012), in a
 * child process of its own: jest's process has long grown its young generation, and V8 never shrinks it
 * on demand. The child keeps ~20 MB of young objects alive at a time, which grows a free young
 * generation to its maximum (32 MB) — and prints the young generation's size at each step.
 */
const dir = mkdtempSync(join(tmpdir(), 'young-generation-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function runScript(body: string, nodeFlags: string[] = []): Promise<Record<string, number>> {
  return runNodeScript(
    dir,
    `import { getHeapSpaceStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
const { holdYoungGenerationSmall, releaseYoungGeneration } = await import(${JSON.stringify(compiledModuleUrl('core', 'shared', 'young-generation.js'))});
const youngMb = () => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space').space_size / 1048576;
const work = () => {
  const kept = [];
  for (let round = 0; round < 250; round++) {
    const batch = [];
    for (let i = 0; i < 20000; i++) batch.push({ i, text: 'x' + i });
    kept.push(batch);
    if (kept.length > 20) kept.shift();
  }
};
const startWorker = async () => {
  const worker = new Worker('require("node:worker_threads").parentPort.postMessage(1)', { eval: true });
  await new Promise((resolve) => worker.once('message', resolve));
  await worker.terminate();
};
const sizes = {};
${body}
console.log(JSON.stringify(sizes));`,
    nodeFlags,
  );
}

describe('holding the young generation small during a start', () => {
  test('when held, then work that keeps objects alive leaves it small, and once released it grows again', async () => {
    const sizes = await runScript(`
holdYoungGenerationSmall();
work();
sizes.held = youngMb();
releaseYoungGeneration();
work();
sizes.released = youngMb();`);

    expect(sizes.held).toBeLessThanOrEqual(4);
    expect(sizes.released).toBeGreaterThanOrEqual(16);
  });

  test('when not held, then the same work grows it (what the hold saves)', async () => {
    const sizes = await runScript(`work(); sizes.free = youngMb();`);

    expect(sizes.free).toBeGreaterThanOrEqual(16);
  });

  test('when a worker thread starts inside the hold, then holding it again keeps it small on every Node line', async () => {
    // What `start` does after opening PGlite in its thread. Node 20 and 22's V8 sets the growth factor back
    // to its default when a new isolate is made, so the young generation grows again unless held again;
    // Node 24's V8 (13.6) leaves the flag as set (measured 2026-12-07: 32 / 32 / 2 MB on 20 / 22 / 24).
    const sizes = await runScript(`
holdYoungGenerationSmall();
await startWorker();
work();
sizes.afterWorker = youngMb();`);
    const heldAgain = await runScript(`
holdYoungGenerationSmall();
await startWorker();
holdYoungGenerationSmall();
work();
sizes.heldAgain = youngMb();`);

    if (Number(process.versions.node.split('.')[0]) < 24) {
      expect(sizes.afterWorker).toBeGreaterThanOrEqual(16);
    } else {
      expect(sizes.afterWorker).toBeLessThanOrEqual(4);
    }
    expect(heldAgain.heldAgain).toBeLessThanOrEqual(4);
  });

  test('when the operator set the growth factor, then it is left as they set it', async () => {
    const sizes = await runScript(`holdYoungGenerationSmall(); work(); sizes.operator = youngMb();`, [
      '--semi-space-growth-factor=2',
    ]);

    expect(sizes.operator).toBeGreaterThanOrEqual(16);
  });
});
