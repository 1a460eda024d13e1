/**
 * Dates and times as printed on receipts: Gregorian, Buddhist-era (พ.ศ. = CE + 543, often two digits),
 * ROC / Minguo (民國 = CE − 1911, three digits), numeric in either day-first or year-first order, and with
 * English, Thai or Chinese month names. Everything here returns Gregorian ISO `yyyy-mm-dd` or undefined.
 */

export const BUDDHIST_ERA_OFFSET = 543;
export const ROC_ERA_OFFSET = 1911;

const THAI_MONTHS: [RegExp, number][] = [
  [/ม\.?\s?ค\.?|มกรา(?:คม)?/, 1],
  [/ก\.?\s?พ\.?|กุมภา(?:พันธ์)?/, 2],
  [/มี\.?\s?ค\.?|มีนา(?:คม)?/, 3],
  [/เม\.?\s?ย\.?|เมษา(?:ยน)?/, 4],
  [/พ\.?\s?ค\.?|พฤษภา(?:คม)?/, 5],
  [/มิ\.?\s?ย\.?|มิถุนา(?:ยน)?/, 6],
  [/ก\.?\s?ค\.?|กรกฎา(?:คม)?/, 7],
  [/ส\.?\s?ค\.?|สิงหา(?:คม)?/, 8],
  [/ก\.?\s?ย\.?|กันยา(?:ยน)?/, 9],
  [/ต\.?\s?ค\.?|ตุลา(?:คม)?/, 10],
  [/พ\.?\s?ย\.?|พฤศจิกา(?:ยน)?/, 11],
  [/ธ\.?\s?ค\.?|ธันวา(?:คม)?/, 12],
];

/** Thai vowel and tone marks above or below a letter, but ี and ิ (part of มี.ค. and มิ.ย.). */
const STRAY_THAI_MARKS = /[\u0E31\u0E36-\u0E3A\u0E47-\u0E4E]/g;

function thaiMonthOf(token: string, { abbreviatedOnly = false } = {}) {
  return THAI_MONTHS.find(([pattern]) => {
    const abbreviation = pattern.source.split('|')[0]!;
    return new RegExp(`^(?:${abbreviatedOnly ? abbreviation : pattern.source})$`).test(token);
  })?.[1];
}

const ENGLISH_MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export type DateCandidate = {
  date: string;
  /** How sure the reading is from its shape alone (0..1): a 4-digit year beats a guessed order. */
  confidence: number;
  /** Where in the line it was found, so a time printed next to it can be paired. */
  index: number;
  length: number;
};

export function toIsoDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || month < 1 || month > 12 || day < 1) return undefined;
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Turns a printed year into a Gregorian one. Four digits ≥ 2400 are Buddhist-era; three digits are ROC;
 * two digits are ambiguous: Buddhist-era short years (60–99 → 2560–2599) are read as such only when the
 * receipt is Thai, otherwise 20yy.
 */
export function toGregorianYear(printed: string, context: { thai?: boolean; roc?: boolean } = {}) {
  const value = Number(printed);
  if (printed.length === 4) return value >= 2400 ? value - BUDDHIST_ERA_OFFSET : value;
  if (printed.length === 3) return value + ROC_ERA_OFFSET;
  if (printed.length === 2) {
    if (context.roc) return value + ROC_ERA_OFFSET;
    if (context.thai && value >= 40) return 2500 + value - BUDDHIST_ERA_OFFSET;
    return 2000 + value;
  }
  return undefined;
}

function plausible(year: number | undefined, bounds: { minYear: number; maxYear: number }) {
  return year !== undefined && year >= bounds.minYear && year <= bounds.maxYear;
}

/** Common OCR slips inside dates: O for 0, l/I for 1, S for 5, B for 8; a stray ~ after a separator. */
function cleanDigits(text: string) {
  return (
    text
      .replace(/(?<=\d)[Oo](?=\d)|(?<=\d)[Oo]\b|\b[Oo](?=\d)/g, '0')
      .replace(/(?<=\d)[lI|](?=\d)|\b[lI|](?=\d[/.-])/g, '1')
      .replace(/(?<=\d)S(?=[/.-]\d)|(?<=\d[/.-]\d?)S(?=\d|[/.-])|(?<=\d[/.-])S(?=\d)/g, '5')
      .replace(/(?<=\d)B(?=[/.-]\d)|(?<=\d[/.-]\d?)B(?=\d|[/.-])|(?<=\d[/.-])B(?=\d)/g, '8')
      .replace(/(?<=\d\s?[/-])\s?~(?=\d)/g, '')
      // A separator bent into a colon before a four-digit year ("27:03/2018"): no time has a year after it.
      .replace(/(?<![\d:])(\d{1,2})[:;](\d{1,2})([/.-])((?:19|20)\d{2})(?!\d)/g, '$1$3$2$3$4')
  );
}

