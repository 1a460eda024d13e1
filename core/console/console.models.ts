import { createHash, randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { can, CONSOLE_PERMISSIONS } from './console.permissions.js';
import type { ConsoleRole } from './console.table.js';

export const CONSOLE_ROLES = [
  'owner',
  'marketer',
  'reviewer',
  'viewer',
] as const satisfies readonly ConsoleRole[];

/**
 * Roles that may decide review items. Approving a proof awards points and prizes, so it is kept to the
 * brand's owner and its reviewers; marketers run campaigns and viewers only read.
 */
export const REVIEW_ROLES: readonly ConsoleRole[] = CONSOLE_PERMISSIONS['review.decide'];

export function canReview(role: ConsoleRole): boolean {
  return can(role, 'review.decide');
}

/** @default at least 8 characters: the console guards members' personal data. */
export const MIN_PASSWORD_LENGTH = 8;

/** scrypt cost (OWASP's minimum for scrypt: N=2^17 is stronger but takes ~128 MB per hash). */
const SCRYPT_PARAMS = { N: 16_384, r: 8, p: 1 } as const;
const KEY_LENGTH = 64;
const SALT_BYTES = 16;

function deriveKey(password: string, salt: Buffer, { N, r, p }: { N: number; r: number; p: number }) {
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise<Buffer>((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    ),
  );
}

/** `scrypt$N$r$p$salt$hash` (salt and hash base64url), so parameters can be raised for new hashes. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(password, salt, SCRYPT_PARAMS);
  const { N, r, p } = SCRYPT_PARAMS;
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Constant-time comparison of a password with a stored hash; a malformed hash never matches. */
export async function verifyPassword(password: string, storedHash: string): Promise<boolean> {
  const parts = storedHash.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (![N, r, p].every((value) => Number.isInteger(value) && value > 0)) return false;
  const salt = Buffer.from(parts[4] as string, 'base64url');
  const expected = Buffer.from(parts[5] as string, 'base64url');
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await deriveKey(password, salt, { N, r, p });
  return timingSafeEqual(actual, expected);
}

let dummyHash: Promise<string> | undefined;
/**
 * A hash no password matches in practice, checked when the email is unknown so that a wrong email
 * costs the same scrypt work as a wrong password (no account enumeration by timing).
 */
export function getDummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(randomBytes(32).toString('base64url'));
  return dummyHash;
}

/** The session token the cookie carries: 32 random bytes, base64url. */
export function generateSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** What the database keeps of a session token: its SHA-256 (hex), so a leaked table opens no session. */
export function hashSessionToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isSessionExpired(session: { expiresAt: Date }, now: Date): boolean {
  return session.expiresAt.getTime() <= now.getTime();
}
