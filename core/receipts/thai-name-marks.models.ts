/** Thai marks written above the line: mai han-akat, sara i / ii / ue / uee, mai taikhu, the tone marks, thanthakhat, nikhahit. */
const MARK_ABOVE = /[\u0E31\u0E34-\u0E37\u0E47-\u0E4E]/u;
const THAI_CONSONANT = /[\u0E01-\u0E2E]/u;
/** Consonants a Thai row needs before its lack of marks says something: a short word may have none. */
export const MARKLESS_ROW_CONSONANTS = 6;

/**
 * Whether tesseract lost every mark above the line of a Thai row: six consonants or more and not one vowel,
 * tone mark or thanthakhat above them (`รานชาลุงสมศกด` for ร้านชำ ลุงสมศักดิ์, the nikhahit of sara am lost
 * with them, so ชำ reads ชา). Thai words carry such a mark every few letters, so a name of that length with
 * none was read without its marks rather than printed without them — its letters are worth another look.
 */
export function thaiMarksLost(text: string) {
  const consonants = [...text].filter((char) => THAI_CONSONANT.test(char)).length;
  return consonants >= MARKLESS_ROW_CONSONANTS && !MARK_ABOVE.test(text);
}