/**
 * A time printed against the date with the space lost ("09/03/201821:28", "27Mar201818:46",
 * "06/01/1812.17:26PM", "113/12/2709:15", as PaddleOCR joins a row's words): the space put back after the year. A two-digit
 * year is split off only before a time with seconds or a two-digit hour and a colon, where the digits
 * cannot be one number.
 */
export function separateGluedTime(line: string) {
  return (
    line
      .replace(/((?:[/.\-\s]|[A-Za-z])(?:19|20)\d{2})(?=[0-2]?\d[:.][0-5]\d(?!\d))/g, '$1 ')
      .replace(/((?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2})(?=[0-2]?\d[:.][0-5]\d[:.][0-5]\d)/g, '$1 ')
      // …or before a two-digit hour and a colon ("26/02/1808:28", "28-12-1718:52"): four digits between
      // the date's last separator and the colon are a two-digit year and an hour (a four-digit year glued
      // to a time leaves five or six).
      .replace(/((?<!\d)\d{1,2}[/.-]\d{1,2}[/.-]\d{2})(?=(?:[01]\d|2[0-3]):[0-5]\d)/g, '$1 ')
      // Year first (ROC "113/12/2709:15", "2024/04/1912:30"): a two-digit day, then the time.
      .replace(/((?<![\d/.-])\d{3,4}[/.-]\d{1,2}[/.-]\d{2})(?=[0-2]?\d:[0-5]\d)/g, '$1 ')
  );
}

/**
 * A year whose second digit OCR bent ("2618", "2818" for 2018: the 0 read as 6, 8 or 9) is read back as
 * 20yy, at a lower confidence; a year that lost a digit ("018") as 2018 when it ends a day-first date.
 */
function repairYear(printed: string, bounds: { minYear: number; maxYear: number }) {
  if (/^2[3-9]\d\d$/.test(printed)) {
    const repaired = Number(`20${printed.slice(2)}`);
    if (plausible(repaired, bounds)) return repaired;
  }
  if (/^0\d\d$/.test(printed)) {
    const repaired = 2000 + Number(printed.slice(1));
    if (plausible(repaired, bounds)) return repaired;
  }
  return undefined;
}

/**
 * A purchase proof is sent soon after the purchase: a year far older than the year it is read in, one
 * digit away from a recent year ("2007" read in 2018), is that recent year with one digit bent by OCR.
 */
function repairStaleYear(year: number, recentYear: number | undefined) {
  if (recentYear === undefined || year >= recentYear - 5) return undefined;
  const printed = String(year);
  for (let candidate = recentYear; candidate >= recentYear - 2; candidate--) {
    const digits = String(candidate);
    let differences = 0;
    for (let i = 0; i < 4; i++) if (digits[i] !== printed[i]) differences++;
    if (differences === 1) return candidate;
  }
  return undefined;
}

/**
 * Finds every date in a line of text. `recentYear` (the year the receipt is read in) lets a stale year
 * that OCR bent by one digit be read back as a recent one.
 */
