import type { OcrEngine, OcrLine, OcrResult } from '../../ocr.types.js';

/**
 * For tests of what happens around OCR (intake, storage, review): answers every image with the given
 * text, one row per line, and counts calls. Never used by a running process.
 */
export function buildFakeOcrEngine(
  text: string | (() => string),
  confidence = 0.95,
): OcrEngine & { calls: () => number } {
  let calls = 0;
  return {
    name: 'tesseract',
    calls: () => calls,
    recognize: async (): Promise<OcrResult> => {
      calls++;
      const rows = (typeof text === 'function' ? text() : text)
        .split('\n')
        .filter((row) => row.trim() !== '');
      const lines: OcrLine[] = rows.map((row, index) => {
        const box = { x0: 10, y0: 10 + index * 40, x1: 10 + row.length * 12, y1: 40 + index * 40 };
        return { text: row, confidence, box, words: [{ text: row, confidence, box }] };
      });
      return {
        engine: 'tesseract',
        text: rows.join('\n'),
        lines,
        confidence: lines.length > 0 ? confidence : 0,
        width: 800,
        height: 40 * rows.length + 20,
        durationMs: 0,
      };
    },
    close: async () => undefined,
  };
}
