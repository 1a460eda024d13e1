/**
 * Writes a replay recording (`<name>.vision.json`) for an image, in Cloud Vision's
 * `AnnotateImageResponse` shape as documented (`buildVisionAnswer`: `textAnnotations`, and
 * `fullTextAnnotation` down to symbols with their boxes, confidences and detected breaks). Without
 * Google credentials on this machine the words come from tesseract, then are laid out the way Vision
 * lays out a receipt — one block per column, so a row's label and its amount sit in different blocks —
 * which is what the adapter's row rebuilding must undo. With real credentials, record instead with
 * `--real` (TODO: not run here, no credentials).
 *
 * Run: npx tsx sim/vision/make-recording.ts <image> <out.vision.json> [eng,tha,chi_tra]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildTesseractOcrEngine } from '../../core/ocr/providers/tesseract/tesseract.ocr-engine.js';
import type { OcrLanguage } from '../../core/ocr/ocr.types.js';
import { buildVisionAnswer } from './vision-answer.js';

const [imagePath, outPath, languageList = 'eng'] = process.argv.slice(2);
if (!imagePath || !outPath) throw new Error('usage: make-recording.ts <image> <out.vision.json> [languages]');
const image = readFileSync(imagePath);
const languages = languageList.split(',') as OcrLanguage[];
const engine = buildTesseractOcrEngine({ poolSize: 1 });
const result = await engine.recognize({ image, languages });
await engine.close();

const split = result.width * 0.6;
const column = (left: boolean) =>
  result.lines
    .map((line) => line.words.filter((word) => (word.box.x0 + word.box.x1) / 2 < split === left))
    .filter((words) => words.length > 0);
const locale = languages.includes('chi_tra') ? 'zh-Hant' : languages.includes('tha') ? 'th' : 'en';
const response = buildVisionAnswer({
  width: result.width,
  height: result.height,
  locale,
  blocks: [{ lines: column(true) }, { lines: column(false) }],
});
writeFileSync(
  outPath,
  `${JSON.stringify({ imageSha256: createHash('sha256').update(image).digest('hex'), source: 'tesseract-laid-out-as-vision', response }, null, 1)}\n`,
);
