export type {
  OcrBox,
  OcrEngine,
  OcrEngineName,
  OcrLanguage,
  OcrLine,
  OcrRequest,
  OcrResult,
  OcrWord,
} from './ocr.types.js';
export { buildRowsFromSegments, buildRowsFromWords } from './ocr.rows.js';
export { buildOcrEngine } from './ocr.registry.js';
export { OCR_PAGE_LONG_SIDE } from './ocr.pages.js';
export { routeOcrByScript, type ScriptRoutes } from './ocr.routing.js';
export { stopOcrEngineWhenIdle } from './ocr.idle-stop.js';
export { createOcrImageRejectedError, createOcrUnavailableError } from './ocr.errors.js';
export {
  buildTesseractOcrEngine,
  type TesseractOcrEngineOptions,
} from './providers/tesseract/tesseract.ocr-engine.js';
export {
  buildGoogleVisionOcrEngine,
  type GoogleVisionOcrEngineOptions,
} from './providers/google-vision/google-vision.ocr-engine.js';
export { buildFakeOcrEngine } from './providers/fake/fake.ocr-engine.js';
export { buildPaddleOcrEngine, type PaddleOcrEngineOptions } from './providers/paddle/paddle.ocr-engine.js';
export { toTraditional } from './providers/paddle/simplified-to-traditional.js';
