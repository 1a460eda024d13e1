import { mkdirSync, symlinkSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createWorker, OEM, PSM, type Worker } from 'tesseract.js';
import { projectRoot } from '../../../shared/paths.js';
import { buildRowsFromSegments, meanConfidence } from '../../ocr.rows.js';
import type { OcrEngine, OcrLanguage, OcrRequest, OcrResult, OcrWord } from '../../ocr.types.js';

export type TesseractOcrEngineOptions = {
  /** Workers per language set; each holds ~100–250 MB. @default the number of cores */
  poolSize?: number;
  /** Languages when a request names none. @default ['eng', 'tha', 'chi_tra'] */
  defaultLanguages?: OcrLanguage[];
};

// The packages' `index.js` points at the legacy `4.0.0` folder; `4.0.0_best_int` (LSTM only) is 2.5×
// faster and uses 2.4× less memory (STACK-NOTES §8).
const DATA_FOLDER = '4.0.0_best_int';
const LANGUAGE_ORDER: OcrLanguage[] = ['eng', 'tha', 'chi_tra'];

/**
 * tesseract.js reads every language from one `langPath`, while each language ships in its own npm
 * package: a folder of symlinks in the temp directory joins them, so nothing is downloaded and nothing is
 * written to the working directory.
 */
function prepareLanguageFolder(): string {
  const folder = join(tmpdir(), `proofline-tessdata-${process.getuid?.() ?? 'u'}`);
  mkdirSync(folder, { recursive: true });
  for (const language of LANGUAGE_ORDER) {
    const link = join(folder, `${language}.traineddata.gz`);
    if (existsSync(link)) continue;
    const target = join(
      projectRoot,
      'node_modules',
      '@tesseract.js-data',
      language,
      DATA_FOLDER,
      `${language}.traineddata.gz`,
    );
    try {
      symlinkSync(target, link);
    } catch (error) {
      // Another process made the same link at the same moment.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  return folder;
}

type Pool = {
  key: string;
  workers: Worker[];
  idle: Worker[];
  waiting: ((worker: Worker) => void)[];
  /** Workers being started for this pool. */
  starting: number;
};

/**
 * Offline OCR. Workers are created lazily and reused: a language set's first request starts one worker,
 * and another starts only while every worker of the set is busy and a request waits, up to `poolSize`. A
 * worker start costs ~0.5 s and 100+ MB (a lone photo never pays for a second one), a recognition ~1 s
 * at 2000 px.
 */
export function buildTesseractOcrEngine(options: TesseractOcrEngineOptions = {}): OcrEngine {
  const poolSize = options.poolSize ?? Math.max(1, availableParallelism());
  if (!Number.isInteger(poolSize) || poolSize < 1) throw new Error('tesseract poolSize must be ≥ 1');
  const defaultLanguages = options.defaultLanguages ?? LANGUAGE_ORDER;
  const pools = new Map<string, Promise<Pool>>();
  let closed = false;
  let langPath: string | undefined;
  /** Workers started while every one was busy, and workers being stopped: `close` waits for both. */
  const starting = new Set<Promise<void>>();
  const stopping = new Set<Promise<void>>();

  function getPool(key: string): Promise<Pool> {
    let pool = pools.get(key);
    if (!pool) {
      langPath ??= prepareLanguageFolder();
      const path = langPath;
      pool = startWorker(key, path).then((worker) => ({
        key,
        workers: [worker],
        idle: [worker],
        waiting: [],
        starting: 0,
      }));
      pools.set(key, pool);
      // A failed start must not poison the key forever.
      pool.catch(() => pools.delete(key));
    }
    return pool;
  }

  async function startWorker(key: string, path: string): Promise<Worker> {
    const worker = await createWorker(key.split('+'), OEM.LSTM_ONLY, {
      langPath: path,
      gzip: true,
      cacheMethod: 'none',
    });
    // Auto page segmentation keeps a receipt's columns apart; rows are rebuilt from word boxes.
    await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO, preserve_interword_spaces: '0' });
    return worker;
  }

  /**
   * Ends a worker and resolves once its thread has stopped. tesseract.js's `terminate` only asks the
   * thread to stop (it does not wait), so an engine closed that way left threads running after `close`
   * resolved: a process (a test runner's worker) could not exit in time. The worker_threads Worker it
   * wraps resolves its own `terminate` on the thread's exit.
   */
  function stopWorker(worker: Worker): Promise<void> {
    const thread = (worker as unknown as { worker?: { terminate?: () => Promise<number> } }).worker;
    const stopped = (async () => {
      await worker.terminate();
      await thread?.terminate?.();
    })();
    const tracked = stopped.catch(() => {});
    stopping.add(tracked);
    void tracked.finally(() => stopping.delete(tracked));
    return stopped;
  }

  function release(pool: Pool, worker: Worker) {
    const next = pool.waiting.shift();
    if (next) next(worker);
    else pool.idle.push(worker);
  }

  /** Every worker of the pool is busy and a request waits: start one more, while the pool is not full. */
  function grow(pool: Pool) {
    if (closed || pool.workers.length + pool.starting >= poolSize || !langPath) return;
    pool.starting++;
    const started = startWorker(pool.key, langPath).then(
      (worker) => {
        pool.starting--;
        if (closed) return void stopWorker(worker);
        pool.workers.push(worker);
        release(pool, worker);
      },
      // The waiting request gets a running worker when it is free.
      () => void pool.starting--,
    );
    starting.add(started);
    void started.finally(() => starting.delete(started));
  }

  async function withWorker<T>(pool: Pool, run: (worker: Worker) => Promise<T>): Promise<T> {
    let worker = pool.idle.pop();
    if (!worker) {
      const waited = new Promise<Worker>((resolve) => pool.waiting.push(resolve));
      grow(pool);
      worker = await waited;
    }
    try {
      return await run(worker);
    } finally {
      release(pool, worker);
    }
  }

  return {
    name: 'tesseract',
    recognize: async (request: OcrRequest): Promise<OcrResult> => {
      if (closed) throw new Error('The tesseract OCR engine is closed');
      const started = performance.now();
      const languages = LANGUAGE_ORDER.filter((language) =>
        (request.languages ?? defaultLanguages).includes(language),
      );
      const pool = await getPool(languages.join('+'));
      const { data } = await withWorker(pool, async (worker) => {
        const readAs = async (mode: PSM) => {
          await worker.setParameters({ tessedit_pageseg_mode: mode });
          try {
            return await worker.recognize(request.image, {}, { blocks: true, text: false });
          } finally {
            await worker.setParameters({ tessedit_pageseg_mode: PSM.AUTO });
          }
        };
        if (request.singleLine) return readAs(PSM.SINGLE_LINE);
        if (request.layout === 'block') return readAs(PSM.SINGLE_BLOCK);
        if (request.layout === 'column') return readAs(PSM.SINGLE_COLUMN);
        const auto = await worker.recognize(request.image, {}, { blocks: true, text: false });
        // Page layout analysis finds no text block at all on some photos (a tilted slip on a dark table);
        // read the page as one block of text then.
        return (auto.data.blocks ?? []).length > 0 ? auto : readAs(PSM.SINGLE_BLOCK);
      });
      const segments: OcrWord[][] = [];
      for (const block of data.blocks ?? []) {
        for (const paragraph of block.paragraphs) {
          for (const line of paragraph.lines) {
            segments.push(
              line.words.map((word) => ({
                text: word.text,
                confidence: word.confidence / 100,
                box: { x0: word.bbox.x0, y0: word.bbox.y0, x1: word.bbox.x1, y1: word.bbox.y1 },
              })),
            );
          }
        }
      }
      // tesseract's own lines keep Thai marks with their letters; rows join the lines it split by column.
      const lines = buildRowsFromSegments(segments);
      const firstBlock = data.blocks?.[0];
      return {
        engine: 'tesseract',
        text: lines.map((line) => line.text).join('\n'),
        lines,
        confidence: meanConfidence(lines),
        width: firstBlock ? Math.max(...(data.blocks ?? []).map((b) => b.bbox.x1)) : 0,
        height: firstBlock ? Math.max(...(data.blocks ?? []).map((b) => b.bbox.y1)) : 0,
        durationMs: performance.now() - started,
      };
    },
    close: async () => {
      closed = true;
      const all = [...pools.values()];
      pools.clear();
      const settled = await Promise.allSettled(all);
      await Promise.allSettled(
        settled.flatMap((result) =>
          result.status === 'fulfilled' ? result.value.workers.map((worker) => stopWorker(worker)) : [],
        ),
      );
      // A worker still starting is stopped as soon as it has started (see `grow`).
      await Promise.allSettled([...starting]);
      await Promise.allSettled([...stopping]);
    },
  };
}
