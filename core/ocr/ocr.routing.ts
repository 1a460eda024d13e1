import type { OcrEngine, OcrLanguage } from './ocr.types.js';

export type ScriptRoutes = {
  /** Reads every request that does not expect Thai (Latin and Chinese receipts). */
  main: OcrEngine;
  /** Reads requests that expect Thai (the main engine may have no Thai model: PaddleOCR has none). */
  thai: OcrEngine;
  /** The engine the reader asks to look again while fields stay doubtful (`OcrEngine.secondOpinion`). */
  secondOpinion?: OcrEngine;
};

const expectsThai = (languages: OcrLanguage[] | undefined) =>
  (languages ?? ['eng', 'tha', 'chi_tra']).includes('tha');

/**
 * One engine made of two, chosen per request by the scripts it expects: PaddleOCR for Latin and Chinese,
 * tesseract for Thai (decision 008). Each result names the engine that read it, so the reader never asks
 * the engine that just read a page for a second opinion on it. Closing closes each engine once.
 */
export function routeOcrByScript({ main, thai, secondOpinion }: ScriptRoutes): OcrEngine {
  return {
    name: main.name,
    recognize: (request) => (expectsThai(request.languages) ? thai : main).recognize(request),
    readerOf: (languages) => (expectsThai(languages) ? thai : main).name,
    ...(secondOpinion ? { secondOpinion } : {}),
    close: async () => {
      for (const engine of new Set([main, thai, secondOpinion].filter((e) => e !== undefined)))
        await engine.close();
    },
  };
}
