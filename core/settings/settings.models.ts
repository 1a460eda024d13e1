/** How much of a secret the console shows: enough to tell two apart, never enough to use one. */
const VISIBLE_TAIL = 4;

/** `••••••••a1b2`: a secret as the console shows it (the browser never gets the secret itself). */
export function maskSecret(secret: string): string {
  if (secret.length <= VISIBLE_TAIL * 2) return '•'.repeat(8);
  return `${'•'.repeat(8)}${secret.slice(-VISIBLE_TAIL)}`;
}

/** The URL to paste into the LINE Developers console as the channel's webhook. */
export function webhookUrlOf(baseUrl: string, lineChannelId: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/webhook/${encodeURIComponent(lineChannelId)}`;
}

/** An IANA time zone this runtime knows (`Asia/Taipei`, `Asia/Bangkok`). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(timeZone);
  } catch {
    return false;
  }
}

/** The fields whose value changes, each with its old and new value (for the audit row). */
export function changesOf<T extends Record<string, unknown>>(
  before: T,
  patch: Partial<T>,
): Record<string, { from: unknown; to: unknown }> {
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  for (const [key, value] of Object.entries(patch))
    if (value !== undefined && before[key] !== value) changes[key] = { from: before[key], to: value };
  return changes;
}
