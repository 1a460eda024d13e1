import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { parseWebhookBody } from '../../core/events/index.js';
import { isStorableJsonText, storableString } from '../../core/shared/storable-text.js';

const channel = { id: 'chan_1', brandId: 'brand_1' };
const receivedAt = new Date('2026-12-07T00:00:00Z');

/** Every string (keys too) in a JSON value. */
function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsOf);
  if (value && typeof value === 'object')
    return Object.entries(value).flatMap(([key, inner]) => [key, ...stringsOf(inner)]);
  return [];
}

// Text with what PostgreSQL refuses mixed in: U+0000, lone surrogates of either half, and pairs (emoji).
const risky = fc
  .array(
    fc.oneof(
      fc.string(),
      fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', '😀', 'ไทย', '\\u0000', '\\'),
    ),
    { maxLength: 6 },
  )
  .map((parts) => parts.join(''));

function eventWith(text: string, key: string, index: number) {
  return {
    type: 'message',
    webhookEventId: `EV${index}`,
    timestamp: 1_765_000_000_000,
    mode: 'active',
    replyToken: 'token',
    source: { type: 'user', userId: 'U1' },
    deliveryContext: { isRedelivery: false },
    message: { id: String(index), type: 'text', text, [key]: text },
  };
}

describe('a webhook body made storable (the inbox)', () => {
  test('every stored string is storable, and the original is kept exactly when one had to change', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(risky, risky), { minLength: 1, maxLength: 3 }),
        // The body as LINE sends it (JSON escapes lone surrogates and U+0000) or with them as they are.
        fc.boolean(),
        (texts, escaped) => {
          const events = texts.map(([text, key], index) => eventWith(text, `k${key}`, index));
          const json = JSON.stringify({ destination: 'U0', events });
          const body = escaped
            ? Buffer.from(json, 'utf8')
            : json.replace(/(?<!\\)\\u(d[89a-f][0-9a-f]{2})/g, (_, hex: string) =>
                String.fromCharCode(parseInt(hex, 16)),
              );
          const rows = parseWebhookBody({ channel, rawBody: body, receivedAt });
          expect(rows).toHaveLength(events.length);
          rows.forEach((row, index) => {
            for (const text of stringsOf(row.payload)) expect(storableString(text)).toBe(text);
            const original = events[index]!;
            const unstorable = stringsOf(original).some((text) => storableString(text) !== text);
            expect(row.rawJson !== null).toBe(unstorable);
          });
        },
      ),
      { numRuns: 300 },
    );
  });

  test('a text with nothing to make storable is seen as such at once; one with U+0000 or a surrogate is not', () => {
    expect(isStorableJsonText('{"text":"สวัสดี AB12345678 \\\\ \\"q\\""}')).toBe(true);
    expect(isStorableJsonText('{"text":"a\\u0000b"}')).toBe(false);
    expect(isStorableJsonText('{"text":"a\\ud800b"}')).toBe(false);
    expect(isStorableJsonText('{"text":"a\\uDFFFb"}')).toBe(false);
    expect(isStorableJsonText('{"text":"a\uD800b"}')).toBe(false);
    expect(isStorableJsonText('{"text":"😀"}')).toBe(false);
  });
});
