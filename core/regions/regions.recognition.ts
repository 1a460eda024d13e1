import {
  TAIWAN_POSTAL_PREFIXES,
  TAIWAN_REGIONS,
  TAIWAN_SHARED_NAMES,
  THAI_POSTCODE_EXCEPTIONS,
  THAI_POSTCODE_PREFIXES,
  THAILAND_REGIONS,
  type Country,
  type RegionSeed,
} from './regions.data.js';
import type { RegionCode } from './regions.models.js';

/** How the region was found in the text. */
export type RecognitionBasis =
  /** Its official name or an unambiguous spelling of it (臺北市, จังหวัดเชียงใหม่, Chon Buri, BKK). */
  | 'name'
  /** A short form without 市/縣 or an abbreviation (台北, อุบลฯ), a little less sure. */
  | 'short-name'
  /** A name from before a merger or upgrade (台北縣 → 新北市, 桃園縣 → 桃園市). */
  | 'former-name'
  /** A name two regions share (新竹, 嘉義), decided by the postcode. */
  | 'shared-name'
  /** The postcode alone (Taiwan's 3-digit prefix, Thailand's 5-digit code). */
  | 'postcode'
  /** แขวง and เขต, the subdistrict and district words only Bangkok uses. */
  | 'bangkok-district-terms';

/** Why this region won when the text names more than one. */
export type RecognitionRule =
  /** Every region the text names is this one. */
  | 'only-region-named'
  /** Several named: the one nearest the end (the address proper follows shop names and roads). */
  | 'last-named'
  /** Several named: the one in a Thai address's province field (จ./จังหวัด, `… Province`). */
  | 'province-field'
  /** No region named: the postcode decided. */
  | 'postcode';

export interface RegionRecognition {
  code: RegionCode;
  /** 0–1. Around 0.95 for an official or province-field name, 0.7 for a postcode alone, less when the
   * text also names other regions or the postcode disagrees. */
  confidence: number;
  matched: {
    /** The text that decided, as written in the input (`臺北市`, `จ.เชียงใหม่`, `10110`). */
    text: string;
    /** Where `text` starts in the input. */
    index: number;
    by: RecognitionBasis;
    rule: RecognitionRule;
    /** Other regions the text also names, which lost to `code`. */
    alsoNamed: RegionCode[];
    /** The postcode found, the regions it allows, and whether it agrees with `code`. */
    postcode?: { text: string; codes: RegionCode[]; agrees: boolean };
  };
}

export interface RecognizeRegionOptions {
  /** Only look for this country's regions and postcodes. @default both, guessed from the text */
  country?: Country;
}

type Script = 'han' | 'thai' | 'latin';

interface Alias {
  text: string;
  codes: readonly RegionCode[];
  country: Country;
  basis: Exclude<RecognitionBasis, 'postcode' | 'bangkok-district-terms'>;
  confidence: number;
  /** Written in the other country's script (清邁 for Chiang Mai, ไทเป for Taipei): needs that country's context. */
  foreign: boolean;
}

interface Candidate {
  alias: Alias;
  codes: readonly RegionCode[];
  start: number;
  end: number;
  provinceField: boolean;
  /** Where the evidence starts, including a จ./จังหวัด prefix. */
  evidenceStart: number;
}

interface Normalized {
  text: string;
  /** origin[i] is the input index of normalized character i; origin[text.length] is the input's length. */
  origin: number[];
}

/**
 * One pass that keeps every character's place in the input: full-width forms to ASCII, 臺 → 台, Thai
 * digits to ASCII, ASCII letters lower-cased, zero-width spaces (common in Thai text) dropped, and the
 * decomposed Thai sara am (ํ + า, as some keyboards and OCR produce it) composed.
 */
// Characters `normalize` changes; most receipt addresses have none, and then they are their own result.
const NEEDS_NORMALIZING = /[A-Z\u00a0\u200b-\u200d\u3000\ufeff\uff01-\uff5e\u0e50-\u0e59臺]/;
const THAI_NIKHAHIT = '\u0e4d';

