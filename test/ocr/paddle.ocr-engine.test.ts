import { afterAll, describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import sharp from 'sharp';
import { buildPaddleOcrEngine } from '../../core/ocr/index.js';
import { toTraditional } from '../../core/ocr/providers/paddle/simplified-to-traditional.js';
import { projectRoot } from '../../core/shared/paths.js';
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

describe("PaddleOCR engine — each row's least sure letter", () => {
  test("when a page is read, then every word carries its least sure letter's probability (spaces aside)", async () => {
    const result = await engine.recognize({ image: await page(), languages: ['eng'] });

    const words = result.lines.flatMap((line) => line.words);
    expect(words.length).toBeGreaterThan(2);
    for (const word of words) {
      expect(word.leastLetter).toBeGreaterThan(0);
      expect(word.leastLetter).toBeLessThanOrEqual(1);
    }
    // Some letter somewhere is less sure than its row's mean: a minimum, not the mean again.
    expect(words.some((word) => word.leastLetter! < word.confidence - 1e-6)).toBe(true);
  });
});

describe('PaddleOCR engine — one cropped row (a second look at a store name)', () => {
  test('when a row is read as a single line, then the whole crop is recognised as one row, no text box looked for', async () => {
    const image = await page();
    const name = (await engine.recognize({ image, languages: ['eng'] })).lines.find((line) =>
      /TRADING/.test(line.text),
    )!;
    const { x0, y0, x1, y1 } = name.box;
    const crop = await sharp(image)
      .extract({
        left: Math.floor(x0),
        top: Math.floor(y0),
        width: Math.ceil(x1 - x0),
        height: Math.ceil(y1 - y0),
      })
      .png()
      .toBuffer();

    const result = await engine.recognize({ image: crop, languages: ['eng'], singleLine: true });

    expect(result.lines).toHaveLength(1);
    expect(result.text).toMatch(/ABC ?HO ?TRADING/);
    // The row is the crop itself, edge to edge.
    expect(result.lines[0]!.box).toEqual({ x0: 0, y0: 0, x1: Math.ceil(x1 - x0), y1: Math.ceil(y1 - y0) });
  });
});

describe('PaddleOCR engine — where text boxes are looked for', () => {
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

  test('when a receipt lies on a large blank sheet, then boxes are looked for around its ink and read where they are printed on the sheet', async () => {
    // The scan's top, 463 × 300, at (700, 900) on a white sheet of 1,500 × 1,600: most of the page is blank.
    const sheet = await sharp({ create: { width: 1500, height: 1600, channels: 3, background: '#ffffff' } })
      .composite([{ input: await page(), left: 700, top: 900 }])
      .png()
      .toBuffer();
    const wholePage = buildPaddleOcrEngine({ threads: 1, inkWindow: false });
    try {
      const [windowed, whole] = await Promise.all([
        engine.recognize({ image: sheet, languages: ['eng'] }),
        wholePage.recognize({ image: sheet, languages: ['eng'] }),
      ]);

      expect(windowed.text).toMatch(/ABC ?HO ?TRADING/);
      const name = (lines: typeof windowed.lines) => lines.find((line) => /TRADING/.test(line.text))!.box;
      // In the sheet's pixels (the window's offset added back), where the whole page finds it too.
      for (const side of ['x0', 'y0', 'x1', 'y1'] as const)
        expect(Math.abs(name(windowed.lines)[side] - name(whole.lines)[side])).toBeLessThan(4);
      for (const line of windowed.lines) {
        expect(line.box.x0).toBeGreaterThanOrEqual(690);
        expect(line.box.y0).toBeGreaterThanOrEqual(890);
      }
    } finally {
      await wholePage.close();
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

/**
 * `@gutenye/ocr-node`'s own `Ocr.detect` on one page, in a worker thread (under jest's VM modules
 * onnxruntime refuses tensors made in another realm), with the library's own options but one ONNX thread.
 */
async function readWithLibrary(image: Buffer) {
  const source = `
import { parentPort, workerData } from 'node:worker_threads';
const { default: Ocr } = await import(workerData.module);
const ocr = await Ocr.create({ onnxOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } });
const found = await ocr.detect(Buffer.from(workerData.image));
parentPort.postMessage(found.map((line) => ({ text: line.text, mean: line.mean })));
`;
  const module = pathToFileURL(
    createRequire(join(projectRoot, 'package.json')).resolve('@gutenye/ocr-node'),
  ).href;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
    workerData: { module, image: new Uint8Array(image) },
  });
  try {
    return await new Promise<{ text: string; mean: number }[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
  } finally {
    await worker.terminate();
  }
}

describe("PaddleOCR engine — the library's pixels", () => {
  test('when a page off the 32-px grid is read by our runner on the whole page and by the library, then every text box reads the same text with the same confidence', async () => {
    // 463 × 300: the library enlarges it to fit 480 × 320 and pads it, centred, before looking for boxes.
    const image = await page();
    // The library looks for boxes on the whole page (the ink window is ours).
    const wholePage = buildPaddleOcrEngine({ threads: 1, inkWindow: false });

    const [ours, library] = await Promise.all([
      wholePage.recognize({ image, languages: ['eng'] }).finally(() => wholePage.close()),
      readWithLibrary(image),
    ]);

    const read = (words: { text: string; confidence: number }[]) =>
      words.map(({ text, confidence }) => `${text} ${confidence.toFixed(6)}`).sort();
    expect(library.length).toBeGreaterThan(3);
    expect(read(ours.lines.flatMap((line) => line.words))).toEqual(
      read(
        library
          .filter((line) => line.text.trim() !== '')
          .map((line) => ({ text: toTraditional(line.text), confidence: line.mean })),
      ),
    );
  });
});
