import { COMPANY_WORDS, THAI_SHOP_WORDS } from './data/company-words.data.js';
import { STORE_CHAINS } from './data/store-chains.data.js';

export type StoreLexicon = { names: string[] };

/** The chain names of `data/store-chains.json` (TW and TH), longest first so the fullest name wins. */
export const DEFAULT_STORE_LEXICON: StoreLexicon = {
  names: [...STORE_CHAINS.TW, ...STORE_CHAINS.TH].sort((a, b) => b.length - a.length),
};

const CJK_OR_THAI = /[\u0E00-\u0E7F\u3400-\u9FFF]/;

/**
 * Malaysian and Singaporean legal suffixes as OCR bends them: `SON BHD`, `SIN BHD`, `SDH. BHZ`, `SDN.BHX`,
 * `5DN 8HD`, `SDN BHID`, `S/8`, `S/R`.
 */
const SDN_BHD = /\b[S5$][DOI0][NMH]\.?\s?[B8][HN][Il1]?[DZ0X]\b\.?/gi;
const S_SLASH_B = /(?<![\w/])[S5$]\/[8BR]\b/g;

export type StoreNameCorrection = {
  value: string;
  /** The chain name the line was matched to, when one was. */
  chain?: string;
  /** Characters changed to reach the chain name (0: printed exactly). */
  edits: number;
};

/**
 * Puts back what OCR bent in a store name: a legal suffix (`SON BHD` → `SDN BHD`) and, for Chinese and
 * Thai names, a chain name of the lexicon read with a character or two wrong (`梁爾富國際股份有限公司`
 * → `萊爾富國際股份有限公司`). Latin chain names must be printed exactly (one letter off is another word).
 */
export function correctStoreName(
  text: string,
  lexicon: StoreLexicon = DEFAULT_STORE_LEXICON,
): StoreNameCorrection {
  const value = correctCompanyWords(
    text
      .replace(SDN_BHD, (match) => (match === match.toUpperCase() ? 'SDN BHD' : 'Sdn Bhd'))
      .replace(S_SLASH_B, 'S/B'),
  );
  const compact = value.replace(/(?<=[\u0E00-\u0E7F\u3400-\u9FFF])\s+(?=[\u0E00-\u0E7F\u3400-\u9FFF])/g, '');
  // The closest chain wins, not the first within reach: 來來超商 printed exactly is not 統一超商 two
  // characters off.
  const skeleton = thaiSkeleton(compact);
  let best: { name: string; start: number; end: number; distance: number } | undefined;
  for (const name of lexicon.names) {
    if (!CJK_OR_THAI.test(name)) {
      if (value.toUpperCase().includes(name.toUpperCase())) return { value, chain: name, edits: 0 };
      continue;
    }
    const target = name.replace(/\s+/g, '');
    // A shorter name inside the fuller one already matched (愛買 in 遠東愛買股份有限公司) is the same
    // chain: the fuller name, with a character OCR lost put back, wins over its exact part.
    if (best && best.name.replace(/\s+/g, '').includes(target)) continue;
    const match = THAI.test(target)
      ? thaiWindow(compact, skeleton, target)
      : closestWindow(compact, target, allowedEdits(target));
    if (!match || (best && best.distance <= match.distance)) continue;
    const window = compact.slice(match.start, match.end);
    if (match.distance > 0 && !keepsDistinctivePart(window, target)) continue;
    // A Thai name whose letters are all there but a mark is bent is still a slip put back, not the name
    // printed exactly.
    if (match.distance === 0 && window !== target) match.distance = 1;
    best = { name, ...match };
    if (match.distance === 0) break;
  }
  if (!best) {
    const words = correctThaiShopWords(compact);
    return { value: words === compact ? value : words, edits: 0 };
  }
  // One or two Thai letters glued after a Thai chain's name are a speck read beside it (วิลล่า มาร์เก็ทง),
  // and so are one or two glued before it, a row's first word (วลวิลล่า มาร์เก็ท); so is a lone digit ending the
  // row after it (โลตัส 2, ซีเจ เอ็กซ์เพรส 3): no chain's name ends in one, a branch's number is printed on its
  // branch row (สาขา 0245), and a number of the name is printed whole (ลอว์สัน 108).
  const rest = THAI.test(best.name)
    ? compact
        .slice(best.end)
        .replace(/^[\u0E00-\u0E7F]{1,2}(?=\s|$)/, '')
        .replace(/^\s*\d\s*$/, '')
    : compact.slice(best.end);
  const before = THAI.test(best.name)
    ? compact.slice(0, best.start).replace(/(?<=^|\s)[\u0E00-\u0E7F]{1,2}$/, '')
    : compact.slice(0, best.start);
  return {
    value: `${before}${best.name}${rest}`,
    chain: best.name,
    edits: best.distance,
  };
}

