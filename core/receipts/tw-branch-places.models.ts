import { TW_TOWNSHIPS } from './data/tw-townships.data.js';
import { editDistance } from './store-lexicon.models.js';

/** 臺 and 台: one character written two ways (the post office writes 臺, receipts either). */
const unify = (text: string) => text.replace(/臺/g, '台');
const lettersOf = (text: string) => unify(text).replace(/[^\p{L}]/gu, '');

const TOWNSHIPS = Object.entries(TW_TOWNSHIPS).flatMap(([city, towns]) =>
  towns.map((town) => ({ town: unify(town), full: [...unify(city + town)] })),
);

/** At most this many characters of `city + township` bent for the address to name it (桃國市中堰區: 2). */
const MAX_BENT = 2;

/**
 * The township a Taiwan address names when OCR bent it: the one township of the post office's table
 * (`TW_TOWNSHIPS`) whose city and name are nearest, letter for letter, to the address's beginning, within
 * `MAX_BENT` characters (桃園市中區 → 中壢區: PaddleOCR has no 壢; 桃國市中堰區 → 中壢區). Undefined when the
 * address reads a township exactly (nothing to mend), when two townships are as near (no guess) or none is.
 */
export function bentTownship(address: string): string | undefined {
  const letters = [...lettersOf(address)];
  let best = Number.POSITIVE_INFINITY;
  let found: string[] = [];
  for (const { town, full } of TOWNSHIPS) {
    let distance = Number.POSITIVE_INFINITY;
    // The address goes on after its township (a road, a number): its beginning, a character more or less.
    for (let length = full.length - 1; length <= full.length + 1; length++)
      distance = Math.min(distance, editDistance(letters.slice(0, length).join(''), full.join('')));
    if (distance < best) {
      best = distance;
      found = [town];
    } else if (distance === best) found.push(town);
  }
  return best > 0 && best <= MAX_BENT && found.length === 1 ? found[0] : undefined;
}

const BRANCH_WORD = /(?:分公司|營業所|門市|分店|店)$/;

/**
 * A chain's branch named after its township, when OCR bent the branch and the address alike: PaddleOCR
 * reads 康是美…中壢店 as `中店` or `中提店` beside `桃園市中區` or `桃園市中縣區` (it has no 壢; tesseract's
 * second look reads `中靂`). The address still names one township (`bentTownship`); a branch place within
 * one character of that township's name (without 區/鄉/鎮/市, two characters or more) is it. The branch is
 * mended, never vouched for: the address read bent is no second reading of it (`findStore` keeps such a
 * name under 0.9). Undefined when there is nothing to mend.
 */
export function mendBranchPlace(name: string, chain: string, address: string | undefined) {
  if (!address) return undefined;
  const start = unify(name).indexOf(unify(chain));
  if (start < 0) return undefined;
  const rest = name.slice(start + chain.length);
  const branchWord = BRANCH_WORD.exec(rest)?.[0];
  if (!branchWord) return undefined;
  const place = rest.slice(0, rest.length - branchWord.length);
  const town = bentTownship(address);
  const stem = town?.replace(/[區鄉鎮市]$/, '');
  if (!stem || [...stem].length < 2 || place === '' || unify(place) === stem) return undefined;
  const lost = characterBentAway(unify(place), stem);
  // The branch must be bent where the address is: the stem's character it lost or changed is one the address
  // lost or changed too. A branch read right after a road or the next township (中正店 over 中山區 bent,
  // 永和店 over 中和區 bent) keeps a character the address prints, and is left as read.
  if (lost === undefined || unify(address).includes(lost)) return undefined;
  return `${name.slice(0, start + chain.length)}${stem}${branchWord}`;
}

/**
 * The one character of `stem` that `place` lost (中 for 中壢) or holds changed (中提 for 中壢); undefined when
 * the place is not the stem with one character dropped or replaced.
 */
function characterBentAway(place: string, stem: string): string | undefined {
  const placeChars = [...place];
  const stemChars = [...stem];
  for (let i = 0; i < stemChars.length; i++) {
    const dropped = [...stemChars.slice(0, i), ...stemChars.slice(i + 1)];
    const changed =
      placeChars.length === stemChars.length && placeChars.every((c, j) => j === i || c === stemChars[j]);
    if (changed || dropped.join('') === place) return stemChars[i];
  }
  return undefined;
}
