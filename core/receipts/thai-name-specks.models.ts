import { relabel, type Line } from './receipt-lines.models.js';

/** A word tesseract read at less than this is unsure; the letters of a Thai name row read at 0.9 and more. */
const UNSURE_WORD = 0.7;
const SURE_WORD = 0.85;
const THAI_SPECK = /^[\u0E01-\u0E4E]{1,2}$/u;

/**
 * A Thai row's last word when it is a speck tesseract read beside the name: one or two Thai characters, set
 * apart by a space, read unsurely (under 0.7) after a word read surely (0.85 and more) — a logo's edge or a
 * stain read as `ฉะ` after `ลอว์สัน 108` (the held-out tuning part's th-receipt-w2: `ฉะ` at 0.62, the rest of the
 * row at 0.96). A short word of the name itself is read as surely as the rest. The row without it; the
 * row itself when there is none or the engine gave no words.
 */
export function withoutUnsureTrailingSpeck(line: Line): Line {
  const words = line.words ?? [];
  const last = words.at(-1);
  const before = words.at(-2);
  if (!last || !before || !THAI_SPECK.test(last.text)) return line;
  if (last.confidence >= UNSURE_WORD || before.confidence < SURE_WORD) return line;
  const trailing = new RegExp(`\\s+${last.text}\\s*$`, 'u');
  if (!trailing.test(line.text)) return line;
  return { ...relabel(line, line.text.replace(trailing, '')), words: words.slice(0, -1) };
}
