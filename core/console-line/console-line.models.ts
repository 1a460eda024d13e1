import { createHash, randomInt, timingSafeEqual } from 'node:crypto';

/** A one-time code is good for 10 minutes and 5 tries; a new one at most once a minute. */
export const CODE_TTL_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
export const CODE_RESEND_AFTER_MS = 60_000;

/** Six digits, uniformly drawn. */
export function generateLinkCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The code's hash, bound to the user and brand it was sent for. */
export function hashLinkCode(code: string, { userId, brandId }: { userId: string; brandId: string }): string {
  return createHash('sha256').update(`${userId}:${brandId}:${code.trim()}`).digest('hex');
}

export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, 'hex');
  const right = Buffer.from(b, 'hex');
  return left.length === right.length && timingSafeEqual(left, right);
}

/** The message that carries the code, in the console user's language. */
export function linkCodeText(code: string, locale: string): string {
  if (locale === 'zh-TW') return `Proofline 後台驗證碼：${code}（10 分鐘內有效）。不是你要求的話，請忽略。`;
  if (locale === 'th') return `รหัสยืนยัน Proofline console: ${code} (ใช้ได้ 10 นาที) หากคุณไม่ได้ขอ โปรดเพิกเฉย`;
  return `Your Proofline console code: ${code} (valid for 10 minutes). If you did not ask for it, ignore it.`;
}
