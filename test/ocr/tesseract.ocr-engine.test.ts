import { afterAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTesseractOcrEngine } from '../../core/ocr/index.js';
import { fixturesDir, runOcrEngineContractSuite } from './ocr-engine.contract.js';

// One worker: the machine's cores are shared by the whole test run.
const engine = buildTesseractOcrEngine({ poolSize: 1 });
afterAll(async () => {
  await engine.close();
});

runOcrEngineContractSuite('tesseract', () => engine);

describe('tesseract engine', () => {
  test('when two requests arrive at once on a one-worker pool, then both complete (queued, not failed)', async () => {
    const image = readFileSync(join(fixturesDir, 'blank.png'));

    const results = await Promise.all([
      engine.recognize({ image }),
      engine.recognize({ image, languages: ['eng'] }),
    ]);

    expect(results).toHaveLength(2);
  });

  test('when requests wait on a two-worker pool, then it starts its second worker and each reads the page alike', async () => {
    // One worker is started with the first request; the second only while a request waits for one.
    const pool = buildTesseractOcrEngine({ poolSize: 2 });
    try {
      const image = readFileSync(join(fixturesDir, 'th-receipt-1-clean.png'));
      const request = { image, languages: ['eng' as const, 'tha' as const] };
      const alone = await pool.recognize(request);

      const together = await Promise.all([
        pool.recognize(request),
        pool.recognize(request),
        pool.recognize(request),
      ]);

      expect(alone.text).toContain('9175680647138');
      for (const result of together) expect(result.text).toBe(alone.text);
    } finally {
      await pool.close();
    }
  });

  test('when the engine is closed, then none of its worker threads is left running', async () => {
    // A thread still running after `close` kept the process from exiting (a test worker force-exited).
    const threads = () => process.getActiveResourcesInfo().filter((kind) => kind === 'MessagePort').length;
    const before = threads();
    const pool = buildTesseractOcrEngine({ poolSize: 2 });
    const image = readFileSync(join(fixturesDir, 'th-receipt-1-clean.png'));
    const request = { image, languages: ['eng' as const] };
    await pool.recognize(request);
    // The second worker starts while a request waits; close while it may still be starting.
    await Promise.all([pool.recognize(request), pool.recognize(request)]);
    expect(threads()).toBeGreaterThan(before);
    await pool.close();

    expect(threads()).toBe(before);
  });

  test('when the engine is closed, then a new request is refused', async () => {
    const closed = buildTesseractOcrEngine({ poolSize: 1 });
    await closed.close();

    await expect(closed.recognize({ image: Buffer.from('x') })).rejects.toThrow(/closed/);
  });
});
