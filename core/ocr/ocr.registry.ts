import type { Config } from '../config/config.js';
import { routeOcrByScript } from './ocr.routing.js';
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
  const idle = (name: OcrEngineName, build: () => OcrEngine) =>
    stopOcrEngineWhenIdle(name, build, { idleMs: config.ocr.idleStopMs });
  const tesseract = () => buildTesseractOcrEngine({ poolSize: options.tesseractPoolSize });
  const factories = {
    tesseract: () => idle('tesseract', tesseract),
    // PaddleOCR has no Thai model: tesseract reads Thai, and looks again at what PaddleOCR left doubtful.
    // Each engine stops on its own when idle; the routing holds no workers.
    paddle: () => {
      const thai = idle('tesseract', tesseract);
      return routeOcrByScript({
        main: idle('paddle', () => buildPaddleOcrEngine({ workers: config.ocr.paddleWorkers })),
        thai,
        secondOpinion: thai,
      });
    },
    'google-vision': () =>
      idle('google-vision', () =>
        buildGoogleVisionOcrEngine({
          credentialsFile: config.ocr.googleCredentialsFile,
          apiEndpoint: config.ocr.googleApiEndpoint,
        }),
      ),
  } satisfies Record<OcrEngineName, () => OcrEngine>;
  return factories[config.ocr.provider]();
}
