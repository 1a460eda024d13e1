import type { Config } from '../config/config.js';
import { routeOcrByScript } from './ocr.routing.js';
import type { OcrEngine, OcrEngineName } from './ocr.types.js';
import { buildGoogleVisionOcrEngine } from './providers/google-vision/google-vision.ocr-engine.js';
import { buildPaddleOcrEngine } from './providers/paddle/paddle.ocr-engine.js';
import { buildTesseractOcrEngine } from './providers/tesseract/tesseract.ocr-engine.js';

/** The OCR engine the config names. Engines start their workers/connections lazily, on first use. */
export function buildOcrEngine(
  config: Pick<Config, 'ocr'>,
  options: { tesseractPoolSize?: number } = {},
): OcrEngine {
  const factories = {
    tesseract: () => buildTesseractOcrEngine({ poolSize: options.tesseractPoolSize }),
    // PaddleOCR has no Thai model: tesseract reads Thai, and looks again at what PaddleOCR left doubtful.
    paddle: () => {
      const tesseract = buildTesseractOcrEngine({ poolSize: options.tesseractPoolSize });
      return routeOcrByScript({ main: buildPaddleOcrEngine(), thai: tesseract, secondOpinion: tesseract });
    },
    'google-vision': () =>
      buildGoogleVisionOcrEngine({
        credentialsFile: config.ocr.googleCredentialsFile,
        apiEndpoint: config.ocr.googleApiEndpoint,
      }),
  } satisfies Record<OcrEngineName, () => OcrEngine>;
  return factories[config.ocr.provider]();
}
