/**
 * `tsx bench/support/ocr-cache.ts [--engine tesseract|paddle] [--part tuning|check] [--after paddle] [variant…]`: runs the
 * reader's OCR once per
 * SROIE dev photo and preprocessing variant and stores the lines (with word boxes) under
 * .tmp/ocr-cache/<variant>/NNN.json (paddle: .tmp/ocr-cache/paddle/<variant>/), so parser changes can be
 * measured in seconds with `tsx bench/support/parse-cached.ts`.
 * Variants: the reader's passes (`base`, `block`, `large`, `sharp`, `contrast`: see OCR_PASSES); each page
 * prepared as the reader prepares it for that engine (`prepareOcrPage`: PaddleOCR's at its own size).
 * `--after paddle`: only the scans whose cached PaddleOCR reading leaves fields doubtful (`needsRefinement`),
 * the ones the reader asks this engine to look at again: a second opinion's cache in a fraction of the time.
 * `--detect-side N` (paddle): text boxes looked for on the page scaled to N px (the engine's
 * `detectLongSide`), cached under .tmp/ocr-cache/paddle-detN/ (`parse-cached.ts --engine paddle-detN`).
 * `--files 003.jpg,025.jpg`: only these scans.
 * `--whole-page` (paddle): text boxes looked for on the whole page, as the library does, instead of the
 * part that holds ink (the engine's `inkWindow`).
 * `--as NAME` (paddle): cached under .tmp/ocr-cache/NAME/ instead (`parse-cached.ts --engine NAME`), to keep
 * another runner's pass side by side with this one.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPaddleOcrEngine, buildTesseractOcrEngine } from '../../core/ocr/index.js';
import { prepareReceiptImage } from '../../core/receipts/index.js';
import { measureSkew } from '../../core/receipts/receipt-deskew.js';
import type { OcrLine } from '../../core/ocr/index.js';
import { parseReceiptText } from '../../core/receipts/receipt-parser.models.js';
import {
  needsRefinement,
  OCR_PASSES,
  prepareOcrPage,
  type OcrPreparation,
} from '../../core/receipts/receipt-reader.js';
import { cacheDir, SROIE_SUBMITTED_AT, sroieDir } from './sroie-labels.js';
import { committedPartOf, loadSplit } from './sroie-split.js';

/** The reader's passes (OCR_PASSES), each on the levelled photo as the reader prepares it. */
const variants: Record<string, OcrPreparation> = OCR_PASSES;

async function main() {
  const argv = process.argv.slice(2);
  const engineName = argv.includes('--engine') ? argv[argv.indexOf('--engine') + 1]! : 'tesseract';
  const wanted = argv.filter((arg) => arg in variants);
  const names = wanted.length > 0 ? wanted : Object.keys(variants);
  // `--part tuning|check`: one part only (the tuning part first on a busy machine).
  const part = argv.includes('--part') ? argv[argv.indexOf('--part') + 1] : undefined;
  const after = argv.includes('--after') ? argv[argv.indexOf('--after') + 1] : undefined;
  const doubtfulAfter = (file: string) => {
    const first = join(cacheDir, after!, 'base', file.replace('.jpg', '.json'));
    if (!existsSync(first)) return false;
    const lines = (JSON.parse(readFileSync(first, 'utf8')) as { lines: OcrLine[] }).lines;
    return needsRefinement(parseReceiptText(lines, { now: SROIE_SUBMITTED_AT }));
  };
  // `--files 003.jpg,025.jpg`: only these scans (say, the ones a change can act on).
  const only = argv.includes('--files') ? new Set(argv[argv.indexOf('--files') + 1]!.split(',')) : undefined;
  const split = loadSplit();
  const files = readdirSync(sroieDir)
    .filter((file) => file.endsWith('.jpg') && (!part || committedPartOf(file, split) === part))
    .filter((file) => !only || only.has(file))
    .filter((file) => !after || doubtfulAfter(file))
    .sort();
  const paddle = engineName === 'paddle';
  const detectSide = argv.includes('--detect-side')
    ? Number(argv[argv.indexOf('--detect-side') + 1])
    : undefined;
  const wholePage = argv.includes('--whole-page');
  const engine = paddle
    ? buildPaddleOcrEngine({ detectLongSide: detectSide, inkWindow: !wholePage })
    : buildTesseractOcrEngine({ poolSize: 2 });
  const cacheAs = argv.includes('--as') ? argv[argv.indexOf('--as') + 1] : undefined;
  const root = paddle
    ? join(cacheDir, cacheAs ?? (detectSide ? `paddle-det${detectSide}` : 'paddle'))
    : cacheDir;
  try {
    for (const name of names) {
      const folder = join(root, name);
      mkdirSync(folder, { recursive: true });
      let next = 0;
      await Promise.all(
        (paddle ? [0] : [0, 1]).map(async () => {
          while (next < files.length) {
            const file = files[next++]!;
            const target = join(folder, file.replace('.jpg', '.json'));
            if (existsSync(target)) continue;
            const prepared = await prepareReceiptImage(readFileSync(join(sroieDir, file)));
            const pass = variants[name]!;
            const skewDegrees = await measureSkew(prepared.readable);
            const image = await prepareOcrPage(prepared.readable, engine.name, { pass, skewDegrees });
            const result = await engine.recognize({ image, languages: ['eng'], layout: pass.layout });
            writeFileSync(
              target,
              JSON.stringify({
                confidence: result.confidence,
                durationMs: result.durationMs,
                lines: result.lines,
              }),
            );
            process.stderr.write(`${engineName}/${name}/${file} ${Math.round(result.durationMs)} ms\n`);
          }
        }),
      );
    }
  } finally {
    await engine.close();
  }
}

await main();