export function findDates(
  rawLine: string,
  options: { thai?: boolean; minYear?: number; maxYear?: number; recentYear?: number } = {},
): DateCandidate[] {
  const bounds = { minYear: options.minYear ?? 2000, maxYear: options.maxYear ?? 2100 };
  const line = separateGluedTime(cleanDigits(rawLine));
  const found: DateCandidate[] = [];
  const push = (date: string | undefined, confidence: number, match: RegExpExecArray) => {
    if (!date) return;
    const year = Number(date.slice(0, 4));
    if (!plausible(year, bounds)) return;
    if (found.some((candidate) => candidate.index === match.index)) return;
    found.push({ date, confidence, index: match.index, length: match[0].length });
  };

  // 中文: 2024年4月19日 or 民國113年4月19日 / 113年04月19日
  for (const match of line.matchAll(/(?:民國\s*)?(\d{2,4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?/g)) {
    const year = toGregorianYear(match[1]!, { roc: match[1]!.length <= 3 });
    push(year ? toIsoDate(year, Number(match[2]), Number(match[3])) : undefined, 0.95, match);
  }

  // Year first: 2024/04/19, 2024-4-19, 113/04/19 (ROC), 2567/01/07 (Buddhist era).
  for (const match of line.matchAll(/(?<![\d.])(\d{3,4})\s?[/.-]\s?(\d{1,2})\s?[/.-]\s?(\d{1,2})(?![\d])/g)) {
    const year = toGregorianYear(match[1]!);
    push(year ? toIsoDate(year, Number(match[2]), Number(match[3])) : undefined, 0.9, match);
  }

  // Day first: 07/01/2568, 09/01/2019, 28-12-17, 9/3/2018. Day-first is the order in Thailand, Malaysia
  // and most receipts; month-first is taken only when the first number cannot be a month… or the second
  // cannot be one.
  for (const match of line.matchAll(
    /(?<![\d/-]|\d\.)(\d{1,2})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{3}|\d{2})(?![\d]|[.,]\d)/g,
  )) {
    const printed = match[4]!;
    const standard = printed.length === 3 ? undefined : toGregorianYear(printed, { thai: options.thai });
    const repaired =
      standard !== undefined && plausible(standard, bounds) ? undefined : repairYear(printed, bounds);
    const stale =
      standard !== undefined && printed.length === 4 && repairStaleYear(standard, options.recentYear);
    const year = repaired ?? (stale || standard);
    if (!year) continue;
    const a = Number(match[1]);
    const b = Number(match[3]);
    const dayFirst = toIsoDate(year, b, a);
    const monthFirst = toIsoDate(year, a, b);
    const confidence = repaired || stale ? 0.6 : printed.length === 4 ? 0.9 : 0.75;
    if (dayFirst) push(dayFirst, a > 12 || a === b ? confidence : confidence - 0.1, match);
    else if (monthFirst) push(monthFirst, confidence - 0.05, match);
  }

  // 27032018: separators lost to OCR. Read only as day-month-20yy and trusted least (ids look alike).
  for (const match of line.matchAll(/(?<![\w.,/:-])(\d{2})(\d{2})(20\d{2})(?![\w.,/:-])/g)) {
    if (found.length > 0) break;
    push(toIsoDate(Number(match[3]), Number(match[2]), Number(match[1])), 0.45, match);
  }

  // 27 Mar 2018, 27-MAR-18, 27 March 2018
  for (const match of line.matchAll(
    /(?<!\d)(\d{1,2})[\s.-]*([A-Za-z]{3,9})\.?[\s.,-]*(\d{4}|\d{2})(?![\d])/g,
  )) {
    const month = ENGLISH_MONTHS.indexOf(match[2]!.slice(0, 3).toLowerCase()) + 1;
    if (month === 0) continue;
    const year = toGregorianYear(match[3]!);
    push(year ? toIsoDate(year, month, Number(match[1])) : undefined, 0.9, match);
  }
  // Mar 27, 2018
  for (const match of line.matchAll(/\b([A-Za-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)/g)) {
    const month = ENGLISH_MONTHS.indexOf(match[1]!.slice(0, 3).toLowerCase()) + 1;
    if (month === 0) continue;
    push(toIsoDate(Number(match[3]), month, Number(match[2])), 0.85, match);
  }

  // 7 ม.ค. 68, 7 มกราคม 2568
  const compact = line.replace(/(?<=[\u0E00-\u0E7F.])\s+(?=[\u0E00-\u0E7F.])/g, '');
  for (const match of compact.matchAll(/(\d{1,2})\s*([\u0E00-\u0E7F.]{2,12})\s*(\d{4}|\d{2})(?!\d)/g)) {
    const exact = thaiMonthOf(match[2]!);
    // A mark OCR set on a letter of an abbreviation that has none ("ก ุ ย." for ก.ย., "พ.ุย." for พ.ย.):
    // the month without it, a little less surely. ี and ิ stay: they tell มี.ค. and มิ.ย. from ม.ค.
    const month = exact ?? thaiMonthOf(match[2]!.replace(STRAY_THAI_MARKS, ''), { abbreviatedOnly: true });
    if (!month) continue;
    const year = toGregorianYear(match[3]!, { thai: true });
    push(year ? toIsoDate(year, month, Number(match[1])) : undefined, exact ? 0.9 : 0.8, match);
  }
  return found;
}

/** Finds a time of day (24 h, or 12 h with AM/PM; also 時/分 and น.) as `HH:MM`. */
export function findTimes(rawLine: string): { time: string; index: number }[] {
  const line = separateGluedTime(cleanDigits(rawLine));
  const times: { time: string; index: number }[] = [];
  for (const match of line.matchAll(
    /(?<![\d.:])([01]?\d|2[0-3])\s?[:.]\s?([0-5]\d)(?:\s?[:.]\s?([0-5]\d))?(?!\s?[.,]?\d)\s*([AaPp]\.?\s?[Mm]\.?)?/g,
  )) {
    // "12.50" is an amount, not a time: a dot separator counts only with seconds, AM/PM or น./時 after it.
    const usesDot = match[0].includes('.') && !match[0].includes(':');
    const after = line.slice(match.index + match[0].length, match.index + match[0].length + 3);
    if (usesDot && !match[3] && !match[4] && !/^\s*(น|時)/.test(after)) continue;
    let hour = Number(match[1]);
    const meridiem = match[4]?.toLowerCase().replace(/[^ap]/g, '');
    if (meridiem === 'p' && hour < 12) hour += 12;
    if (meridiem === 'a' && hour === 12) hour = 0;
    times.push({ time: `${String(hour).padStart(2, '0')}:${match[2]}`, index: match.index });
  }
  return times;
}