function normalize(input: string): Normalized {
  if (!NEEDS_NORMALIZING.test(input) && !input.includes(THAI_NIKHAHIT)) {
    return { text: input, origin: Array.from({ length: input.length + 1 }, (_, index) => index) };
  }
  let text = '';
  const origin: number[] = [];
  for (let index = 0; index < input.length; index++) {
    const code = input.charCodeAt(index);
    let out: string;
    if (code >= 0xff01 && code <= 0xff5e) out = String.fromCharCode(code - 0xfee0);
    else if (code === 0x3000 || code === 0xa0) out = ' ';
    else if (code === 0x200b || code === 0x200c || code === 0x200d || code === 0xfeff) continue;
    else if (code >= 0x0e50 && code <= 0x0e59) out = String.fromCharCode(code - 0x0e50 + 0x30);
    else if (code === 0x0e4d && input.charCodeAt(index + 1) === 0x0e32) {
      text += '\u0e33';
      origin.push(index);
      index++;
      continue;
    } else if (input[index] === '臺') out = '台';
    else out = input[index]!;
    if (out >= 'A' && out <= 'Z') out = out.toLowerCase();
    text += out;
    origin.push(index);
  }
  origin.push(input.length);
  return { text, origin };
}

const HAN = /\p{Script=Han}/u;
const THAI_CHAR = /[\u0e00-\u0e7f]/;

function scriptOf(text: string): Script {
  if (HAN.test(text[0]!)) return 'han';
  if (THAI_CHAR.test(text[0]!)) return 'thai';
  return 'latin';
}

function compactLatin(text: string): string {
  return text.toLowerCase().replace(/[^a-z]/g, '');
}

function buildAliases(): Alias[] {
  const aliases: Alias[] = [];
  const add = (
    seed: { code: RegionCode } | { codes: readonly RegionCode[] },
    country: Country,
    name: string,
    basis: Alias['basis'],
    confidence: number,
  ) => {
    const text = normalize(name).text;
    const script = scriptOf(text);
    const foreign = country === 'TW' ? script === 'thai' : script === 'han';
    aliases.push({
      text,
      codes: 'code' in seed ? [seed.code] : seed.codes,
      country,
      basis,
      confidence: foreign ? Math.min(confidence, 0.8) : confidence,
      foreign,
    });
  };

  const addSeed = (seed: RegionSeed, country: Country) => {
    const isBangkok = seed.code === 'TH-10';
    add(seed, country, seed.zhTW, 'name', 0.95);
    add(seed, country, seed.th, 'name', 0.9);
    add(seed, country, seed.en, 'name', 0.9);
    // People write Thai provinces in Chinese with and without 府.
    if (country === 'TH' && !seed.zhTW.endsWith('府') && seed.zhTW.length > 1) {
      add(seed, country, `${seed.zhTW}府`, 'name', 0.8);
    }
    if (country === 'TH' && seed.zhTW.endsWith('府') && seed.zhTW.length > 2) {
      add(seed, country, seed.zhTW.slice(0, -1), 'short-name', 0.8);
    }
    // The Thai name with its official prefix stripped (นครไทเป → ไทเป) comes from the aliases.
    for (const alias of seed.aliases ?? []) {
      const script = scriptOf(normalize(alias).text);
      const isCountySeat = script === 'han' && /[市縣]$/.test(alias);
      const basis = isBangkok || script === 'latin' || isCountySeat ? 'name' : 'short-name';
      add(seed, country, alias, basis, basis === 'name' ? 0.9 : 0.8);
    }
    for (const former of seed.formerNames ?? []) add(seed, country, former, 'former-name', 0.9);
  };

  for (const seed of TAIWAN_REGIONS) addSeed(seed, 'TW');
  for (const seed of THAILAND_REGIONS) addSeed(seed, 'TH');
  for (const shared of TAIWAN_SHARED_NAMES) add(shared, 'TW', shared.name, 'shared-name', 0.85);
  return aliases;
}

interface AliasIndex {
  /** Han and Thai aliases by first character, longest first. */
  byFirstChar: Map<string, Alias[]>;
  /** Latin aliases by their letters only (`chonburi` for Chon Buri, Chonburi, Chon-Buri). */
  latin: Map<string, Alias>;
  maxLatinWords: number;
}

