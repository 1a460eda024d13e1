import { editDistance } from './store-lexicon.models.js';

const HAN = /[\u3400-\u9FFF]/u;

/** A reading's letters and digits: the spaces and specks a single-line read puts between characters dropped. */
const lettersOf = (text: string) => [...text].filter((char) => /[\p{L}\p{N}]/u.test(char)).join('');

/** At most this many characters are put back into one row (each needs every other reading's agreement). */
const MAX_RESTORED = 2;

/**
 * A Chinese name row's page reading with the characters PaddleOCR dropped put back, by the other readings
 * of its crops (tesseract `chi_tra`). PaddleOCR leaves out a character it cannot read rather than guess
 * one, and is sure of the rest (阿忠麵線店 read `阿忠線店` at 0.94; 壢 is not in its dictionary at all):
 * a row it read surely may still lack a character. A character is put back only where **every** other
 * reading (two at least) is nearer, letter for letter, to the row with it than to the row without it —
 * so they agree on which character and where — and it is a Han character. Nothing else the others read
 * changes the row: where they read another character than PaddleOCR, PaddleOCR's stays (it misreads
 * less than tesseract; an engine disagreeing with itself on two crops is no vote). When two characters
 * or two places would do as well, the page's reading stays: no guess.
 */
export function restoreDroppedCharacters(page: string, others: readonly string[]): string {
  const readings = others.map(lettersOf).filter((reading) => reading !== '');
  if (readings.length < 2 || !HAN.test(page)) return page;
  const candidates = [...new Set(readings.flatMap((reading) => [...reading].filter((c) => HAN.test(c))))];
  let current = page;
  for (let restored = 0; restored < MAX_RESTORED; restored++) {
    const distances = readings.map((reading) => editDistance(lettersOf(current), reading));
    const better = new Map<string, { text: string; total: number }>();
    const chars = [...current];
    for (let gap = 0; gap <= chars.length; gap++)
      for (const char of candidates) {
        const text = [...chars.slice(0, gap), char, ...chars.slice(gap)].join('');
        const letters = lettersOf(text);
        if (better.has(letters)) continue;
        const nearer = readings.map((reading) => editDistance(letters, reading));
        if (nearer.every((distance, i) => distance < distances[i]!))
          better.set(letters, { text, total: nearer.reduce((sum, distance) => sum + distance, 0) });
      }
    const ranked = [...better.values()].sort((a, b) => a.total - b.total);
    // Two ways to put a character back that the others back alike: which one is a guess.
    if (ranked.length === 0 || (ranked.length > 1 && ranked[1]!.total === ranked[0]!.total)) break;
    current = ranked[0]!.text;
  }
  return current;
}
