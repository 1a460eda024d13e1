/**
 * Text PostgreSQL cannot hold: U+0000 (refused in `text` and, even escaped, in `jsonb`) and lone UTF-16
 * surrogates (not encodable as UTF-8; refused escaped in `jsonb`). Pure helpers, used where outside
 * input is stored (the webhook inbox) and where it is refused (the HTTP NUL guard).
 */

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** The string with U+0000 removed and lone surrogates replaced by U+FFFD. */
export function storableString(value: string): string {
  return value.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

// A surrogate, paired or not: a string holding one is checked precisely. Most text holds none (and no
// U+0000), so most values are not copied.
const SURROGATE = /[\uD800-\uDFFF]/;

// A JSON escape of U+0000 or of a surrogate (`\u0000`, `\uD83D`): with U+0000 and surrogates as they are,
// the only ways a JSON text can give a string that holds one.
const UNSTORABLE_ESCAPE = /\\u(?:0000|[dD][89a-fA-F])/;

/**
 * Whether every string (keys too) a JSON text parses to is storable as it is, seen in the text at once: no
 * U+0000 or surrogate in it, escaped or not. `false` says only that the parsed value needs the closer
 * look of `storableJson` (a surrogate pair — an emoji — is storable too).
 */
export function isStorableJsonText(text: string): boolean {
  return !text.includes('\u0000') && !SURROGATE.test(text) && !UNSTORABLE_ESCAPE.test(text);
}

function isStorable(input: unknown): boolean {
  if (typeof input === 'string')
    return !input.includes('\u0000') && (!SURROGATE.test(input) || storableString(input) === input);
  if (Array.isArray(input)) return input.every(isStorable);
  if (input && typeof input === 'object') {
    for (const key in input) {
      if (!Object.hasOwn(input, key)) continue;
      if (!isStorable(key) || !isStorable((input as Record<string, unknown>)[key])) return false;
    }
  }
  return true;
}

/**
 * A JSON value with every string (keys too) made storable; `changed` says whether anything had to be
 * altered. An already storable value is returned as it is (not copied); otherwise a deep copy.
 */
export function storableJson<T>(value: T): { value: T; changed: boolean } {
  if (isStorable(value)) return { value, changed: false };
  let changed = false;
  const clean = (input: unknown): unknown => {
    if (typeof input === 'string') {
      const output = storableString(input);
      if (output !== input) changed = true;
      return output;
    }
    if (Array.isArray(input)) return input.map(clean);
    if (input && typeof input === 'object') {
      return Object.fromEntries(Object.entries(input).map(([key, inner]) => [clean(key), clean(inner)]));
    }
    return input;
  };
  const result = clean(value) as T;
  return { value: result, changed };
}

/**
 * The path (`email`, `items.0.name`) of the first string in a JSON value (keys too) that holds U+0000,
 * or undefined.
 */
export function findNulCharacter(value: unknown, path: string[] = []): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') ? path.join('.') : undefined;
  if (Array.isArray(value)) {
    for (const [index, inner] of value.entries()) {
      const found = findNulCharacter(inner, [...path, String(index)]);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes('\u0000')) return [...path, storableString(key)].join('.');
      const found = findNulCharacter(inner, [...path, key]);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