function buildIndex(): AliasIndex {
  const byFirstChar = new Map<string, Alias[]>();
  const latin = new Map<string, Alias>();
  let maxLatinWords = 1;
  for (const alias of buildAliases()) {
    if (scriptOf(alias.text) === 'latin') {
      const key = compactLatin(alias.text);
      const existing = latin.get(key);
      if (existing && existing.codes.join() !== alias.codes.join()) {
        throw new Error(`regions: "${alias.text}" names ${existing.codes} and ${alias.codes}`);
      }
      if (!existing || existing.confidence < alias.confidence) latin.set(key, alias);
      maxLatinWords = Math.max(maxLatinWords, alias.text.split(/[\s-]+/).length);
    } else {
      const list = byFirstChar.get(alias.text[0]!) ?? [];
      if (!list.some((other) => other.text === alias.text)) list.push(alias);
      byFirstChar.set(alias.text[0]!, list);
    }
  }
  for (const list of byFirstChar.values()) list.sort((a, b) => b.text.length - a.text.length);
  return { byFirstChar, latin, maxLatinWords };
}

function buildTaiwanPostalAreas(): Map<string, RegionCode> {
  const areas = new Map<string, RegionCode>();
  for (const [code, ranges] of Object.entries(TAIWAN_POSTAL_PREFIXES)) {
    for (const range of ranges.split(',')) {
      const [from, to = from] = range.split('-').map(Number) as [number, number?];
      for (let prefix = from; prefix <= to; prefix++) areas.set(String(prefix), code);
    }
  }
  return areas;
}

// Built once at module load: a few hundred aliases and postal areas.
const INDEX = buildIndex();
const TAIWAN_POSTAL_AREAS = buildTaiwanPostalAreas();

// After a short name (台北, 基隆) these make it a road, a bank or another place (基隆路 is in Taipei,
// 新北投 is a Taipei neighbourhood).
const HAN_NOT_A_REGION_AFTER = ['路', '街', '大道', '巷', '弄', '投', '銀行', '富邦', '商銀'];
// A Thai name right after these is a road, a district, a bank or a hospital named after a province
// (ถ.เพชรบุรี and ถ.พิษณุโลก are in Bangkok; ธนาคารกรุงเทพ has branches everywhere).
const THAI_NOT_A_REGION_AFTER = [
  'ถ.',
  'ถนน',
  'ซ.',
  'ซอย',
  'อ.',
  'อำเภอ',
  'ต.',
  'ตำบล',
  'แขวง',
  'เขต',
  'หมู่บ้าน',
  'ม.',
  'ธ.',
  'ธนาคาร',
  'รพ.',
  'โรงพยาบาล',
  'มหาวิทยาลัย',
];
const THAI_PROVINCE_FIELD = ['จังหวัด', 'จ.', 'จว.'];
// Words that may follow a Thai name directly (no spaces in Thai): the next address part.
const THAI_NEXT_PART = [
  'จังหวัด',
  'จ.',
  'อำเภอ',
  'อ.',
  'ตำบล',
  'ต.',
  'แขวง',
  'เขต',
  'ประเทศ',
  'รหัส',
  'ไปรษณีย์',
  'โทร',
  'ถนน',
  'ถ.',
];
const LATIN_NOT_A_REGION_BEFORE = new Set(['soi', 'thanon', 'trok']);
const LATIN_NOT_A_REGION_AFTER = new Set([
  'rd',
  'road',
  'st',
  'street',
  'ave',
  'avenue',
  'blvd',
  'boulevard',
  'ln',
  'lane',
  'alley',
  'aly',
  'expressway',
  'hwy',
  'highway',
  'bank',
  'hospital',
  'university',
]);

const THAI_LEADING_VOWEL = /[\u0e40-\u0e44]/;
// Thai consonants, vowels and tone marks: a name followed by one of these is part of a longer word
// (ตาก in ตากสิน). ฯ (U+0E2F), ๆ (U+0E46) and Thai digits end a word.
function isThaiWordChar(char: string | undefined): boolean {
  const code = char?.charCodeAt(0) ?? 0;
  return code >= 0x0e01 && code <= 0x0e4e && code !== 0x0e2f && code !== 0x0e46;
}

function endsWithAny(text: string, end: number, words: readonly string[]): string | undefined {
  const before = text.slice(Math.max(0, end - 14), end).trimEnd();
  return words.find((word) => before.endsWith(word));
}

