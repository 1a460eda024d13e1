import { findDates } from './receipt-dates.models.js';
import { relabel, round2, type Line } from './receipt-lines.models.js';
import { THAI_NAME_END_WORDS, THAI_SHOP_WORDS } from './data/company-words.data.js';
import { isThaiLabelRow } from './receipt-thai-labels.models.js';
import { correctStoreName, thaiSkeleton } from './store-lexicon.models.js';
import { spaceGluedWords } from './store-name-spacing.models.js';
import { withoutUnsureTrailingSpeck } from './thai-name-specks.models.js';
import { mendBranchPlace } from './tw-branch-places.models.js';

const GENERIC_HEADER =
  /TAX\s?INVOICE|SIMPLIFIED|RECEIPT|INVOICE|WELCOME|CASH\s?BILL|OFFICIAL|ใบเสร็จ|ใบกำกับ|ใบกํากับ|統一發票|收銀機|電子發票|證明聯|THANK/i;
const COMPANY_HINT =
  /SDN\.?\s?BHD|\bBHD\b|BERHAD|ENTERPRISE|TRADING|\bSTORE\b|RESTAURANT|RESTORAN|\bMART\b|MARKET|HARDWARE|STATIONERY|BOOK|\bCAFE\b|BAKERY|PHARMACY|\bCO\b|COMPANY|\bLTD\b|LIMITED|\bPLT\b|\bINC\b|SUPERMARKET|KEDAI|ห้าง|บริษัท|ร้าน|มาร์ท|จำกัด|股份有限公司|有限公司|商店|超市|便利|商行/i;
const ADDRESS_HINT =
  /\bJALAN\b|\bJLN\b|\bLORONG\b|\bTAMAN\b|\bROAD\b|\bRD\b|\bSTREET\b|\bST\b|\bLOT\b|\bNO\.?\s?\d|\bKM\b|\bJOHOR\b|SELANGOR|KUALA|LUMPUR|\bKL\b|PERAK|PENANG|PULAU|MELAKA|BANDAR|\d{5}|ถนน|ถ\.|ต\.|อ\.|จ\.|แขวง|เขต|ซอย|縣|市|區|路|街|號/i;
const PHONE_OR_ID =
  /\bTEL\b|\bFAX\b|PHONE|\bGST\s?(?:NO|ID|REG)|CO\.?\s?REG|REG\.?\s?NO|\(\d{5,}-[A-Z]\)|\d{6,}-[A-Z]\b/i;

/**
 * Thai rows that never name the store, matched without the marks tesseract drops or moves (`thaiSkeleton`):
 * the receipt's title (ใบเสร็จรับเงิน, ใบกำกับภาษีอย่างย่อ), its thanks (ขอบคุณ…) and the seller's tax ID label
 * (เลขประจำตัวผู้เสียภาษี) or a Thai tax ID's 13 digits.
 */
const THAI_TITLE_SKELETON = /ใบเสรจ|รบเงน|ใบกากบ|ภาษอยางยอ|ขอบคณ/;
const THAI_TAX_ID_SKELETON = /เลขประจาตว|ผเสยภาษ|(?<!\d)\d{13}(?!\d)/;

/** A row's date label ("Date:", "Date :", "Tarikh:"), its date beside it whatever OCR made of it. */
const DATE_LABEL = /\b(?:DATE|TARIKH)\s?:/i;

/** Two rows printed in one size (their boxes' heights within 15 %); unknown without boxes. */
function sameSize(a: Line, b: Line) {
  if (!a.box || !b.box) return false;
  const ratio = (a.box.y1 - a.box.y0) / (b.box.y1 - b.box.y0);
  return ratio > 0.85 && ratio < 1 / 0.85;
}

/** The share of a row's characters that are letters; a Thai vowel or tone mark is part of its letter. */
export function letterRatio(text: string) {
  const letters = [...text].filter((char) => /\p{L}|\p{M}/u.test(char)).length;
  return text.length === 0 ? 0 : letters / text.replace(/\s/g, '').length;
}

