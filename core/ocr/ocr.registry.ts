import type { Config } from '../config/config.js';
import type { OcrEngine, OcrEngineName } from './ocr.types.js';
import { stopOcrEngineWhenIdle } from './ocr.idle-stop.js';
import { buildGoogleVisionOcrEngine } from './providers/google-vision/google-vision.ocr-engine.js';
import { buildPaddleOcrEngine } from './providers/paddle/paddle.ocr-engine.js';
import { buildTesseractOcrEngine } from './providers/tesseract/tesseract.ocr-engine.js';

/**
 * The OCR engine the config names. Its workers start on the first photo and stop after
 * `OCR_IDLE_STOP_MS` without one (they come back with the next photo).
 */
export function buildOcrEngine(
  config: Pick<Config, 'ocr'>,
  options: { tesseractPoolSize?: number } = {},
): OcrEngine {
  const factories = {
    tesseract: () => buildTesseractOcrEngine({ poolSize: options.tesseractPoolSize }),
    paddle: () => buildPaddleOcrEngine(),
    'google-vision': () =>
      buildGoogleVisionOcrEngine({
        credentialsFile: config.ocr.googleCredentialsFile,
        apiEndpoint: config.ocr.googleApiEndpoint,
      }),
  } satisfies Record<OcrEngineName, () => OcrEngine>;
  const provider = config.ocr.provider;
  return stopOcrEngineWhenIdle(provider, factories[provider], { idleMs: config.ocr.idleStopMs });
}