function findHanAndThaiCandidates(text: string): Candidate[] {
  const candidates: Candidate[] = [];
  let index = 0;
  while (index < text.length) {
    const aliases = INDEX.byFirstChar.get(text[index]!);
    const found = aliases && matchAt(text, index, aliases);
    if (found) {
      candidates.push(found);
      index = found.end;
    } else index++;
  }
  return candidates;
}

function matchAt(text: string, start: number, aliases: Alias[]): Candidate | undefined {
  for (const alias of aliases) {
    if (!text.startsWith(alias.text, start)) continue;
    const end = start + alias.text.length;
    const after = text.slice(end);
    if (scriptOf(alias.text) === 'han') {
      if (alias.basis === 'short-name' || alias.basis === 'shared-name') {
        if (HAN_NOT_A_REGION_AFTER.some((word) => after.startsWith(word))) continue;
      }
      return { alias, codes: alias.codes, start, end, provinceField: false, evidenceStart: start };
    }
    // Thai: no spaces between words, so check both edges of the name.
    if (start > 0 && THAI_LEADING_VOWEL.test(text[start - 1]!)) continue;
    if (isThaiWordChar(after[0]) && !THAI_NEXT_PART.some((word) => after.startsWith(word))) continue;
    if (/^\s?-\s?[^\d\s]/.test(after) || /[^\s\d]\s?-\s?$/.test(text.slice(Math.max(0, start - 3), start))) {
      continue; // ถ.เชียงใหม่-ลำปาง: a route named after two provinces
    }
    if (endsWithAny(text, start, THAI_NOT_A_REGION_AFTER)) continue;
    const field = endsWithAny(text, start, THAI_PROVINCE_FIELD);
    const evidenceStart = field ? text.lastIndexOf(field, start) : start;
    return { alias, codes: alias.codes, start, end, provinceField: !!field, evidenceStart };
  }
  return undefined;
}

interface Token {
  word: string;
  start: number;
  end: number;
}

function findLatinCandidates(text: string): Candidate[] {
  const tokens: Token[] = [...text.matchAll(/[a-z]+/g)].map((match) => ({
    word: match[0],
    start: match.index,
    end: match.index + match[0].length,
  }));
  const gap = (left: number) => text.slice(tokens[left]!.end, tokens[left + 1]?.start ?? text.length);
  const candidates: Candidate[] = [];
  let index = 0;
  while (index < tokens.length) {
    let found: { alias: Alias; last: number } | undefined;
    let key = '';
    for (let last = index; last < tokens.length && last < index + INDEX.maxLatinWords + 1; last++) {
      if (last > index && !/^[\s-]+$/.test(gap(last - 1))) break;
      key += tokens[last]!.word;
      const alias = INDEX.latin.get(key);
      if (alias) found = { alias, last };
    }
    if (!found) {
      index++;
      continue;
    }
    const { alias, last } = found;
    const previous = tokens[index - 1];
    const next = tokens[last + 1];
    const gluedBefore = previous && gap(index - 1) === '-';
    const gluedAfter = next && gap(last) === '-';
    const isPlaceName =
      !gluedBefore &&
      !gluedAfter &&
      !(previous && LATIN_NOT_A_REGION_BEFORE.has(previous.word) && /^[\s.]+$/.test(gap(index - 1))) &&
      !(next && LATIN_NOT_A_REGION_AFTER.has(next.word) && /^\s+$/.test(gap(last)));
    if (isPlaceName) {
      const provinceField =
        (next?.word === 'province' && /^\s+$/.test(gap(last))) ||
        (previous?.word === 'changwat' && /^\s+$/.test(gap(index - 1)));
      const start = tokens[index]!.start;
      candidates.push({
        alias,
        codes: alias.codes,
        start,
        end: tokens[last]!.end,
        provinceField,
        evidenceStart: start,
      });
    }
    index = last + 1;
  }
  return candidates;
}

interface Postcode {
  text: string;
  start: number;
  end: number;
  country: Country;
  codes: RegionCode[];
}

function thaiPostcodeRegions(digits: string): RegionCode[] {
  const exception = THAI_POSTCODE_EXCEPTIONS[digits];
  if (exception) return [...exception];
  const province = THAI_POSTCODE_PREFIXES[digits.slice(0, 2)];
  return province ? [province] : [];
}

