import { COMPANY_WORDS } from './data/company-words.data.js';
import { DEFAULT_STORE_LEXICON } from './store-lexicon.models.js';

const COMPANY_WORD_SET = new Set<string>(COMPANY_WORDS);
/** Company words longest first, so `SUPERMARKET` is found before `MARKET`. */
const BY_LENGTH = [...COMPANY_WORDS].sort((a, b) => b.length - a.length);
/** Malaysia's legal suffix as one glued piece, or its first half before `BHD` on its own. */
const SUFFIX_PIECES = ['SDNBHD', 'SDN'];
/** A company word split off the end of a glued word without a company word before it: six letters or more. */
const SPLIT_OFF_END = 6;
/** A company word split off the start of a glued word: six letters or more, and a name of four after it. */
const SPLIT_OFF_START = 6;
const NAME_AFTER_START = 4;

/**
 * The pieces `rest` is made of when it is company words and legal suffix pieces only (`SHOP`, `SDNBHD`,
 * `SUPPLIES`), else undefined.
 */
function companyPieces(rest: string): string[] | undefined {
  if (rest === '') return [];
  for (const piece of [...SUFFIX_PIECES, ...BY_LENGTH]) {
    if (!rest.startsWith(piece)) continue;
    const tail = companyPieces(rest.slice(piece.length));
    if (tail) return [piece === 'SDNBHD' ? 'SDN BHD' : piece, ...tail];
  }
  return undefined;
}

/**
 * An upper-case word OCR read without the spaces between its words, split where a company word
 * (`data/company-words.data.ts`) or the legal suffix starts: `SANYUSTATIONERYSHOP` → `SANYU STATIONERY
 * SHOP`, `ACMEINTERNATIONALSDNBHD` → `ACME INTERNATIONAL SDN BHD`, `RESTAURANTMAJU` → `RESTAURANT MAJU`.
 * Only where what follows the company word is company words too (so `STATIONERS` is not `STATION ERS`), a
 * short word split off the end only after another company word (`SMART` is not `S MART`), and a word split
 * off the start only before a name of four letters or more. Letters are never changed.
 */
function splitGluedWord(token: string): string {
  if (COMPANY_WORD_SET.has(token) || token.length < 5) return token;
  for (let start = 1; start < token.length; start++) {
    const rest = companyPieces(token.slice(start));
    if (!rest || rest.length === 0) continue;
    const prefix = token.slice(0, start);
    const alone = rest.length === 1 && !COMPANY_WORD_SET.has(prefix);
    if (alone && rest[0]!.length < SPLIT_OFF_END && rest[0] !== 'SDN BHD') continue;
    return [splitGluedWord(prefix), ...rest].join(' ');
  }
  for (const word of BY_LENGTH) {
    if (word.length < SPLIT_OFF_START || !token.startsWith(word)) continue;
    const after = token.slice(word.length);
    if (after.length >= NAME_AFTER_START) return `${word} ${after}`;
  }
  return token;
}

/** Chains of the lexicon, upper case: a chain printed as one word (`FamilyMart`) is never split. */
const CHAINS = new Set(DEFAULT_STORE_LEXICON.names.map((name) => name.toUpperCase()));

/**
 * A Latin store name as the receipt prints it, with the spaces OCR did not see put back — the letters
 * unchanged: a legal suffix glued to the word before it (`HARDWARESDN BHD`, `…SDN.BHD`), upper-case words
 * glued at a company word (`splitGluedWord`), and two capitalised words glued (`GoldenScoop` → `Golden
 * Scoop`, each of four letters or more: `McDonald` stays; a chain of the lexicon, `FamilyMart`, too).
 */
export function spaceGluedWords(name: string): string {
  if (/[^\p{Script=Latin}\p{N}\p{P}\p{S}\s]/u.test(name)) return name;
  return name
    .replace(/(?<=[A-Z]{2})SDN\.?(?=\s?BHD\b)/g, ' SDN ')
    .replace(/\bSDN\s*\.?\s*BHD\b/g, 'SDN BHD')
    .replace(/(?<![A-Za-z])[A-Z]{5,}(?![A-Za-z])/g, splitGluedWord)
    .replace(/\b[A-Z][a-z]{3,}[A-Z][a-z]{3,}\b/g, (word) =>
      CHAINS.has(word.toUpperCase()) ? word : word.replace(/(?<=[a-z])(?=[A-Z])/, ' '),
    )
    .replace(/\s+/g, ' ')
    .trim();
}