/**
 * A company line as a name: without its registration number ("99 SPEED MART S/B (519537-X)",
 * "Sdn Bhd (72828441)", its digits read as look-alike letters: "(I393S6X)", its first digit as any letter: "(R1497-F)")
 * and with the legal suffix OCR bent put back ("SDN 3HD" → "SDN BHD").
 */
const REGISTRATION_NUMBER =
  /\(\s?[A-Z]?\d{4,}[\s-]?[A-Z]?\s?\)|\(\s?[A-Z]{1,3}\d{6,}(?:[\s-]?[A-Z])?\s?\)|\(\s?(?=(?:[^)]*\d){4})[\dIlSO]{5,9}[\s-]?[A-Z]?\s?\)|\(\s?\d{5,}[\s-]?[A-Z]?\s*$|(?<=[A-Za-z.)]\s?)\s\d{5,}-[A-Z]\s*$/gi;
/**
 * A row that is a company registration number alone: "(162761-M)", "002693074-K", "(CO. REG 860671-D)", or a
 * business's, after its state's letters: "(M0517726)", "JM0517726-X"; its label as receipts print it
 * (`REGISTRATION_ROW_LABEL`).
 */
const REGISTRATION_ROW_LABEL = String.raw`(?:C[O0]MPANY|C[O0]|ROC|BRN)?[\s.-]*(?:REG(?:ISTRATION)?\.?[\s.-]*)?(?:N[O0]\.?)?`;
const REGISTRATION_ROW = new RegExp(
  String.raw`^\s*\(?\s?(?:${REGISTRATION_ROW_LABEL}[.\s:]*)?(?:[IlS5]?\d{5,}[\s-]?[A-Z]|[A-Z]{1,3}\d{6,}(?:[\s-]?[A-Z])?)\s?\)?\s*$`,
  'i',
);
/** "(Co. No: 120154-T)", "(GST Reg No …": a registration printed after the name, to the end of the row. */
const REGISTRATION_LABEL = /\s*\(\s?(?:C[O0a]\.?\s?(?:N[O0oe]|REG)|GST|REG|ROC)\b.*$/i;
/** Malaysia's "(M)" before the legal suffix, as OCR bends it: "(H)", "(#)", "(MD)", "(N)". */
const MALAYSIA_MARK = /\((?:H|#|MD|N|W|NM|IM|I4|HM)\)\s?(?=SDN|BHD|S\/B)/gi;

/** In a word of letters, digits OCR swapped for look-alike letters: "D.1.Y." → "D.I.Y.", "C0." → "CO.". */
export function lettersForLookalikeDigits(text: string) {
  return text.replace(/[A-Za-z0-9.&'-]+/g, (token) => {
    const letters = (token.match(/[A-Za-z]/g) ?? []).length;
    const digits = (token.match(/\d/g) ?? []).length;
    if (letters < 2 || !/[015]/.test(token) || /[2-46-9]/.test(token) || digits > letters) return token;
    return token.replace(/0/g, 'O').replace(/1/g, 'I').replace(/5/g, 'S');
  });
}

/** Full-width brackets and colons PaddleOCR reads in Latin rows: `（126926-H)`, `Dimiliki：`. */
const asciiPunctuation = (text: string) =>
  text
    .replace(/（/g, '(')
    .replace(/）/g, ')')
    .replace(/：/g, ':')
    // …and tesseract's braces around a registration number: `{169608-A)`.
    .replace(/\{(?=\s?[IlS5]?\d{4,}[\s-]?[A-Z]?\s?[)}])/g, '(')
    .replace(/(?<=\(\s?[IlS5]?\d{4,}[\s-]?[A-Z]?\s?)\}/g, ')');
/**
 * "Dimiliki: BANH MI CAFE SDN BHD" ("owned by"), "Operated by: …": a short label before the legal
 * entity's name is not part of it.
 */
const ENTITY_LABEL = /^[A-Za-z][A-Za-z ]{2,20}:\s*(?=\S.*(?:SDN\.?\s?BHD|\bBHD\b|BERHAD|\bLTD\b|\bPLT\b))/i;

function asCompanyLine(line: Line): Line {
  const text = lettersForLookalikeDigits(
    asciiPunctuation(line.text)
      .replace(REGISTRATION_NUMBER, ' ')
      .replace(REGISTRATION_LABEL, '')
      .replace(ENTITY_LABEL, ''),
  )
    .replace(/\bSDN\.?\s?[38E]HD\b/gi, (match) => (match === match.toUpperCase() ? 'SDN BHD' : 'Sdn Bhd'))
    .replace(MALAYSIA_MARK, '(M) ')
    // "C0.(M)": the company abbreviation with a zero for its O.
    .replace(/\bC0(?=\.|\s?\(M\))/g, 'CO')
    .replace(/\s+/g, ' ')
    .trim();
  return text === line.text ? line : relabel(line, text);
}

/**
 * A Malaysian legal suffix ends the company's name: what a row holds after it is not the name (a
 * registration number bent past `REGISTRATION_NUMBER`, `(B24101-D1)`, `ho Ne. 1138826`, specks,
 * `if wie Cr A= 7`). The first suffix of the row (`SDN BHD`, `BHD`, `S/B`, `BERHAD`), its dot kept.
 */
const NAME_ENDING_SUFFIX = /\bSDN\.?\s?BHD\b\.?|\bBHD\b\.?|(?<![\w/])S\/B\b\.?|\bBERHAD\b\.?/i;

export function endAtLegalSuffix(value: string) {
  const suffix = NAME_ENDING_SUFFIX.exec(value);
  if (!suffix) return value;
  const end = suffix.index + suffix[0].length;
  return value.slice(end).trim() === '' ? value : value.slice(0, end);
}

/** Legal suffix at the start of a row: the rest of a company name wrapped onto the next row. */
const SUFFIX_CONTINUATION = /^(?:CO\.?(?:\s|\()|\(M\)|SDN\b|BHD\b|S\/B\b|BERHAD|\(\s?M\s?\)\s?SDN)/i;
const LEGAL_SUFFIX = /SDN\.?\s?BHD|\bBHD\b|\bS\/B\b|BERHAD|\bLTD\b|\bPLT\b|有限公司|จำกัด/i;

/**
 * The store name: every row near the top is scored on features that hold across receipts — how high up
 * it is, how much larger its print is than the rest (names are printed big), a company word or legal
 * suffix, a chain of the lexicon, letters rather than digits and specks — and the best row wins, joined
 * with a row its legal suffix wrapped onto. Confidence follows the evidence and the margin.
 */
/**
 * What is known of a row near the top that may name the store; its score is the weighted sum
 * (`STORE_ROW_WEIGHTS`), so every feature says how much it counts.
 */
export const STORE_ROW_WEIGHTS = {
  /** 1 on the first row, 0.9 on the second, … */
  top: 1,
  /** A company word or a legal suffix (`COMPANY_HINT`). */
  companyWord: 1,
  /** A chain of the lexicon: 2 − 0.3 × the characters put back. */
  chain: 1,
  /** An address row with no company word. */
  address: -0.8,
  /** A Latin row of three tokens or more, mostly one- or two-character specks. */
  specks: -0.8,
  /** Printed larger than the page's median row: 1 from 1.3×, 0.5 from 1.12×. */
  largePrint: 0.5,
  /** How unsure OCR was of the row (1 − confidence). */
  doubt: -1.5,
  /** Below the first dated row: the customer, the cashier or the items, not the seller. */
  belowDate: -1.5,
  /** Above a registration number printed alone ("(002107265-V)"): the legal entity's row. */
  registrationBelow: 1,
  /** Its legal suffix wrapped onto the next row ("POPULAR BOOK" / "CO. (M) SDN BHD"). */
  suffixBelow: 0.3,
};
export type StoreRowFeature = keyof typeof STORE_ROW_WEIGHTS;

function storeRowFeatures(
  lines: Line[],
  head: Line[],
  position: number,
  corrected: ReturnType<typeof correctStoreName>,
  page: { script: { thai: boolean; chinese: boolean }; medianHeight: number | undefined; firstDated: number },
): Record<StoreRowFeature, number> {
  const line = head[position]!;
  const hint = COMPANY_HINT.test(corrected.value);
  const tokens = line.text.split(/\s+/);
  const specks = tokens.filter((token) => token.length <= 2 && !/^[&(]|^CO\.?$/i.test(token)).length;
  const ratio = page.medianHeight && line.box ? (line.box.y1 - line.box.y0) / page.medianHeight : undefined;
  const next = head[position + 1];
  const below = lines[position + 1];
  return {
    top: 1 - 0.1 * position,
    companyWord: hint ? 1 : 0,
    chain: corrected.chain ? 2 - 0.3 * corrected.edits : 0,
    address: ADDRESS_HINT.test(line.upper) && !hint ? 1 : 0,
    specks:
      !page.script.chinese && !page.script.thai && tokens.length >= 3 && specks / tokens.length > 0.4 ? 1 : 0,
    largePrint: ratio === undefined ? 0 : ratio >= 1.3 ? 1 : ratio >= 1.12 ? 0.5 : 0,
    doubt: 1 - line.confidence,
    belowDate: page.firstDated >= 0 && position > page.firstDated ? 1 : 0,
    // With a speck or two beside the number.
    registrationBelow:
      below && REGISTRATION_ROW.test(asciiPunctuation(below.text).replace(/\s+[A-Z]{1,3}\s*$/i, '')) ? 1 : 0,
    suffixBelow: next && !LEGAL_SUFFIX.test(corrected.value) && SUFFIX_CONTINUATION.test(next.text) ? 1 : 0,
  };
}

export type ScoredStoreRow = {
  line: Line;
  score: number;
  features: Record<StoreRowFeature, number>;
  chain: boolean;
  /** The chain of the lexicon the row was matched to. */
  chainName?: string;
  hint: boolean;
  value: string;
  edits: number;
};

/** Every candidate row near the top with its score, best first (the features of `findStore`). */
export function rankStoreRows(lines: Line[], script: { thai: boolean; chinese: boolean }) {
  // On a Thai page, a speck read unsurely after the name is no part of it.
  const head = lines
    .slice(0, 10)
    .map(asCompanyLine)
    .map((line) => (script.thai ? withoutUnsureTrailingSpeck(line) : line));
  const heights = lines
    .flatMap((line) => (line.box ? [line.box.y1 - line.box.y0] : []))
    .sort((a, b) => a - b);
  const medianHeight = heights[Math.floor(heights.length / 2)];
  const isCandidate = isNameCandidate;

  // The seller's block ends where the receipt is dated: rows below the first date are the customer
  // ("bill to"), the cashier or the items, not the seller.
  // A row labelled with the date counts too when OCR bent the date itself ("Vivo id Date: 18/709./2017").
  const firstDated = lines.findIndex((line) => findDates(line.text).length > 0 || DATE_LABEL.test(line.text));
  const scored: ScoredStoreRow[] = [];
  head.forEach((line, position) => {
    if (!isCandidate(line)) return;
    const corrected = correctStoreName(line.compact);
    const features = storeRowFeatures(lines, head, position, corrected, { script, medianHeight, firstDated });
    const score = Object.entries(features).reduce(
      (sum, [name, value]) => sum + STORE_ROW_WEIGHTS[name as StoreRowFeature] * value,
      0,
    );
    scored.push({
      line,
      score,
      features,
      chain: Boolean(corrected.chain),
      chainName: corrected.chain,
      hint: features.companyWord > 0,
      value: endAtLegalSuffix(corrected.value),
      edits: corrected.edits,
    });
  });
  scored.sort((a, b) => b.score - a.score);
  return { head, scored, isCandidate };
}

/** An amount with its cents (`174.00`): a row of money, not a name. */
const AMOUNT = /\d[.,]\d{2}(?!\d)/;
/** An e-mail address or its label (`Emall:katatlonery@gnall.com`): the seller's contact, never its name. */
// An address has its shape (no space around the @, a dot in its domain): an @ alone is a shop's branch
// (`KOPITIAM @ SS2`, `STARBUCKS @ KLCC`), part of a name (review F1).
const EMAIL_ROW = /[\w.-]+@[\w-]+[.,]\w{2,}|\bE-?MA[I1Il]L\b/i;

/**
 * A row that may name the store: mostly letters, not a receipt title, a phone, e-mail or id row, a Thai label row
 * (`isThaiLabelRow`: รวมทั้งสิ้น read apart from its amount), a date or an amount.
 */
function isNameCandidate(line: Line) {
  const skeleton = thaiSkeleton(line.compact).text;
  return (
    !AMOUNT.test(line.text) &&
    !EMAIL_ROW.test(line.text) &&
    !THAI_TITLE_SKELETON.test(skeleton) &&
    !THAI_TAX_ID_SKELETON.test(skeleton) &&
    !isThaiLabelRow(line.compact) &&
    letterRatio(line.text) >= 0.6 &&
    line.compact.replace(/\s/g, '').length >= 3 &&
    !GENERIC_HEADER.test(line.compact) &&
    !PHONE_OR_ID.test(line.upper) &&
    findDates(line.text).length === 0
  );
}

/**
 * Whether `other`, beside the winning row, is the rest of one name printed on two rows: the same print size,
 * upper case, no legal suffix on either, no address, and the registration number printed alone right after
 * the two rows (`closing`).
 */
function continuesName(best: { line: Line; value: string }, other: Line, closing: Line | undefined) {
  return (
    !LEGAL_SUFFIX.test(best.value) &&
    !LEGAL_SUFFIX.test(other.text) &&
    isNameCandidate(other) &&
    !ADDRESS_HINT.test(other.upper) &&
    other.text === other.text.toUpperCase() &&
    sameSize(best.line, other) &&
    closing !== undefined &&
    REGISTRATION_ROW.test(asciiPunctuation(closing.text))
  );
}

const BRANCH_ROW = /สาขา|BRANCH|分店|門市/i;
const THAI_SHOP_WORD = new RegExp(`(?:${THAI_SHOP_WORDS.join('|')})`, 'u');

/**
 * A Thai shop's name read at the end of its branch row (สาขา 004 ถ.… อ.เมือง ปัตตานีซูเปอร์มาร์เก็ต ไทยเจริญ,
 * the rows run together): the name starts at its shop word, after the branch's address.
 */
function nameAfterBranch(value: string) {
  const branch = /สาขา/.exec(value);
  if (!branch) return undefined;
  const after = value.slice(branch.index + branch[0].length);
  const shop = THAI_SHOP_WORD.exec(after);
  return shop ? after.slice(shop.index) : undefined;
}

/**
 * Whether a row of a Thai page reads as a name once its specks are gone (`cleanName`): three letters or
 * more (a mark is part of its letter), not one letter repeated. A Thai name tesseract read as Latin noise
 * (`aa`, `ll l`) is not one.
 */
export function readsAsName(value: string) {
  const letters = [...cleanName(value)].filter((char) => /\p{L}/u.test(char)).map((c) => c.toLowerCase());
  return letters.length >= 3 && new Set(letters).size > 1;
}

/**
 * A store name's rows read with every letter at this probability or more (PaddleOCR's recogniser gives
 * each letter one; `leastLetterOf`) are sure: the name reaches `SURE_LETTERS_NAME_CONFIDENCE`. Chosen on
 * the SROIE tuning part and its halves (decision 007, 2026-12-07 14:00): the one threshold right on every store
 * it raised in both halves (0.95: 24 of 25).
 */
export const SURE_LETTER = 0.97;
export const SURE_LETTERS_NAME_CONFIDENCE = 0.9;

/**
 * The least sure letter's probability over these rows' words; undefined when a word has none (an engine
 * without letter probabilities, or a row whose text another look replaced).
 */
export function leastLetterOf(rows: readonly Line[]): number | undefined {
  let least = 1;
  for (const row of rows) {
    if (!row.words || row.words.length === 0) return undefined;
    for (const word of row.words) {
      if (word.leastLetter === undefined) return undefined;
      least = Math.min(least, word.leastLetter);
    }
  }
  return least;
}

/** A Thai name found below a higher-ranked row that read as no name (`readsAsName`) is not sure: at most this. */
export const PASSED_OVER_NAME_CAP = 0.75;

export function findStore(lines: Line[], script: { thai: boolean; chinese: boolean }) {
  const { head, scored: ranked, isCandidate } = rankStoreRows(lines, script);
  // On a Thai page a row that reads as no name is passed over: the next row is the name, less surely
  // (`PASSED_OVER_NAME_CAP`), as the name may be the row OCR read as noise.
  const scored = script.thai ? ranked.filter((row) => readsAsName(row.value)) : ranked;
  const passedOver = scored[0] !== ranked[0];
  // The trade name over its own legal entity printed below it ("Banh Mi Cafe" / "Dimiliki: banh mi cafe
  // sdn bhd"): the entity, the fuller name of the same store, wins.
  const letters = (value: string) => value.toUpperCase().replace(/[^\p{L}\p{N}]/gu, '');
  const entity =
    scored[0] && !LEGAL_SUFFIX.test(scored[0].value)
      ? scored.find(
          (other) =>
            LEGAL_SUFFIX.test(other.value) &&
            letters(scored[0]!.value).length >= 4 &&
            letters(other.value).startsWith(letters(scored[0]!.value)),
        )
      : undefined;
  const best = entity ?? scored[0];

  let name: { value: string; confidence: number; index: number } | undefined;
  if (best) {
    // The rows the name is read from (its own, and a row it continues onto or from).
    const nameRows = [best.line];
    // A Thai chain read at the end of its branch row (สาขา 018 ถ.… แม็คโคร, the rows run together):
    // the name is the chain's, not the row's.
    let value =
      best.chainName && /[\u0E00-\u0E7F]/.test(best.chainName) && BRANCH_ROW.test(best.line.compact)
        ? best.chainName
        : (nameAfterBranch(best.value) ?? best.value);
    const position = head.indexOf(best.line);
    const next = head[position + 1];
    const previous = head[position - 1];
    // A company name wrapped onto the next row: "POPULAR BOOK" / "CO. (M) SDN BHD".
    if (
      next &&
      !LEGAL_SUFFIX.test(value) &&
      SUFFIX_CONTINUATION.test(next.text) &&
      letterRatio(next.text) >= 0.5
    ) {
      value = `${value} ${correctStoreName(next.compact).value}`;
      nameRows.push(next);
    }
    // The suffix row won: its name is the row above.
    else if (SUFFIX_CONTINUATION.test(best.line.text) && previous && isCandidate(previous)) {
      value = `${correctStoreName(previous.compact).value} ${value}`;
      nameRows.push(previous);
    }
    // …or onto the row above its suffix: "RESTAURANT JIAWEI" / "JIAWEI HOUSE".
    else if (
      previous &&
      position <= 3 &&
      isCandidate(previous) &&
      !ADDRESS_HINT.test(previous.upper) &&
      previous.text === previous.text.toUpperCase() &&
      /[A-Z]/.test(previous.text) &&
      !/SDN|BHD/i.test(previous.text) &&
      /^(SDN|BHD|\(|HOUSE|ENTERPRISE|TRADING|RESTAURANT)/i.test(best.line.text)
    ) {
      value = `${previous.compact} ${value}`;
      nameRows.push(previous);
    }
    // A name printed on two rows of one size that end where its registration number is printed
    // ("RESTAURANT JIAWEI" / "JIAWEI HOUSE" / "002693074-K"): the registration closes the name block.
    else if (next && continuesName({ line: best.line, value }, next, lines[position + 2])) {
      value = `${value} ${correctStoreName(next.compact).value}`;
      nameRows.push(next);
    }
    // …seen from its second row: the row above, printed in the same size, opens the name.
    else if (
      previous &&
      best.line.text === best.line.text.toUpperCase() &&
      continuesName({ line: best.line, value }, previous, lines[position + 1])
    ) {
      value = `${correctStoreName(previous.compact).value} ${value}`;
      nameRows.push(previous);
    }
    const margin = best.score - (scored[1]?.score ?? 0);
    let confidence = 0.35 + Math.min(0.25, margin / 6) + (best.hint ? 0.15 : 0) + (best.chain ? 0.25 : 0);
    confidence *= Math.min(1, best.line.confidence + 0.1);
    // Every letter of the name's rows read surely (the engine's own letter probabilities): sure enough
    // to decide on. A misread letter is a near coin toss between two classes; a lost one leaves no trace.
    if ((leastLetterOf(nameRows) ?? 0) >= SURE_LETTER)
      confidence = Math.max(confidence, SURE_LETTERS_NAME_CONFIDENCE);
    if (passedOver) confidence = Math.min(confidence, PASSED_OVER_NAME_CAP);
    name = {
      value: spaceGluedWords(cleanName(endAtLegalSuffix(value))),
      confidence: round2(Math.min(best.chain && best.edits === 0 ? 0.97 : 0.93, confidence)),
      index: best.line.index,
    };
  }

  let address: { value: string; confidence: number } | undefined;
  if (name) {
    const after = lines.filter((line) => line.index > name!.index && line.index <= name!.index + 6);
    const parts: Line[] = [];
    for (const line of after) {
      if (
        PHONE_OR_ID.test(line.upper) ||
        GENERIC_HEADER.test(line.compact) ||
        findDates(line.text).length > 0
      ) {
        if (parts.length > 0) break;
        continue;
      }
      if (ADDRESS_HINT.test(line.upper) || (parts.length > 0 && letterRatio(line.text) > 0.5))
        parts.push(line);
      else if (parts.length > 0) break;
    }
    if (parts.length > 0)
      address = {
        value: parts.map((line) => line.compact).join(' '),
        confidence: round2(0.7 * Math.min(...parts.map((p) => p.confidence))),
      };
  }
  // A branch named after its township, bent alike in the name and the address: mended, never vouched for.
  const mended =
    name && best?.chainName && script.chinese
      ? mendBranchPlace(name.value, best.chainName, address?.value)
      : undefined;
  if (name && mended) name.value = mended;
  if (name && best?.chainName && (mended || !branchVouchedFor(name.value, best.chainName, address?.value)))
    name.confidence = Math.min(name.confidence, UNVOUCHED_BRANCH_CAP);

  let branch: { value: string; confidence: number } | undefined;
  const branchLine = lines.slice(0, 12).find((line) => BRANCH_ROW.test(line.compact));
  if (branchLine) branch = { value: branchLine.compact, confidence: round2(0.85 * branchLine.confidence) };
  else if (name && script.chinese) {
    const shop = /([\u3400-\u9FFF]{1,6}[店])$/.exec(name.value);
    if (shop) branch = { value: shop[1]!, confidence: 0.6 };
  }

  return { name, branch, address };
}

/**
 * A chain's name is vouched for by the lexicon, the rest of its row (a branch: 新莊店, 台北一門市) only by
 * OCR, whose row confidence is a mean over every character: one branch character misread (新社店 for
 * 新莊店, synthetic tuning tw-paper-3) leaves the row at 0.9 and more. So a name with more than the
 * chain's letters is not sure (under 0.9: review) unless its branch is read a second time on the receipt:
 * the branch's place (without 店, 門市, …) printed whole as a place of the seller's address below
 * (新莊 in 新北市新莊區…; 新市 in 台南市新市區; 興安 in 台北市中山區興安街, a branch named after its road;
 * 台中文心 in 台中市南屯區文心路, a city and a road; a place cut short, 台 of 台中市 or 中 of it, is not read
 * again; a place of one character, 中 of 中區, vouches for nothing). 臺 and 台 are one character written two
 * ways.
 */
export const UNVOUCHED_BRANCH_CAP = 0.85;
const BRANCH_WORD = /(?:分公司|營業所|門市|分店|店)$/;
/** What ends a Taiwan address's place (新北市 / 新莊區 / 花蓮縣 / 羅東鎮 / 三星鄉 / 興安街 / 文心路). */
const PLACE_END = '縣市區鄉鎮里村路街道';

export function branchVouchedFor(name: string, chain: string, address: string | undefined) {
  const letters = (text: string) => text.replace(/[^\p{L}]/gu, '').replace(/臺/g, '台');
  const rest = letters(name).replace(letters(chain), '');
  if (rest === '') return true;
  const place = rest.replace(BRANCH_WORD, '');
  // A place of one character is no evidence: OCR that dropped a character of the branch (中壢店 read
  // 中店) drops it from the address too (中壢區 read 中區, a district of its own), and agrees with itself.
  if ([...place].length < 2 || !address) return false;
  return placesInAddress(place, letters(address), 0);
}

/**
 * Whether `place` is one or more of the address's places, whole and in the address's order, from `from`
 * on: 新莊 of 新北市新莊區, 台中文心 of 台中市南屯區文心路 (a city and a road). A place is whole where the
 * address starts or a place before it ends, and it ends as a place ends.
 */
function placesInAddress(place: string, where: string, from: number): boolean {
  for (let length = place.length; length > 0; length--) {
    const part = place.slice(0, length);
    for (let at = where.indexOf(part, from); at >= 0; at = where.indexOf(part, at + 1)) {
      const before = at === 0 ? '' : where[at - 1]!;
      const after = where[at + length] ?? '';
      if (before !== '' && !PLACE_END.includes(before)) continue;
      if (after === '' || !PLACE_END.includes(after)) continue;
      if (length === place.length || placesInAddress(place.slice(length), where, at + length + 1))
        return true;
    }
  }
  return false;
}

/** A lone Thai consonant at the end of a name, right after a word Thai names end with (`THAI_NAME_END_WORDS`). */
const LONE_LETTER_AFTER_NAME_END = new RegExp(
  `(?<=(?:${THAI_NAME_END_WORDS.join('|')}))\\s?[\u0E01-\u0E2E]\\s*$`,
  'u',
);

/**
 * Sara am (ำ) as tesseract (tha) writes it: nikhahit then sara aa (ชํา for ชำ), a tone mark before or
 * between them (ค่ํา, คํ่า for ค่ำ). Written back as the one letter the name is printed with; the two read
 * alike, but a name compared or looked up by its letters is not the same name.
 */
export function composeSaraAm(text: string) {
  return text.replace(/\u0E4D([\u0E48-\u0E4B]?)\u0E32/gu, '$1\u0E33');
}

export function cleanName(value: string) {
  return (
    composeSaraAm(value)
      // Specks OCR read beside the name ("ศรีสยาม 9 ๑ 4 ๑ 4", "พลาซา 6 6 ๕ P= | 1"): a run of two or more
      // one- or two-character tokens at the end is not part of a name.
      .replace(/(?:\s+\S{1,2}){2,}\s*$/u, '')
      // …and before a Thai or Chinese name, a logo read as a run of Latin or punctuation specks, with a
      // Thai digit glued to the name ("ov VU = - ๕ร้านค้า…"): not part of it either.
      .replace(
        /^(?:[^\s\u0E00-\u0E7F\u3400-\u9FFF]{1,2}\s+){2,}[\u0E50-\u0E59]*(?=[\u0E00-\u0E7F\u3400-\u9FFF])/u,
        '',
      )
      // …and after a Thai name, a Latin speck or two (โลตัส os, โลตัส «): lower case or not a letter, so
      // never an English name's capital or a branch number.
      .replace(/(?<=[\u0E00-\u0E7F][^\s]*)(?:\s+(?=[^\s]*[^\p{Lu}\d\s])[^\s\u0E00-\u0E7F\d]{1,2})+\s*$/u, '')
      // …and Thai digits glued after a Thai name's last letter (ไทยเจริญ๕๕๕): a logo or the page's edge
      // read as ๕; a Thai receipt prints its numbers in Arabic digits.
      .replace(/(?<=[\u0E01-\u0E4E])[\u0E50-\u0E59]+\s*$/u, '')
      // A Thai name may end in a mark above its last letter (พาณิชย์): a mark is part of the name.
      .replace(/^[^\p{L}\p{N}(]+|[^\p{L}\p{M}\p{N}).]+$/gu, '')
      // …and a lone Thai consonant after a word Thai names end with (โชคดีพาณิชย์ป, …พาณิชย์ ร): no word
      // goes on after one with a bare letter, so it is a speck read beside the name.
      .replace(LONE_LETTER_AFTER_NAME_END, '')
      .replace(/\s+/g, ' ')
      .trim()
  );
}
