import { createHash } from 'node:crypto';

/**
 * LINE's X-Line-Retry-Key for a message: a UUID derived from what causes it (brand + dedupe key), so
 * every retry of the same push — from this process, another worker or after a crash — reuses it.
 */
export function retryKeyFor({ brandId, dedupeKey }: { brandId: string; dedupeKey: string }): string {
  const hash = createHash('sha256').update(`${brandId}\u0000${dedupeKey}`).digest();
  // Shape it as an RFC 4122 version-5-style UUID (LINE wants a hexadecimal UUID).
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** A reply token is used only while this fresh (LINE's tokens last about a minute; we keep a margin). */
export const REPLY_TOKEN_FRESH_MS = 50_000;

/** Back-off before the next attempt: 5 s, 20 s, 80 s, … capped at 30 min. */
export function backoffMs(attempts: number): number {
  return Math.min(30 * 60_000, 5_000 * 4 ** Math.max(0, attempts - 1));
}

export const MAX_SEND_ATTEMPTS = 8;

/** LINE takes at most 5 message objects per request. */
export const MAX_MESSAGES_PER_REQUEST = 5;
