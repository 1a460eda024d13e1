import type { OcrBox } from '../ocr/index.js';

/** One OCR row; box and confidence are optional so plain text fixtures parse too. */
export type ReceiptLineInput = {
  text: string;
  confidence?: number;
  box?: OcrBox;
  /**
   * The row's words with their own confidence, when the engine gives them (item names are judged by them),
   * and their least sure letter's probability when the engine gives one (PaddleOCR: the store's confidence).
   */
  words?: readonly { text: string; confidence: number; leastLetter?: number }[];
};

/** One OCR row as the parser reads it: its text, compacted for Thai and Chinese, upper-cased. */
export type Line = {
  text: string;
  compact: string;
  upper: string;
  confidence: number;
  index: number;
  box?: OcrBox;
  words?: ReceiptLineInput['words'];
};

/** Thai and Chinese keywords are matched with spaces removed: OCR inserts spaces inside words. */
export function compactText(text: string): string {
  return text.replace(/(?<=[\u0E00-\u0E7F\u3400-\u9FFF.])\s+(?=[\u0E00-\u0E7F\u3400-\u9FFF.])/g, '');
}

export function toLines(input: ReceiptLineInput[]): Line[] {
  return input
    .map((line, index) => {
      const text = line.text.replace(/\s+/g, ' ').trim();
      const compact = compactText(text);
      return {
        text,
        compact,
        upper: compact.toUpperCase(),
        confidence: line.confidence ?? 0.9,
        index,
        box: line.box,
        words: line.words,
      };
    })
    .filter((line) => line.text !== '');
}

export function relabel(line: Line, label: string): Line {
  const compact = label
    .replace(/(?<=[\u0E00-\u0E7F\u3400-\u9FFF.])\s+(?=[\u0E00-\u0E7F\u3400-\u9FFF.])/g, '')
    .trim();
  return { ...line, text: label.trim(), compact, upper: compact.toUpperCase() };
}

export function round2(value: number) {
  return Math.round(value * 100) / 100;
}