const THAI = /[\u0E00-\u0E7F]/;
/** Thai vowel signs above and below the line, tone marks, the karan and the nikhahit. */
const THAI_MARK = /[\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]/;

/**
 * Thai text without what tesseract (tha) most often drops, adds or moves: the marks above and below the
 * letters (ใบเสรจ็รบัเงนิ for ใบเสร็จรับเงิน) and sara am read as nikhahit + sara aa (ประจํา for ประจำ), both
 * read as sara aa. `at[i]` is where the i-th kept character stands in `text`.
 */
export function thaiSkeleton(text: string) {
  let skeleton = '';
  const at: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (THAI_MARK.test(char) || /\s/.test(char)) continue;
    skeleton += char === '\u0E33' ? '\u0E32' : char;
    at.push(i);
  }
  return { text: skeleton, at };
}

/**
 * A Thai word that says what kind of shop it is (`THAI_SHOP_WORDS`) read with one letter wrong, put back
 * (มิบนิมาร์ท → มินิมาร์ท); compared on skeletons (`thaiSkeleton`), so a bent mark alone changes nothing.
 */
function correctThaiShopWords(text: string) {
  if (!THAI.test(text)) return text;
  let corrected = text;
  for (const word of THAI_SHOP_WORDS) {
    const skeleton = thaiSkeleton(corrected);
    const target = thaiSkeleton(word).text;
    const match = closestWindow(skeleton.text, target, 1);
    if (!match || match.distance === 0) continue;
    // Within a letter of two shop words (ซูเปอร์ / ซุปเปอร์มาร์เก็ต): no slip to put back.
    const read = skeleton.text.slice(match.start, match.end);
    const near = THAI_SHOP_WORDS.filter((other) => editDistance(read, thaiSkeleton(other).text) <= 1);
    if (near.length !== 1) continue;
    const start = skeleton.at[match.start]!;
    let end = skeleton.at[match.end - 1]! + 1;
    while (end < corrected.length && THAI_MARK.test(corrected[end]!)) end++;
    corrected = `${corrected.slice(0, start)}${word}${corrected.slice(end)}`;
  }
  return corrected;
}

/**
 * A Thai chain name matched on skeletons (`thaiSkeleton`), the slips allowed by the skeleton's length;
 * the window in `text`'s offsets, with the marks on its last letter.
 */
function thaiWindow(text: string, skeleton: ReturnType<typeof thaiSkeleton>, name: string) {
  const target = thaiSkeleton(name).text;
  const match = closestWindow(skeleton.text, target, allowedEdits(target));
  if (!match) return undefined;
  let end = skeleton.at[match.end - 1]! + 1;
  while (end < text.length && THAI_MARK.test(text[end]!)) end++;
  return { start: skeleton.at[match.start]!, end, distance: match.distance };
}

/** Letters OCR takes for one another in Latin print (either way round). */
const LOOKALIKE_LETTERS = new Set(
  ['MN', 'NH', 'HM', 'IL', 'OD', 'OQ', 'OC', 'CG', 'CE', 'EF', 'UV', 'UO', 'BE', 'RP', 'KX', 'VY'].flatMap(
    ([a, b]) => [`${a}${b}`, `${b}${a}`],
  ),
);
const COMPANY_WORD_SET = new Set<string>(COMPANY_WORDS);

/** Whether `read` is `word` with one letter bent into a look-alike (a letter lost or added may be a glued word). */
function isBentWord(read: string, word: string) {
  if (read.length !== word.length) return false;
  const differ = [...read].flatMap((char, i) => (char === word[i] ? [] : [`${char}${word[i]}`]));
  return differ.length === 1 && LOOKALIKE_LETTERS.has(differ[0]!);
}

/**
 * A company word (`data/company-words.data.ts`) OCR bent by one letter, put back: `SPEED NART` → `SPEED
 * MART`. Only a word that is not itself one is changed, and only into a single company word within reach.
 */
