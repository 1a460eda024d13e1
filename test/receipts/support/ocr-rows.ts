import sharp from 'sharp';
import type { OcrEngine, OcrEngineName, OcrLine, OcrRequest, OcrResult } from '../../../core/ocr/index.js';

/** A grey page with a dark bar where a row's text would be printed: what a row's crop is cut from. */
export const page = async (width = 800, height = 400) =>
  sharp({ create: { width, height, channels: 3, background: '#e0e0e0' } })
    .composite([
      {
        input: await sharp({
          create: { width: 400, height: 20, channels: 3, background: '#303030' },
        })
          .png()
          .toBuffer(),
        left: 100,
        top: 30,
      },
    ])
    .png()
    .toBuffer();

/** The `index`th row of a page as an engine reads it, one word, in a box 40 px under the row before. */
export const row = (text: string, index: number, confidence = 0.95): OcrLine => {
  const box = { x0: 100, y0: 25 + index * 40, x1: 500, y1: 55 + index * 40 };
  return { text, confidence, box, words: [{ text, confidence, box }] };
};

/** What an engine answers: these rows. */
export const answer = (engine: OcrEngineName, lines: OcrLine[], confidence: number): OcrResult => ({
  engine,
  text: lines.map((line) => line.text).join('\n'),
  lines,
  confidence,
  width: 800,
  height: 400,
  durationMs: 0,
});

/** A tesseract that reads each crop, in turn, as the next of `texts` (sure of it), and records what it was asked. */
export const cropsReadAs = (...texts: string[]) => {
  const requests: OcrRequest[] = [];
  const engine: OcrEngine = {
    name: 'tesseract',
    recognize: async (request) => {
      const text = texts[requests.length] ?? '';
      requests.push(request);
      return answer('tesseract', [row(text, 0, 0.94)], 0.94);
    },
    close: async () => undefined,
  };
  return { engine, requests };
};
