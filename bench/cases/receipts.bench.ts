import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildTesseractOcrEngine } from '../../core/ocr/index.js';
import {
  prepareForOcr,
  prepareReceiptImage,
  readReceiptImage,
  scanQrCodes,
} from '../../core/receipts/index.js';
import { projectRoot } from '../../core/shared/paths.js';
import { round, timeIt, type BenchCase, type BenchMeasurement } from '../bench.types.js';

const fixtures = join(projectRoot, 'test', 'fixtures', 'receipts');
const shared = join(projectRoot, '..', 'shared', 'data', 'receipts', 'synthetic');

/**
 * Receipt photos: QR decode per e-invoice photo, OCR per receipt with the offline engine, and the pool's
 * throughput with one worker vs two (the machine has 2 cores).
 */
const receiptsBench: BenchCase = {
  name: 'receipt photos (QR, offline OCR, pool throughput)',
  issue: 5,
  run: async () => {
    const measurements: BenchMeasurement[] = [];
    const einvoices = existsSync(shared)
      ? readdirSync(shared)
          .filter((file) => file.startsWith('tw-einvoice'))
          .map((file) => join(shared, file))
      : [join(fixtures, 'tw-einvoice-7-photo.jpg'), join(fixtures, 'tw-einvoice-13-shear.jpg')];
    const prepared = await Promise.all(
      einvoices.map(async (file) => (await prepareReceiptImage(readFileSync(file))).readable),
    );
    await scanQrCodes(prepared[0]!); // warm-up: WASM compile
    let qrTotal = 0;
    let both = 0;
    for (const image of prepared) {
      qrTotal += await timeIt(async () => {
        const scan = await scanQrCodes(image);
        if (scan.left && scan.right) both++;
      });
    }
    measurements.push({
      metric: `QR decode per e-invoice photo (${prepared.length} photos)`,
      value: round(qrTotal / prepared.length),
      unit: 'ms',
      note: `both codes read on ${both}/${prepared.length}`,
    });

    const receipt = (await prepareReceiptImage(readFileSync(join(fixtures, 'th-receipt-1-clean.png'))))
      .readable;
    const ocrImage = await prepareForOcr(receipt);
    for (const poolSize of [1, 2]) {
      const engine = buildTesseractOcrEngine({ poolSize });
      try {
        const startMs = await timeIt(() => engine.recognize({ image: ocrImage, languages: ['eng', 'tha'] }));
        if (poolSize === 1) {
          measurements.push({
            metric: 'OCR worker start + first receipt (tesseract eng+tha)',
            value: round(startMs),
            unit: 'ms',
          });
          const oneMs = await timeIt(() =>
            readReceiptImage(receipt, { ocrEngine: engine, languages: ['eng', 'tha'], refine: false }),
          );
          measurements.push({
            metric: 'OCR + parse per receipt, warm (Thai, 733 px wide)',
            value: round(oneMs),
            unit: 'ms',
          });
        }
        const jobs = 6;
        const ms = await timeIt(() =>
          Promise.all(
            Array.from({ length: jobs }, () =>
              engine.recognize({ image: ocrImage, languages: ['eng', 'tha'] }),
            ),
          ),
        );
        measurements.push({
          metric: `pool throughput, ${poolSize} worker(s), ${jobs} receipts`,
          value: round((jobs / ms) * 60_000),
          unit: 'receipts/min',
        });
      } finally {
        await engine.close();
      }
    }
    return measurements;
  },
};

export default receiptsBench;
