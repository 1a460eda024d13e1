/**
 * Writes a replay recording (`<name>.vision.json`) for an image, in Cloud Vision's
 * `AnnotateImageResponse` shape. Without Google credentials on this machine the words come from
 * tesseract, then are laid out the way Vision lays out a receipt — one block per column, so a row's
 * label and its amount sit in different blocks — which is what the adapter's row rebuilding must undo.
 * With real credentials, record instead with `--real` (TODO: not run here, no credentials).
 *
 * Run: npx tsx sim/vision/make-recording.ts <image> <out.vision.json> [eng,tha,chi_tra]
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { buildTesseractOcrEngine } from '../../core/ocr/providers/tesseract/tesseract.ocr-engine.js';
import type { OcrLanguage, OcrWord } from '../../core/ocr/ocr.types.js';

const [imagePath, outPath, languageList = 'eng'] = process.argv.slice(2);
if (!imagePath || !outPath) throw new Error('usage: make-recording.ts <image> <out.vision.json> [languages]');
const image = readFileSync(imagePath);
const engine = buildTesseractOcrEngine({ poolSize: 1 });
const result = await engine.recognize({ image, languages: languageList.split(',') as OcrLanguage[] });
await engine.close();

const words = result.lines.flatMap((line) => line.words);
const split = result.width * 0.6;
const columns = [
  words.filter((w) => (w.box.x0 + w.box.x1) / 2 < split),
  words.filter((w) => (w.box.x0 + w.box.x1) / 2 >= split),
];
const toVisionWord = (word: OcrWord) => ({
  boundingBox: {
    vertices: [
      { x: word.box.x0, y: word.box.y0 },
      { x: word.box.x1, y: word.box.y0 },
      { x: word.box.x1, y: word.box.y1 },
      { x: word.box.x0, y: word.box.y1 },
    ],
  },
  symbols: [...word.text].map((text, index, all) => ({
    text,
    ...(index === all.length - 1 ? { property: { detectedBreak: { type: 'SPACE' } } } : {}),
  })),
  confidence: Math.round(word.confidence * 1000) / 1000,
});
const blocks = columns
  .filter((column) => column.length > 0)
  .map((column) => ({ blockType: 'TEXT', paragraphs: [{ words: column.map(toVisionWord) }] }));
const response =
  words.length === 0
    ? {}
    : {
        fullTextAnnotation: {
          pages: [{ width: result.width, height: result.height, blocks }],
          text: columns.map((column) => column.map((w) => w.text).join(' ')).join('\n'),
        },
      };
writeFileSync(
  outPath,
  `${JSON.stringify({ imageSha256: createHash('sha256').update(image).digest('hex'), source: 'tesseract-laid-out-as-vision', response }, null, 1)}\n`,
);