function correctCompanyWords(text: string) {
  return text.replace(/(?<![A-Za-z0-9])[A-Za-z]{4,}(?![A-Za-z0-9])/g, (token) => {
    const upper = token.toUpperCase();
    if (COMPANY_WORD_SET.has(upper)) return token;
    const near = COMPANY_WORDS.filter((word) => isBentWord(upper, word));
    if (near.length !== 1) return token;
    const word = near[0]!;
    return token === upper ? word : `${word[0]}${word.slice(1).toLowerCase()}`;
  });
}

/** Words any store name may carry: they say nothing about which store it is. */
const GENERIC_WORDS =
  /股份有限公司|有限公司|國際|便利商店|超級市場|超商|超市|商店|百貨|量販|門市|ซูเปอร์มาร์เก็ต|มาร์เก็ต|มินิมาร์ท|มาร์ท|ร้าน|บริษัท|จำกัด/g;

/**
 * Whether a window read close to a chain name still holds most of what names that chain (its words
 * other than the generic ones): "好好超商股份有限公司" is two characters from "統一超商股份有限公司", all
 * of them in the part that tells the stores apart — another store, not a slip.
 */
function keepsDistinctivePart(window: string, target: string) {
  // Thai compared without its marks (`thaiSkeleton`), as it was matched.
  const distinctive = [...thaiSkeleton(target.replace(GENERIC_WORDS, '')).text];
  if (distinctive.length === 0) return true;
  const read = new Set(thaiSkeleton(window).text);
  const kept = distinctive.filter((char) => read.has(char)).length;
  return kept * 2 >= distinctive.length;
}

/** Slips tolerated for a name of this length: none under 3 characters, one, two from 8. */
function allowedEdits(name: string) {
  const length = [...name].length;
  if (length < 3 || (/[\u0E00-\u0E7F]/.test(name) && length < 5)) return 0;
  return length >= 8 ? 2 : 1;
}

/** The window of `text` (length of `target` ± 1) closest to `target`, within `maxEdits`. */
function closestWindow(text: string, target: string, maxEdits: number) {
  const chars = [...text];
  const targetChars = [...target];
  const length = targetChars.length;
  let best: { start: number; end: number; distance: number; size: number; opens: boolean } | undefined;
  for (let size = Math.max(1, length - 1); size <= length + 1; size++) {
    for (let start = 0; start + size <= chars.length; start++) {
      if (!CJK_OR_THAI.test(chars[start] ?? '')) continue;
      // Only windows within `maxEdits` can be chosen, so the distance stops counting past it.
      const distance = editDistanceOf(chars, start, start + size, targetChars, maxEdits);
      if (distance > maxEdits) continue;
      // Of windows as close, one that starts where the name starts (a speck before it is then part of
      // the window put back), then one of the name's length.
      const opens = chars[start] === targetChars[0];
      const better =
        !best ||
        distance < best.distance ||
        (distance === best.distance && opens && !best.opens) ||
        (distance === best.distance &&
          opens === best.opens &&
          Math.abs(size - length) < Math.abs(best.size - length));
      if (better) {
        // Offsets in UTF-16 units for slicing.
        const prefix = chars.slice(0, start).join('').length;
        const window = chars.slice(start, start + size).join('');
        best = { start: prefix, end: prefix + window.length, distance, size, opens };
      }
    }
  }
  return best;
}

/**
 * The edit distance between `x[from, to)` and `y` (code points), exact up to `max`; past it, some number
 * above `max` (the count stops once every cell of a row is past it: a row's minimum never falls).
 */
function editDistanceOf(x: readonly string[], from: number, to: number, y: readonly string[], max: number) {
  let previous = Array.from({ length: y.length + 1 }, (_, i) => i);
  for (let i = 1; i <= to - from; i++) {
    const current = [i];
    let rowMin = i;
    for (let j = 1; j <= y.length; j++) {
      const cell = Math.min(
        previous[j]! + 1,
        current[j - 1]! + 1,
        previous[j - 1]! + (x[from + i - 1] === y[j - 1] ? 0 : 1),
      );
      current[j] = cell;
      if (cell < rowMin) rowMin = cell;
    }
    if (rowMin > max) return max + 1;
    previous = current;
  }
  return previous[y.length]!;
}

export function editDistance(a: string, b: string) {
  const x = [...a];
  return editDistanceOf(x, 0, x.length, [...b], Infinity);
}
