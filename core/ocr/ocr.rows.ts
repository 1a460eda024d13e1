import type { OcrBox, OcrLine, OcrWord } from './ocr.types.js';

/**
 * Rebuilds printed rows from word boxes. Engines group text by column or block (Vision puts a receipt's
 * prices in a block of their own; tesseract splits a row whose label and amount are far apart), but the
 * parser needs "TOTAL … 31.00" on one line. Two words share a row when their vertical extents overlap
 * by more than half the smaller height, measured along the row's running slope so a slightly rotated
 * photo still groups correctly.
 */
export function buildRowsFromWords(words: OcrWord[]): OcrLine[] {
  return buildRowsFromSegments(words.map((word) => [word]));
}

/**
 * Like `buildRowsFromWords`, for engines that already group words into line fragments (tesseract):
 * each fragment stays whole, and fragments of one printed row are joined left to right.
 */
export function buildRowsFromSegments(segments: OcrWord[][]): OcrLine[] {
  const usable = segments
    .map((words) => words.filter((word) => word.text.trim() !== '' && word.box.y1 > word.box.y0))
    .filter((words) => words.length > 0)
    .map((words) => ({ words, box: toLine(words).box }));
  const sorted = [...usable].sort((a, b) => centerY(a.box) - centerY(b.box) || a.box.x0 - b.box.x0);
  const rows: { segments: typeof sorted; slope: number }[] = [];

  for (const segment of sorted) {
    let best: { row: (typeof rows)[number]; overlap: number } | undefined;
    for (const row of rows.slice(-6)) {
      const overlap = verticalOverlapRatio(row, segment.box);
      if (overlap > 0.5 && (!best || overlap > best.overlap)) best = { row, overlap };
    }
    if (best) {
      best.row.segments.push(segment);
      best.row.slope = estimateSlope(best.row.segments.map((s) => s.box));
    } else {
      rows.push({ segments: [segment], slope: 0 });
    }
  }

  return rows
    .map((row) => toLine(row.segments.sort((a, b) => a.box.x0 - b.box.x0).flatMap((s) => s.words)))
    .sort((a, b) => a.box.y0 - b.box.y0);
}

function centerY(box: OcrBox) {
  return (box.y0 + box.y1) / 2;
}

/** How much `word` overlaps the row, with the row's extent projected to the word's x by its slope. */
function verticalOverlapRatio(row: { segments: { box: OcrBox }[]; slope: number }, box: OcrBox) {
  const nearest = row.segments.reduce((a, b) =>
    Math.abs(b.box.x1 - box.x0) < Math.abs(a.box.x1 - box.x0) ? b : a,
  );
  const shift = row.slope * (box.x0 - nearest.box.x0);
  const top = nearest.box.y0 + shift;
  const bottom = nearest.box.y1 + shift;
  const overlap = Math.min(bottom, box.y1) - Math.max(top, box.y0);
  const smaller = Math.min(bottom - top, box.y1 - box.y0);
  return smaller <= 0 ? 0 : overlap / smaller;
}

function estimateSlope(boxes: OcrBox[]) {
  if (boxes.length < 2) return 0;
  const first = boxes.reduce((a, b) => (b.x0 < a.x0 ? b : a));
  const last = boxes.reduce((a, b) => (b.x0 > a.x0 ? b : a));
  const dx = last.x0 - first.x0;
  if (dx <= 0) return 0;
  const slope = (centerY(last) - centerY(first)) / dx;
  // A receipt row never slopes more than ~10 degrees once orientation is fixed; cap a noisy estimate.
  return Math.max(-0.18, Math.min(0.18, slope));
}

export function toLine(words: OcrWord[]): OcrLine {
  return {
    text: joinWords(words),
    confidence: words.length === 0 ? 0 : words.reduce((sum, word) => sum + word.confidence, 0) / words.length,
    box: {
      x0: Math.min(...words.map((word) => word.box.x0)),
      y0: Math.min(...words.map((word) => word.box.y0)),
      x1: Math.max(...words.map((word) => word.box.x1)),
      y1: Math.max(...words.map((word) => word.box.y1)),
    },
    words,
  };
}

const CJK = /[\u3000-\u9FFF\uF900-\uFAFF\uFF00-\uFFEF]/;
const THAI = /[\u0E00-\u0E7F]/;

/**
 * Joins words with a space, except between CJK characters and between Thai characters that sit close
 * together: engines split those scripts into per-character "words".
 */
function joinWords(words: OcrWord[]) {
  let text = '';
  let previous: OcrWord | undefined;
  for (const word of words) {
    const piece = word.text.trim();
    if (!previous) text = piece;
    else {
      const height = Math.max(1, Math.min(previous.box.y1 - previous.box.y0, word.box.y1 - word.box.y0));
      const gap = word.box.x0 - previous.box.x1;
      const last = text.at(-1) ?? '';
      const first = piece[0] ?? '';
      // Chinese prints no spaces at all; Thai separates phrases with a visible gap.
      const cjk = CJK.test(last) && CJK.test(first);
      const thai = THAI.test(last) && THAI.test(first) && gap < height * 0.5;
      text += cjk || thai ? piece : ` ${piece}`;
    }
    previous = word;
  }
  return text;
}

export function meanConfidence(lines: OcrLine[]) {
  const words = lines.flatMap((line) => line.words);
  return words.length === 0 ? 0 : words.reduce((sum, word) => sum + word.confidence, 0) / words.length;
}
