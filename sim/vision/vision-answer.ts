import {
  unionBox,
  type VisionAnnotateResponse,
  type VisionBlock,
  type VisionBreakType,
  type VisionPoly,
  type VisionSymbol,
  type VisionWord,
} from '../../core/ocr/providers/google-vision/google-vision.layout.js';
import type { OcrBox } from '../../core/ocr/ocr.types.js';

/** One printed word of a layout (as a person reads it), with its box in image pixels. */
export type LayoutWord = { text: string; box: OcrBox; confidence?: number };

/**
 * A page as Vision segments it: blocks (Vision gives a receipt's price column a block of its own), each
 * one paragraph of lines, each line printed words left to right.
 */
export type VisionLayout = {
  width: number;
  height: number;
  /** BCP-47 code of the main language (`textAnnotations[0].locale`, the page's `detectedLanguages`). */
  locale: string;
  blocks: { lines: LayoutWord[][] }[];
};

const CJK = /[\u3400-\u9FFF\uF900-\uFAFF]/;

/**
 * Builds an `AnnotateImageResponse` of `DOCUMENT_TEXT_DETECTION` the way Cloud Vision answers, per its
 * reference: `textAnnotations[0]` holds the whole text (lines ending in `\n`) and the page's polygon,
 * then one annotation per word; `fullTextAnnotation` nests pages → blocks → paragraphs → words →
 * symbols, each with a `boundingBox` and a `confidence`; each symbol's `property.detectedBreak` says
 * what follows it (`SPACE` between words, `EOL_SURE_SPACE` at a line's end, `LINE_BREAK` at the
 * paragraph's end, none inside a word). Chinese text comes as one word per character with no break
 * between them. Vertex coordinates of 0 are left out, as in Vision's JSON.
 */
export function buildVisionAnswer(layout: VisionLayout): VisionAnnotateResponse {
  const textAnnotations: NonNullable<VisionAnnotateResponse['textAnnotations']> = [];
  const blocks: VisionBlock[] = [];
  const lines: string[] = [];
  for (const block of layout.blocks) {
    const words: VisionWord[] = [];
    block.lines.forEach((line, lineIndex) => {
      lines.push(line.map((word) => word.text).join(' '));
      line.forEach((word, wordIndex) => {
        const endOfLine = wordIndex === line.length - 1;
        const endOfParagraph = endOfLine && lineIndex === block.lines.length - 1;
        const pieces = visionWordsOf(word);
        pieces.forEach((piece, pieceIndex) => {
          const last = pieceIndex === pieces.length - 1;
          const breakType: VisionBreakType | undefined = !last
            ? undefined
            : endOfParagraph
              ? 'LINE_BREAK'
              : endOfLine
                ? 'EOL_SURE_SPACE'
                : 'SPACE';
          words.push(visionWord(piece, breakType));
          textAnnotations.push({ description: piece.text, boundingPoly: poly(piece.box) });
        });
      });
    });
    const all = block.lines.flat();
    if (all.length === 0) continue;
    const box = all.map((word) => word.box).reduce(unionBox);
    const confidence = round3(mean(words.map((word) => word.confidence ?? 0.9)));
    blocks.push({
      boundingBox: poly(box),
      paragraphs: [{ boundingBox: poly(box), words, confidence }],
      blockType: 'TEXT',
      confidence,
    });
  }
  if (blocks.length === 0) return {};
  const text = `${lines.join('\n')}\n`;
  const page = { x0: 0, y0: 0, x1: layout.width - 1, y1: layout.height - 1 };
  return {
    textAnnotations: [
      { locale: layout.locale, description: text, boundingPoly: poly(page) },
      ...textAnnotations,
    ],
    fullTextAnnotation: {
      pages: [
        {
          property: { detectedLanguages: [{ languageCode: layout.locale, confidence: 1 }] },
          width: layout.width,
          height: layout.height,
          blocks,
        },
      ],
      text,
    },
  };
}

/** Vision splits a Chinese run into one word per character, each its share of the printed word's box. */
function visionWordsOf(word: LayoutWord): LayoutWord[] {
  const characters = [...word.text];
  if (!characters.some((character) => CJK.test(character))) return [word];
  const width = (word.box.x1 - word.box.x0) / characters.length;
  return characters.map((character, index) => ({
    text: character,
    confidence: word.confidence,
    box: {
      x0: Math.round(word.box.x0 + index * width),
      y0: word.box.y0,
      x1: Math.round(word.box.x0 + (index + 1) * width),
      y1: word.box.y1,
    },
  }));
}

function visionWord(word: LayoutWord, breakType: VisionBreakType | undefined): VisionWord {
  const characters = [...word.text];
  const width = (word.box.x1 - word.box.x0) / Math.max(1, characters.length);
  const confidence = round3(word.confidence ?? 0.97);
  const symbols: VisionSymbol[] = characters.map((character, index) => ({
    text: character,
    boundingBox: poly({
      x0: Math.round(word.box.x0 + index * width),
      y0: word.box.y0,
      x1: Math.round(word.box.x0 + (index + 1) * width),
      y1: word.box.y1,
    }),
    confidence,
    ...(index === characters.length - 1 && breakType
      ? { property: { detectedBreak: { type: breakType } } }
      : {}),
  }));
  return { boundingBox: poly(word.box), symbols, confidence };
}

/** Four vertices clockwise from the top-left; a 0 coordinate is left out, as Vision's JSON does. */
function poly(box: OcrBox): VisionPoly {
  const vertex = (x: number, y: number) => ({ ...(x !== 0 ? { x } : {}), ...(y !== 0 ? { y } : {}) });
  return {
    vertices: [
      vertex(box.x0, box.y0),
      vertex(box.x1, box.y0),
      vertex(box.x1, box.y1),
      vertex(box.x0, box.y1),
    ],
  };
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
