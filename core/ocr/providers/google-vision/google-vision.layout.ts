import type { OcrBox, OcrWord } from '../../ocr.types.js';

/**
 * The parts of Cloud Vision's `AnnotateImageResponse` the adapter reads, as documented for
 * `DOCUMENT_TEXT_DETECTION`: `fullTextAnnotation` → pages → blocks → paragraphs → words → symbols, each
 * with a `boundingBox` (vertices clockwise from the top-left of the text as read; a coordinate of 0 is
 * left out of the JSON) and a `confidence`; a symbol's `property.detectedBreak` says what follows it
 * (nothing inside a word or between the characters of a Chinese run, `SPACE`, `EOL_SURE_SPACE` at the
 * end of a line…). `textAnnotations[0]` is the whole text, the others one word each (`boundingPoly`).
 */
export type VisionVertex = { x?: number | null; y?: number | null };
export type VisionPoly = { vertices?: VisionVertex[] | null } | null;
export type VisionBreakType = 'UNKNOWN' | 'SPACE' | 'SURE_SPACE' | 'EOL_SURE_SPACE' | 'HYPHEN' | 'LINE_BREAK';
export type VisionSymbol = {
  text?: string | null;
  boundingBox?: VisionPoly;
  confidence?: number | null;
  property?: {
    detectedBreak?: { type?: VisionBreakType | number | null; isPrefix?: boolean | null } | null;
  } | null;
};
export type VisionWord = {
  symbols?: VisionSymbol[] | null;
  boundingBox?: VisionPoly;
  confidence?: number | null;
};
export type VisionParagraph = {
  words?: VisionWord[] | null;
  boundingBox?: VisionPoly;
  confidence?: number | null;
};
export type VisionBlock = {
  paragraphs?: VisionParagraph[] | null;
  boundingBox?: VisionPoly;
  blockType?: string | number | null;
  confidence?: number | null;
};
export type VisionPage = {
  width?: number | null;
  height?: number | null;
  blocks?: VisionBlock[] | null;
  property?: {
    detectedLanguages?: { languageCode?: string | null; confidence?: number | null }[] | null;
  } | null;
};
export type VisionAnnotateResponse = {
  fullTextAnnotation?: { pages?: VisionPage[] | null; text?: string | null } | null;
  textAnnotations?:
    { description?: string | null; locale?: string | null; boundingPoly?: VisionPoly }[] | null;
  error?: { code?: number | null; message?: string | null } | null;
};

/** The break enum as the REST JSON spells it, or as its number when a client sends enums as numbers. */
const BREAK_NAMES: VisionBreakType[] = [
  'UNKNOWN',
  'SPACE',
  'SURE_SPACE',
  'EOL_SURE_SPACE',
  'HYPHEN',
  'LINE_BREAK',
];

function breakOf(symbol: VisionSymbol | undefined): VisionBreakType | undefined {
  const type = symbol?.property?.detectedBreak?.type;
  if (type === undefined || type === null) return undefined;
  return typeof type === 'number' ? BREAK_NAMES[type] : type;
}

function boxOf(poly: VisionPoly | undefined): OcrBox | undefined {
  const vertices = poly?.vertices ?? [];
  if (vertices.length === 0) return undefined;
  // Vision leaves a 0 coordinate out of the JSON; a rotated word's vertices are not in x/y order.
  const xs = vertices.map((vertex) => vertex.x ?? 0);
  const ys = vertices.map((vertex) => vertex.y ?? 0);
  return { x0: Math.min(...xs), y0: Math.min(...ys), x1: Math.max(...xs), y1: Math.max(...ys) };
}

/** The smallest box holding both. */
export function unionBox(a: OcrBox, b: OcrBox): OcrBox {
  return {
    x0: Math.min(a.x0, b.x0),
    y0: Math.min(a.y0, b.y0),
    x1: Math.max(a.x1, b.x1),
    y1: Math.max(a.y1, b.y1),
  };
}

/**
 * Pure: Vision's answer as the word boxes the layout-aware parser reads from any engine. Vision's words
 * that no break separates (the characters of `統一超商`, `BN` `-` `61755155`, `NT$` `150`) are one printed
 * word, joined with their boxes; a break (space, end of line) ends it. Rows are rebuilt from the boxes
 * afterwards (`buildRowsFromWords`), since Vision puts a receipt's amounts in a block of their own.
 * Without `fullTextAnnotation` (plain `TEXT_DETECTION`), the per-word `textAnnotations` are used.
 */
export function wordsFromVisionResponse(response: VisionAnnotateResponse): OcrWord[] {
  const page = response.fullTextAnnotation?.pages?.[0];
  if (!page) return wordsFromTextAnnotations(response);
  const words: OcrWord[] = [];
  for (const block of page.blocks ?? []) {
    for (const paragraph of block.paragraphs ?? []) {
      let current: { text: string; box: OcrBox; confidences: number[] } | undefined;
      const flush = () => {
        if (current && current.text.trim() !== '')
          words.push({
            text: current.text,
            confidence:
              current.confidences.reduce((sum, value) => sum + value, 0) / current.confidences.length,
            box: current.box,
          });
        current = undefined;
      };
      for (const word of paragraph.words ?? []) {
        const symbols = word.symbols ?? [];
        const text = symbols.map((symbol) => symbol.text ?? '').join('');
        const symbolBoxes = symbols.flatMap((symbol) => {
          const box = boxOf(symbol.boundingBox);
          return box ? [box] : [];
        });
        const box =
          boxOf(word.boundingBox) ??
          symbolBoxes.reduce<OcrBox | undefined>((a, b) => (a ? unionBox(a, b) : b), undefined);
        if (text === '' || !box) continue;
        const confidence = word.confidence ?? meanOf(symbols.map((symbol) => symbol.confidence)) ?? 0.9;
        // A missing break across rows (a wrapped paragraph) must not glue two rows into one word.
        if (current && !onOneRow(current.box, box)) flush();
        if (current) {
          current.text += text;
          current.box = unionBox(current.box, box);
          current.confidences.push(confidence);
        } else current = { text, box, confidences: [confidence] };
        // What follows the word's last symbol: nothing glues the next word on; anything else ends it.
        if (breakOf(symbols.at(-1)) !== undefined) flush();
      }
      flush();
    }
  }
  return words;
}

function onOneRow(a: OcrBox, b: OcrBox): boolean {
  const overlap = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return overlap > 0.5 * Math.min(a.y1 - a.y0, b.y1 - b.y0);
}

function wordsFromTextAnnotations(response: VisionAnnotateResponse): OcrWord[] {
  return (response.textAnnotations ?? []).slice(1).flatMap((annotation) => {
    const box = boxOf(annotation.boundingPoly);
    const text = annotation.description?.trim() ?? '';
    return box && text !== '' ? [{ text, confidence: 0.9, box }] : [];
  });
}

function meanOf(values: (number | null | undefined)[]): number | undefined {
  const known = values.filter((value): value is number => typeof value === 'number');
  return known.length === 0 ? undefined : known.reduce((sum, value) => sum + value, 0) / known.length;
}
