import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';

/**
 * Attempts one client (address) may make at one account at once; each further one waits a growing delay
 * (1 s, 2 s, 4 s, … up to 15 min) after the one before.
 */
export const SIGN_IN_FREE_ATTEMPTS_PER_ADDRESS = 5;
/** Attempts from all clients together at one account before the same growing delay applies to everyone. */
export const SIGN_IN_FREE_ATTEMPTS_PER_ACCOUNT = 50;
/** A key's count starts again after this long without an attempt. */
export const SIGN_IN_WINDOW_MS = 15 * 60_000;
const MAX_DELAY_MS = 15 * 60_000;

export type ThrottleKey = { key: string; freeAttempts: number };

export function signInThrottleKeys({ email, ip }: { email: string; ip: string | undefined }): {
  pair: ThrottleKey;
  account: ThrottleKey;
} {
  return {
    pair: { key: `pair:${email} ${ip ?? 'unknown'}`, freeAttempts: SIGN_IN_FREE_ATTEMPTS_PER_ADDRESS },
    account: { key: `account:${email}`, freeAttempts: SIGN_IN_FREE_ATTEMPTS_PER_ACCOUNT },
  };
}

/**
 * Counts one attempt against `key` if it may be checked now, in one atomic statement (an upsert that
 * only updates a row whose delay has passed), so of N concurrent attempts exactly the allowed ones get
 * through. Returns `{ allowed: false, retryAfterMs }` when the key is waiting out its delay.
 */
export async function reserveSignInAttempt(
  db: Executor,
  { key, freeAttempts }: ThrottleKey,
  now: Date,
): Promise<{ allowed: true } | { allowed: false; retryAfterMs: number }> {
  const nowIso = now.toISOString();
  const windowStart = new Date(now.getTime() - SIGN_IN_WINDOW_MS).toISOString();
  // The delay set by this attempt, computed in SQL from the new count: 1 s · 2^(count − free), capped.
  const rows = await queryRows<{ attempts: number }>(
    db,
    sql`insert into console_sign_in_throttle as t (key, attempts, last_attempt_at, blocked_until)
        values (${key}, 1, ${nowIso}::timestamptz, null)
        on conflict (key) do update set
          attempts = case when t.last_attempt_at < ${windowStart}::timestamptz then 1 else t.attempts + 1 end,
          last_attempt_at = ${nowIso}::timestamptz,
          blocked_until = case
            when (case when t.last_attempt_at < ${windowStart}::timestamptz then 1 else t.attempts + 1 end)
                 < ${freeAttempts} then null
            else ${nowIso}::timestamptz + least(
              ${MAX_DELAY_MS / 1000}::float8,
              power(2::float8, least(30, (case when t.last_attempt_at < ${windowStart}::timestamptz
                then 1 else t.attempts + 1 end) - ${freeAttempts}))
            ) * interval '1 second'
          end
        where t.blocked_until is null or t.blocked_until <= ${nowIso}::timestamptz
        returning t.attempts`,
  );
  if (rows.length > 0) return { allowed: true };
  const [blocked] = await queryRows<{ blocked_until: string | Date | null }>(
    db,
    sql`select blocked_until from console_sign_in_throttle where key = ${key}`,
  );
  const until = blocked?.blocked_until ? new Date(blocked.blocked_until).getTime() : now.getTime();
  return { allowed: false, retryAfterMs: Math.max(1_000, until - now.getTime()) };
}

/** Takes back an attempt that turned out not to be a failure (the right password, or not checked at all). */
export async function releaseSignInAttempt(
  db: Executor,
  { key }: ThrottleKey,
  { forgetAll = false }: { forgetAll?: boolean } = {},
): Promise<void> {
  await db.execute(
    forgetAll
      ? sql`delete from console_sign_in_throttle where key = ${key}`
      : sql`update console_sign_in_throttle set attempts = greatest(0, attempts - 1) where key = ${key}`,
  );
}
