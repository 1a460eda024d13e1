/**
 * An OCR engine that remembers every answer on disk, keyed by what it was asked (engine, the image's
 * sha256, languages, layout, single line): `npm run bench:accuracy -- --ocr-cache` reads each photo
 * exactly as intake does, OCR included, once; the next runs replay the answers, so a parser change to the
 * synthetic sets is measured in seconds. The times such a run prints are not the reader's (the OCR is
 * not run): measure time without `--ocr-cache`.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { OcrEngine, OcrRequest, OcrResult } from '../../core/ocr/index.js';

export function cacheOcrAnswers(engine: OcrEngine, folder: string): OcrEngine {
  mkdirSync(folder, { recursive: true });
  const keyOf = (request: OcrRequest) =>
    createHash('sha256')
      .update(
        JSON.stringify([
          engine.name,
          createHash('sha256').update(request.image).digest('hex'),
          request.languages ?? null,
          request.layout ?? 'auto',
          request.singleLine ?? false,
        ]),
      )
      .digest('hex');
  return {
    ...engine,
    recognize: async (request) => {
      const file = join(folder, `${keyOf(request)}.json`);
      if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as OcrResult;
      const result = await engine.recognize(request);
      writeFileSync(file, JSON.stringify(result));
      return result;
    },
  };
}
