import type { ProofKind } from '../campaigns/campaigns.table.js';
import { describeReason, isLocale } from '../i18n/index.js';
import type { PlatformLookupResult } from '../verification/index.js';

/**
 * Points earned from e-invoices in the last this many days are re-checked on the MoF platform before a
 * redemption spends them: merchants void or take back invoices after a refund, mostly within weeks.
 * @default 60
 */
export const RECHECK_POINTS_WINDOW_DAYS = 60;

/**
 * An invoice re-checked this recently is not asked again (a member redeeming twice in a row costs one
 * question, not two). @default 1 hour
 */
export const RECHECK_FRESH_MS = 60 * 60 * 1000;

/** The proofs the MoF platform can answer about: every e-invoice (QR, typed, carrier). */
export const PLATFORM_CHECKED_KINDS: ProofKind[] = ['einvoice_qr', 'einvoice_text', 'einvoice_carrier'];

/** Photo proofs no platform can re-check; a draw may require a person to have reviewed them. */
export const REVIEW_CHECKED_KINDS: ProofKind[] = ['paper_invoice', 'receipt'];

export function isPlatformChecked(kind: ProofKind): boolean {
  return PLATFORM_CHECKED_KINDS.includes(kind);
}

/**
 * What a re-check found: the proof still `stands`, its invoice was `voided` (or returned), or it stays
 * `unchecked` (the platform could not be asked now; pay nothing on it yet, ask again later).
 */
export type ProofStanding = 'stands' | 'voided' | 'unchecked';

/**
 * The platform's answer about an invoice that was verified once. "Not found" after a verification is not
 * proof of a void (the platform's own hiccup), so only an explicit voided status takes rewards back.
 */
export function standingOfAnswer(answer: PlatformLookupResult): Exclude<ProofStanding, 'unchecked'> {
  return answer.status === 'found' && answer.invoice.status === 'voided' ? 'voided' : 'stands';
}

type Locale = 'zh-TW' | 'th' | 'en';

/** The chat message a member gets when a proof of theirs is taken back, in their language. */
export function buildProofReversedMessages({
  locale,
  invoiceNumber,
  points,
  entries,
}: {
  locale: string | null | undefined;
  invoiceNumber: string;
  points: number;
  entries: number;
}): { type: 'text'; text: string }[] {
  const lost = {
    'zh-TW': [points > 0 ? `${points} 點` : '', entries > 0 ? `${entries} 次抽獎機會` : '']
      .filter(Boolean)
      .join('與'),
    th: [points > 0 ? `${points} คะแนน` : '', entries > 0 ? `สิทธิ์ลุ้นรางวัล ${entries} สิทธิ์` : '']
      .filter(Boolean)
      .join(' และ '),
    en: [points > 0 ? `${points} points` : '', entries > 0 ? `${entries} draw entries` : '']
      .filter(Boolean)
      .join(' and '),
  } satisfies Record<Locale, string>;
  const text = {
    'zh-TW': `您登錄的發票 ${invoiceNumber} 已由商家作廢或退貨（財政部電子發票平台）。${lost['zh-TW'] ? `因此已取消這張發票獲得的${lost['zh-TW']}。` : '因此這張發票不再列入活動。'}如有疑問，請聯絡客服。`,
    th: `ใบกำกับภาษีอิเล็กทรอนิกส์ ${invoiceNumber} ที่คุณส่งมา ถูกร้านค้ายกเลิกหรือคืนสินค้าแล้ว (ตามระบบของกระทรวงการคลังไต้หวัน) ${lost.th ? `จึงยกเลิก${lost.th}ที่ได้รับจากใบนี้` : 'ใบนี้จึงไม่ร่วมกิจกรรมอีกต่อไป'} หากมีข้อสงสัยกรุณาติดต่อฝ่ายบริการลูกค้า`,
    en: `The e-invoice ${invoiceNumber} you registered was voided or returned by the store (per the Ministry of Finance e-invoice platform). ${lost.en ? `The ${lost.en} it earned have been taken back.` : 'It no longer counts for the campaign.'} Please contact us if you have questions.`,
  } satisfies Record<Locale, string>;
  const pick = (locale ?? 'en') in text ? (locale as Locale) : 'en';
  return [{ type: 'text', text: text[pick] }];
}

/** Why a win held for review was forfeited: the reviewer rejected the photo proof behind it. */
export const PROOF_REJECTED_REASON = 'proof_rejected';

/**
 * The chat message a member gets when a reviewer rejects the photo proof behind their draw win, in their
 * language, with the reviewer's reason (`review.<reason>`, the same words a rejected proof is told in).
 */
export function buildHeldProofRejectedMessages({
  locale,
  reasonCode,
  drawName,
}: {
  locale: string | null | undefined;
  reasonCode: string;
  drawName: Partial<Record<Locale, string>> | null;
}): { type: 'text'; text: string }[] {
  const pick: Locale = isLocale(locale) ? locale : 'en';
  const reason = describeReason(pick, reasonCode);
  const draw = drawName?.[pick] ?? drawName?.en ?? Object.values(drawName ?? {})[0] ?? '';
  const text = {
    'zh-TW': `我們在「${draw}」開獎前複核了您中獎登錄的收據照片：${reason}。因此這次中獎與這張收據獲得的點數、抽獎機會已取消。如有疑問，請聯絡客服。`,
    th: `เราได้ตรวจสอบรูปใบเสร็จที่ทำให้คุณได้รับรางวัลจาก "${draw}" แล้ว: ${reason} จึงยกเลิกรางวัลนี้ รวมถึงคะแนนและสิทธิ์ลุ้นรางวัลที่ได้รับจากใบเสร็จนี้ หากมีข้อสงสัยกรุณาติดต่อฝ่ายบริการลูกค้า`,
    en: `We checked the receipt photo behind your win in "${draw}": ${reason}. The win, and the points and draw entries that receipt earned, have been withdrawn. Please contact us if you have questions.`,
  } satisfies Record<Locale, string>;
  return [{ type: 'text', text: text[pick] }];
}
