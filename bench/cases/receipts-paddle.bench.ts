import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildPaddleOcrEngine, buildTesseractOcrEngine, routeOcrByScript } from '../../core/ocr/index.js';
import { prepareForOcr, prepareReceiptImage, readReceiptImage } from '../../core/receipts/index.js';
import { prepareOcrPage } from '../../core/receipts/receipt-reader.js';
import { projectRoot } from '../../core/shared/paths.js';
import { round, timeIt, type BenchCase, type BenchMeasurement } from '../bench.types.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'receipts');
const ROUNDS = 3;

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * OCR_PROVIDER=paddle, one photo at a time (issue #15's speed bar): one PaddleOCR pass on the page
 * prepared at its own size in one resize, vs on tesseract's page (enlarged to 1,600 px wide, then shrunk
 * by the engine: the reader before), and the whole read (QR + OCR + parse, tesseract's second look
 * when fields stay doubtful) — each as a ratio to one bare tesseract pass on the same photo, measured
 * in the same rounds (the machine is shared: absolute times follow its load, ratios much less).
 */
const receiptsPaddleBench: BenchCase = {
  name: 'receipt photos through PaddleOCR (page size, whole read)',
  issue: 15,
  run: async () => {
    const measurements: BenchMeasurement[] = [];
    const tesseract = buildTesseractOcrEngine({ poolSize: 1 });
    const paddle = buildPaddleOcrEngine();
    const reader = routeOcrByScript({ main: paddle, thai: tesseract, secondOpinion: tesseract });
    try {
      for (const [file, languages] of [
        ['sroie-005.jpg', ['eng']],
        ['tw-paper-1-clean.png', ['eng', 'chi_tra']],
      ] as const) {
        const photo = (await prepareReceiptImage(readFileSync(join(fixtures, file)))).readable;
        const tesseractPage = await prepareForOcr(photo);
        const paddlePage = await prepareOcrPage(photo, 'paddle');
        // Warm-up: models and workers load once.
        await tesseract.recognize({ image: tesseractPage, languages: [...languages] });
        await paddle.recognize({ image: paddlePage, languages: [...languages] });
        const times = {
          bare: [] as number[],
          before: [] as number[],
          after: [] as number[],
          read: [] as number[],
        };
        let passes = '';
        for (let i = 0; i < ROUNDS; i++) {
          times.bare.push(
            await timeIt(() => tesseract.recognize({ image: tesseractPage, languages: [...languages] })),
          );
          times.before.push(
            await timeIt(() => paddle.recognize({ image: tesseractPage, languages: [...languages] })),
          );
          times.after.push(
            await timeIt(() => paddle.recognize({ image: paddlePage, languages: [...languages] })),
          );
          times.read.push(
            await timeIt(async () => {
              const reading = await readReceiptImage(photo, { ocrEngine: reader, languages: [...languages] });
              passes = (reading.timings.passes ?? []).map((pass) => pass.name).join(' + ');
            }),
          );
        }
        const bare = median(times.bare);
        const row = (metric: string, values: number[], note?: string): BenchMeasurement => ({
          metric: `${metric} (${file})`,
          value: round(median(values)),
          unit: 'ms',
          baseline: { name: 'one bare tesseract pass', value: round(bare) },
          ratio: round(median(values) / bare),
          ...(note ? { note } : {}),
        });
        measurements.push(
          row("one PaddleOCR pass, on tesseract's page (shrunk by the engine)", times.before),
          row('one PaddleOCR pass, on its own page (one resize)', times.after),
          row('whole read: QR + OCR + parse', times.read, `passes: ${passes}; median of ${ROUNDS}`),
        );
      }
    } finally {
      await reader.close();
    }
    return measurements;
  },
};

export default receiptsPaddleBench;
