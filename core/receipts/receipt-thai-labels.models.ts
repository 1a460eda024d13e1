/**
 * Thai labels of the totals as tesseract (tha) bends them: compared without their marks (`thaiSkeleton`)
 * and with one letter wrong.
 */
import { editDistance, thaiSkeleton } from './store-lexicon.models.js';

/**
 * The Thai grand-total labels as tesseract (tha) bends them: compared without their marks (`thaiSkeleton`)
 * and with one letter wrong (รวมทจงั้สนี้ for รวมทั้งสิ้น).
 */
const THAI_TOTAL_SKELETONS = ['รวมทั้งสิ้น', 'ยอดสุทธิ', 'ยอดชำระ', 'ยอดรวมสุทธิ'].map(
  (label) => thaiSkeleton(label).text,
);

export function isBentThaiTotal(text: string) {
  return hasBentThaiLabel(text, THAI_TOTAL_SKELETONS);
}

/** The Thai VAT label (ภาษีมูลค่าเพิ่ม) as tesseract bends it (ภาษมีลูคา เพมี 7%), as `isBentThaiTotal`. */
const THAI_VAT_SKELETONS = [thaiSkeleton('ภาษีมูลค่าเพิ่ม').text];
export const isThaiVat = (text: string) => hasBentThaiLabel(text, THAI_VAT_SKELETONS);

function hasBentThaiLabel(text: string, labels: string[]) {
  if (!/[\u0E00-\u0E7F]/.test(text)) return false;
  const chars = [...thaiSkeleton(text).text];
  return labels.some((label) => {
    const length = [...label].length;
    for (let size = length - 1; size <= length + 1; size++)
      for (let start = 0; start + size <= chars.length; start++)
        if (editDistance(chars.slice(start, start + size).join(''), label) <= 1) return true;
    return false;
  });
}

/**
 * The words a Thai receipt labels its rows with — totals, VAT, cash and change, the receipt's title, the
 * branch, the seller's tax number, the date, the items counted and the thanks — and the currency: what a label row is made of.
 * Longest first, so a fuller label is taken out whole before a shorter one inside it.
 */
const THAI_LABEL_SKELETONS = [
  'รวมทั้งสิ้น',
  'ยอดรวมสุทธิ',
  'ยอดรวม',
  'ยอดสุทธิ',
  'ยอดชำระ',
  'รวมเงิน',
  'รวม',
  'ภาษีมูลค่าเพิ่ม',
  'ภาษี',
  'เงินสด',
  'เงินทอน',
  'ทอน',
  'ส่วนลด',
  'ใบเสร็จรับเงิน',
  'ใบเสร็จ',
  'ใบกำกับภาษีอย่างย่อ',
  'ใบกำกับภาษี',
  'สาขา',
  'เลขประจำตัวผู้เสียภาษี',
  'เลขที่',
  'วันที่',
  'เวลา',
  'ขอบคุณที่ใช้บริการ',
  'รายการ',
  'ชิ้น',
  'บาท',
]
  .map((label) => thaiSkeleton(label).text)
  .sort((a, b) => [...b].length - [...a].length);
/**
 * The long labels (six letters or more without their marks), matched with one letter wrong; a shorter one
 * (เงนสด) is one letter from a name's words (เงินสุข).
 */
const LONG_THAI_LABEL_SKELETONS = THAI_LABEL_SKELETONS.filter((label) => [...label].length >= 6);

/**
 * Whether a row is a Thai label and nothing more (its amount, if any, read on another row): its Thai
 * letters, without their marks (`thaiSkeleton`), are label words with at most one letter left over
 * (รวมทั้งสิ้น, สาขา 004, ภาษีมูลค่าเพิ่ม 7%, เงินทอน, รวม 3 รายการ), or one long label with one letter wrong
 * (รวมทงสน). Such a row names no store, whatever OCR was sure of; a name holding a label word among its
 * own (ร้านรวมมิตร, รวมใจ) keeps its letters.
 */
export function isThaiLabelRow(text: string) {
  const letters = thaiSkeleton(text).text.replace(/[^\u0E01-\u0E2E\u0E30\u0E32\u0E40-\u0E46]/gu, '');
  if ([...letters].length < 2) return false;
  let rest = letters;
  for (const label of THAI_LABEL_SKELETONS) rest = rest.split(label).join(' ');
  if (rest !== letters && [...rest.replace(/\s/g, '')].length <= 1) return true;
  return LONG_THAI_LABEL_SKELETONS.some(
    (label) => Math.abs([...letters].length - [...label].length) <= 1 && editDistance(letters, label) <= 1,
  );
}
