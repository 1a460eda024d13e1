import { afterAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildPaddleOcrEngine } from '../../core/ocr/index.js';
import { fixturesDir } from './ocr-engine.contract.js';

// Two workers of one ONNX thread each: the pool the job worker uses on a 2-core machine.
const engine = buildPaddleOcrEngine({ workers: 2, threads: 1 });
afterAll(async () => {
  await engine.close();
});

/** The top of a real scan, small: its shop name and address, read in a few seconds. */
const page = () =>
  sharp(readFileSync(join(fixturesDir, 'sroie-005.jpg')))
    .extract({ left: 0, top: 0, width: 463, height: 300 })
    .png()
    .toBuffer();

describe('PaddleOCR engine — a pool of workers', () => {
  test('when pages arrive together on a two-worker pool, then each is read as it is read alone', async () => {
    const image = await page();
    const alone = await engine.recognize({ image, languages: ['eng'] });

    const together = await Promise.all([0, 1, 2].map(() => engine.recognize({ image, languages: ['eng'] })));

    expect(alone.engine).toBe('paddle');
    expect(alone.text).toMatch(/ABC ?HO ?TRADING/);
    for (const result of together) expect(result.text).toBe(alone.text);
  });

  test('when the engine is closed, then a new page is refused', async () => {
    const closed = buildPaddleOcrEngine({ workers: 2 });
    await closed.close();

    await expect(closed.recognize({ image: Buffer.from('x') })).rejects.toThrow(/closed/);
  });

  test('when a pool of no workers is asked for, then it is refused at once', () => {
    expect(() => buildPaddleOcrEngine({ workers: 0 })).toThrow(/workers/);
  });

  test("when a detection size under the models' 32-px grid is asked for, then it is refused at once", () => {
    expect(() => buildPaddleOcrEngine({ detectLongSide: 16 })).toThrow(/detectLongSide/);
  });
});

describe('PaddleOCR engine — text boxes found on a smaller copy, read from the page', () => {
  test("when boxes are looked for on a copy smaller than the page, then the page's words are read where they are printed", async () => {
    const image = await page();
    const small = buildPaddleOcrEngine({ detectLongSide: 320 });
    try {
      const result = await small.recognize({ image, languages: ['eng'] });
      const full = await engine.recognize({ image, languages: ['eng'] });

      expect(result.text).toMatch(/ABC ?HO ?TRADING/);
      // The boxes are in the page's own pixels, as when they are found on the page itself.
      const name = (lines: typeof result.lines) => lines.find((line) => /TRADING/.test(line.text))!;
      expect(Math.abs(name(result.lines).box.y0 - name(full.lines).box.y0)).toBeLessThan(12);
      expect(name(result.lines).box.x1).toBeLessThanOrEqual(463);
    } finally {
      await small.close();
    }
  });

  test('when the page is blank, then no line is read and nothing fails', async () => {
    const blank = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#ffffff' } })
      .png()
      .toBuffer();

    const result = await engine.recognize({ image: blank, languages: ['eng'] });

    expect(result.lines).toEqual([]);
  });
});
