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
