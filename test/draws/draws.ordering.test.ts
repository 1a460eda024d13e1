import { createHash } from 'node:crypto';
import { describe, expect, test } from '@jest/globals';
import fc from 'fast-check';
import { canonicalOrder, digestEntriesInOrder } from '../../core/draws/draws.ordering.js';

/** The plain definitions of steps 1 and 2 (docs/decisions/003-auditable-draws.md). */
const plainOrder = (ids: string[]) =>
  ids.map((id, index) => ({ id, index })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
const plainDigest = (entries: { id: string; member: string; weight: number }[]) =>
  createHash('sha256')
    .update(entries.map((entry) => `${entry.id}\t${entry.member}\t${entry.weight}\n`).join(''), 'utf8')
    .digest('hex');

// Long enough lists that the radix path runs (short ranges are compared directly), from small
// alphabets (long shared prefixes, ids that are prefixes of others) and from any UTF-16 code unit.
const idOf = (alphabet: string[]) =>
  fc.tuple(fc.constantFrom('', 'ent_', 'ent_0k'), fc.array(fc.constantFrom(...alphabet), { maxLength: 16 }));
const idLists = fc.oneof(
  fc.uniqueArray(
    idOf(['a', 'b']).map(([prefix, chars]) => prefix + chars.join('')),
    {
      minLength: 300,
      maxLength: 1_500,
    },
  ),
  fc.uniqueArray(
    idOf(['0', '9', 'a', 'z', '_', 'é', '中', '\uffff', '\ud83d', '\ude00', '\u0000']).map(
      ([prefix, chars]) => prefix + chars.join(''),
    ),
    { minLength: 300, maxLength: 1_500 },
  ),
  fc.uniqueArray(fc.string({ unit: 'binary', maxLength: 12 }), { minLength: 300, maxLength: 1_500 }),
);

describe('the draw order and digest fast path', () => {
  test('when ids come in any order, then the canonical order is JavaScript string order (UTF-16 code units)', () => {
    fc.assert(
      fc.property(idLists, (ids) => {
        expect(Array.from(canonicalOrder(ids))).toEqual(plainOrder(ids).map(({ index }) => index));
      }),
      { numRuns: 60 },
    );
  });

  test('when ids are already in order, then the order is the identity', () => {
    const ids = Array.from({ length: 1_000 }, (_, index) => `ent_${String(index).padStart(6, '0')}`);
    expect(Array.from(canonicalOrder(ids))).toEqual(ids.map((_, index) => index));
  });

  test('when ids are prefixes of one another across every key width, then shorter ids come first', () => {
    const ids = Array.from({ length: 120 }, (_, index) => 'x'.repeat(index + 1)).flatMap((id) => [
      `${id}a`,
      id,
      `${id}\u0000`,
    ]);
    expect(Array.from(canonicalOrder(ids))).toEqual(plainOrder(ids).map(({ index }) => index));
  });

  test('when ids repeat, then equal ids keep their input order (as a stable sort would)', () => {
    const ids = Array.from({ length: 900 }, (_, index) => `ent_${index % 300}`);
    expect(Array.from(canonicalOrder(ids))).toEqual(plainOrder(ids).map(({ index }) => index));
  });

  test('when members and ids hold any text, then the digest is SHA-256 of the plain UTF-8 lines', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            id: fc.string({ unit: 'binary', maxLength: 20 }),
            member: fc.oneof(
              fc.string({ unit: 'grapheme', maxLength: 30 }),
              fc.constant('p_0123456789abcdef0123'),
            ),
            weight: fc.integer({ min: 1, max: 2 ** 40 }),
          }),
          { maxLength: 400 },
        ),
        (entries) => {
          const order = canonicalOrder(entries.map((entry) => entry.id));
          const inOrder = Array.from(order, (index) => entries[index] as (typeof entries)[number]);
          expect(digestEntriesInOrder(entries, order)).toBe(plainDigest(inOrder));
        },
      ),
      { numRuns: 100 },
    );
  });

  test('when one entry is larger than the write buffer, then it is still hashed whole', () => {
    const entries = [
      { id: 'a', member: 'x'.repeat(300_000), weight: 1 },
      { id: 'b', member: '中'.repeat(100_000), weight: 2 },
      { id: 'c', member: 'p_1', weight: 3 },
    ];
    expect(digestEntriesInOrder(entries, canonicalOrder(entries.map((entry) => entry.id)))).toBe(
      plainDigest(entries),
    );
  });
});
