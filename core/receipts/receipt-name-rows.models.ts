import { COMPANY_WORDS } from './data/company-words.data.js';
import { composeSaraAm, lettersForLookalikeDigits } from './receipt-store.models.js';
import { correctStoreName, editDistance } from './store-lexicon.models.js';

/** One reading of a store name's row: the page pass's, or a second look at its crop. */
export type NameRowReading = { text: string; confidence: number; source: string };

const COMPANY_WORD_SET = new Set<string>(COMPANY_WORDS);
const LEGAL_SUFFIX = /\bSDN\.?\s?BHD\b|\bS\/B\b|\bBERHAD\b|\bLTD\b|\bPLT\b/i;
/** A registration number ("(509213A)", "(162761-M)", "002693074-K"): digits any reading may bend. */
const REGISTRATION = /\(?\s?[A-Z]?\d{4,}[\s-]?[A-Z]?\s?[)）]?/gi;

/**
 * The letters a reading of a name row says, as the store reader will take them: digits in a word of
 * letters read as the letters they look like (`S00N` → `SOON`), the legal suffix put back, and no digit,
 * space or mark (a registration number's digits are noise here; the name is its letters). Thai sara am read
 * as nikhahit + sara aa is the one letter (`ชํา` → `ชำ`), so a reading that lost the nikhahit (`ชา`) differs.
 */
export function nameRowLetters(text: string) {
  return correctStoreName(lettersForLookalikeDigits(composeSaraAm(text)))
    .value.toUpperCase()
    .replace(/[^\p{L}]/gu, '');
}

/** The words of a row reading (letters, digits and the marks names carry), registration numbers left out. */
function words(text: string) {
  return correctStoreName(text.replace(REGISTRATION, ' '))
    .value.split(/[\s,()]+/)
    .map((word) => word.replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, ''))
    .filter((word) => word !== '');
}

/**
 * The flaws of a reading of a name row that say its letters were misread, by features any store's name
 * shares (no store is looked up):
 * - words glued together: a word that holds a company word but is longer (`SANYOSTATIONERYSHOP`: the
 *   spaces between letters were not seen, and letters beside them likely misread too);
 * - digits inside a word of letters (`eC08Way.com`: a letter read as a digit).
 */
export function nameRowFlaws(text: string) {
  let flaws = 0;
  for (const word of words(text)) {
    const upper = word.toUpperCase();
    if (
      !COMPANY_WORD_SET.has(upper) &&
      upper.length > 5 &&
      [...COMPANY_WORD_SET].some((company) => company.length >= 4 && upper.includes(company))
    )
      flaws++;
    const letters = (upper.match(/\p{L}/gu) ?? []).length;
    const digits = (upper.match(/\d/g) ?? []).length;
    if (letters >= 2 && digits >= 1 && digits < letters) flaws++;
  }
  return flaws;
}

/**
 * How well a reading of a name row holds together as a name: company words (`data/company-words.data.ts`),
 * a legal suffix and a chain of the lexicon read as words of their own (+), each flaw (`nameRowFlaws`) (−).
 * Not which store it is: no name of a store is looked up (a chain of the lexicon printed exactly counts
 * as a company word would).
 */
export function nameRowShape(text: string) {
  let score = -nameRowFlaws(text);
  for (const word of words(text)) if (COMPANY_WORD_SET.has(word.toUpperCase())) score += 0.5;
  if (LEGAL_SUFFIX.test(correctStoreName(text).value)) score += 0.5;
  if (correctStoreName(text).chain) score += 0.5;
  return score;
}

/**
 * A name row's page reading is trusted below this confidence no more: PaddleOCR's recogniser reads most
 * rows of printed capitals at 0.9 or more, and its misread name rows (SROIE tuning: `CARDENIA …BHID`,
 * `eC08Way.com`) under it.
 */
export const NAME_ROW_SURE = 0.9;

/**
 * Whether a store name's row is worth reading again from its crop: its page reading is unsure (under
 * `NAME_ROW_SURE`) or flawed (`nameRowFlaws`: glued words, digits among letters). A row read surely and
 * whole is what another look would read too: on SROIE tuning, of the 94 name rows read again, every row
 * whose text another look replaced to the better was one of these (decision 008, 2026-12-06 midday).
 */
export function nameRowWorthRereading(row: { text: string; confidence?: number }) {
  return (row.confidence ?? 0) < NAME_ROW_SURE || nameRowFlaws(row.text) > 0;
}

/** What the page pass's own reading starts with: a second look must be closer to the others to replace it. */
const PAGE_BONUS = 0.5;
/** How much a reading's shape as a name (`nameRowShape`) counts beside the letters the readings share. */
const SHAPE_WEIGHT = 0.1;

/**
 * The reading of a store name's row to keep: the one the others agree with most, letter for letter (the
 * least edits to the other readings: a letter one look misread the others read right), the page pass's
 * on a tie. How well each holds together as a name (`nameRowShape`) weighs less than one letter; the
 * engines' confidences are on different scales, so a reading's own only breaks what is otherwise even.
 */
export function chooseNameRowReading(page: NameRowReading, others: NameRowReading[]): NameRowReading {
  const all = [page, ...others];
  const letters = all.map((reading) => nameRowLetters(reading.text));
  const scored = all.map((reading, i) => ({
    reading,
    score:
      -letters.reduce(
        (sum, other, j) => sum + (j === i ? 0 : all[j]!.confidence * editDistance(letters[i]!, other)),
        0,
      ) +
      (i === 0 ? PAGE_BONUS : 0) +
      SHAPE_WEIGHT * nameRowShape(reading.text) +
      0.01 * reading.confidence,
  }));
  scored.sort((a, b) => b.score - a.score);
  return scored[0]!.reading;
}