/** The last 5-digit group that is a Thai postcode (not part of a phone number, tax ID or house number). */
function findThaiPostcode(text: string): Postcode | undefined {
  let found: Postcode | undefined;
  for (const match of text.matchAll(/(?<![\d/.-])\d{5}(?![\d/])/g)) {
    const codes = thaiPostcodeRegions(match[0]);
    if (codes.length > 0) {
      found = { text: match[0], start: match.index, end: match.index + 5, country: 'TH', codes };
    }
  }
  return found;
}

/**
 * A Taiwanese postcode (3, 5 or 6 digits; the first three name the area) where addresses print it: at the
 * start, before the city (`106台北市…`, `地址：10617 臺北市…`), or after an English city (`Taipei City 110`).
 * A number elsewhere is a house number, not a postcode (中山路100號).
 */
function findTaiwanPostcode(text: string, candidates: Candidate[]): Postcode | undefined {
  const toPostcode = (digits: string, start: number): Postcode | undefined => {
    const code = TAIWAN_POSTAL_AREAS.get(digits.slice(0, 3));
    return code
      ? { text: digits, start, end: start + digits.length, country: 'TW', codes: [code] }
      : undefined;
  };
  const leading =
    /^[\s([（【]*(?:(?:營業|門市)?地址|住址|address|addr|add)?\.?\s*[:：]?\s*(\d{3}(?:\d{2,3})?)(?!\d)\s*(?=\p{Script=Han})/u.exec(
      text,
    );
  if (leading) return toPostcode(leading[1]!, leading.index + leading[0].indexOf(leading[1]!));
  for (const candidate of candidates) {
    if (candidate.alias.country !== 'TW') continue;
    // Taipei 101 is a building, not a postcode: an unknown number lets the next candidate try.
    const before = /(?<!\d)(\d{3}(?:\d{2,3})?)\s?$/.exec(text.slice(0, candidate.start));
    const found = before && toPostcode(before[1]!, before.index);
    if (found) return found;
    const after = /^[\s,]+(\d{3}(?:\d{2,3})?)(?![\d/-])/.exec(text.slice(candidate.end));
    const following = after && toPostcode(after[1]!, candidate.end + after[0].indexOf(after[1]!));
    if (following) return following;
  }
  return undefined;
}

function countryNamedIn(text: string): Country | undefined {
  const taiwan = /台灣|台湾|中華民國|taiwan|r\.o\.c|ไต้หวัน/.test(text);
  const thailand = /泰國|泰国|thailand|ประเทศไทย/.test(text);
  if (taiwan === thailand) return undefined;
  return taiwan ? 'TW' : 'TH';
}

const round = (value: number) => Math.round(Math.min(0.99, Math.max(0.05, value)) * 100) / 100;

/**
 * Finds the Taiwanese county/city or Thai province in a free-text address (a receipt's seller address, a
 * member's typed address) in Chinese, Thai or English. Returns undefined rather than guess: a district
 * alone (中正區 is in Taipei and in Keelung), a shared name without a postcode (新竹), or a road named
 * after a city (中山路, 基隆路 without 市) decide nothing. Rules: docs/decisions/010-regions.md.
 */
export function recognizeRegion(
  address: string,
  options: RecognizeRegionOptions = {},
): RegionRecognition | undefined {
  if (typeof address !== 'string' || address.trim() === '') return undefined;
  const { text, origin } = normalize(address);
  const original = (start: number, end: number) => address.slice(origin[start], origin[end]);
  const named = options.country ?? countryNamedIn(text);

  let candidates = [...findHanAndThaiCandidates(text), ...findLatinCandidates(text)]
    .filter((candidate) => !options.country || candidate.alias.country === options.country)
    .filter((candidate) => !candidate.alias.foreign || candidate.alias.country === named)
    .sort((a, b) => a.start - b.start);
  if (named && candidates.some((candidate) => candidate.alias.country === named)) {
    candidates = candidates.filter((candidate) => candidate.alias.country === named);
  }

  const wants = (country: Country) =>
    options.country === country ||
    (!options.country &&
      (named === country ||
        candidates.some((candidate) => candidate.alias.country === country) ||
        (country === 'TH' ? THAI_CHAR.test(text) : HAN.test(text))));
  const postcodes = [
    wants('TW') ? findTaiwanPostcode(text, candidates) : undefined,
    wants('TH') ? findThaiPostcode(text) : undefined,
  ].filter((postcode): postcode is Postcode => postcode !== undefined);

  const postcodeFor = (country: Country) => postcodes.find((postcode) => postcode.country === country);

  // A shared name (新竹) counts only when the postcode picks one of its regions.
  candidates = candidates.flatMap((candidate) => {
    if (candidate.codes.length === 1) return [candidate];
    const allowed = postcodeFor(candidate.alias.country)?.codes ?? [];
    const codes = candidate.codes.filter((code) => allowed.includes(code));
    return codes.length === 1 ? [{ ...candidate, codes }] : [];
  });

  if (candidates.length === 0) {
    return recognizeWithoutNames(text, origin, original, postcodes, options.country ?? named);
  }

  const inProvinceField = candidates.filter((candidate) => candidate.provinceField);
  const ranked = inProvinceField.length > 0 ? inProvinceField : candidates;
  const winner = ranked[ranked.length - 1]!;
  const code = winner.codes[0]!;
  const alsoNamed = [...new Set(candidates.flatMap((candidate) => candidate.codes))].filter(
    (other) => other !== code,
  );
  const postcode = postcodeFor(winner.alias.country);
  const agrees = postcode ? postcode.codes.includes(code) : undefined;

  let confidence = winner.provinceField ? Math.max(winner.alias.confidence, 0.95) : winner.alias.confidence;
  if (agrees === true) confidence += 0.04;
  if (agrees === false) confidence -= 0.25;
  if (alsoNamed.length > 0) confidence -= 0.1;

  return {
    code,
    confidence: round(confidence),
    matched: {
      text: original(winner.evidenceStart, winner.end),
      index: origin[winner.evidenceStart]!,
      by: winner.alias.basis,
      rule:
        alsoNamed.length === 0
          ? 'only-region-named'
          : inProvinceField.length > 0
            ? 'province-field'
            : 'last-named',
      alsoNamed,
      ...(postcode && {
        postcode: { text: original(postcode.start, postcode.end), codes: postcode.codes, agrees: agrees! },
      }),
    },
  };
}

function recognizeWithoutNames(
  text: string,
  origin: number[],
  original: (start: number, end: number) => string,
  postcodes: Postcode[],
  country: Country | undefined,
): RegionRecognition | undefined {
  const bangkokTerms =
    country !== 'TW' &&
    ((text.includes('แขวง') && text.includes('เขต')) || (/\bkhwaeng\b/.test(text) && /\bkhet\b/.test(text)));
  const thaiPostcode = postcodes.find((postcode) => postcode.country === 'TH');
  if (bangkokTerms) {
    const start = Math.max(text.indexOf('เขต'), text.indexOf('khet'));
    const agrees = thaiPostcode ? thaiPostcode.codes.includes('TH-10') : undefined;
    return {
      code: 'TH-10',
      confidence: round(0.75 + (agrees === true ? 0.04 : agrees === false ? -0.25 : 0)),
      matched: {
        text: original(start, start + (text.startsWith('เขต', start) ? 3 : 4)),
        index: origin[start]!,
        by: 'bangkok-district-terms',
        rule: 'only-region-named',
        alsoNamed: [],
        ...(thaiPostcode && {
          postcode: {
            text: original(thaiPostcode.start, thaiPostcode.end),
            codes: thaiPostcode.codes,
            agrees: agrees!,
          },
        }),
      },
    };
  }
  // Postcodes of both countries and nothing else to tell them apart: don't guess.
  if (postcodes.length !== 1) return undefined;
  const [postcode] = postcodes as [Postcode];
  if (postcode.codes.length !== 1) return undefined;
  return {
    code: postcode.codes[0]!,
    confidence: 0.7,
    matched: {
      text: original(postcode.start, postcode.end),
      index: origin[postcode.start]!,
      by: 'postcode',
      rule: 'postcode',
      alsoNamed: [],
      postcode: { text: original(postcode.start, postcode.end), codes: postcode.codes, agrees: true },
    },
  };
}
