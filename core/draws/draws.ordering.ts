import { createHash } from 'node:crypto';

/**
 * The fast path of steps 1 and 2 of the draw (docs/decisions/003-auditable-draws.md): the canonical order
 * as a permutation (no copies of the entries; one native sort of 64-bit keys for the bulk of it) and
 * the entries digest hashed in whole-line chunks. Both give exactly what the plain definitions give — string order
 * by UTF-16 code units, SHA-256 over `id TAB member TAB weight LF` in UTF-8 — only faster on a million
 * entries.
 */

/** Ranges this short are sorted by comparing the strings; longer ones by packed numeric keys. */
const COMPARE_SORT_MAX = 64;
/** Each key is one 64-bit integer: the id's next code units (as ranks) above the entry's place in its range. */
const KEY_WORD_BITS = 64;
/** Code units read per id and level (the key holds at most this many). */
const SPAN = 12;
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * The canonical order of `ids` (ascending by UTF-16 code units, as JavaScript's `<`): `order[k]` is the
 * index of the k-th id. Stable: equal ids keep their input order. Input already in order (as the
 * database hands it over) costs one pass.
 */
export function canonicalOrder(ids: readonly string[]): Uint32Array {
  const count = ids.length;
  const order = new Uint32Array(count);
  for (let index = 0; index < count; index++) order[index] = index;
  let sorted = true;
  for (let index = 1; index < count && sorted; index++)
    if ((ids[index - 1] as string) > (ids[index] as string)) sorted = false;
  if (!sorted) createKeySorter(ids).sort(order, 0, count, commonPrefixLength(ids));
  return order;
}

function commonPrefixLength(ids: readonly string[]): number {
  const first = ids[0] ?? '';
  let length = first.length;
  for (let index = 1; index < ids.length && length > 0; index++) {
    const id = ids[index] as string;
    let same = 0;
    const limit = Math.min(length, id.length);
    while (same < limit && id.charCodeAt(same) === first.charCodeAt(same)) same++;
    length = same;
  }
  return length;
}

/**
 * MSD by packed keys: at each level every id of the range gets one 64-bit integer — its code units from
 * `depth` on, each as its rank among the code units that occur there (0: the id ended), as many as fit
 * above the bits that number the range's entries — and one native sort of those integers orders the
 * range (ranks keep the code units' order; the entry number in the low bits keeps equal keys stable).
 * Runs of equal keys go one window deeper; short ranges compare strings.
 */
function createKeySorter(ids: readonly string[]) {
  const ranks = new Int32Array(1 << 16);
  const seen: number[] = [];

  const compareSort = (order: Uint32Array, start: number, end: number) => {
    const slice = Array.from(order.subarray(start, end));
    slice.sort((a, b) => {
      const x = ids[a] as string;
      const y = ids[b] as string;
      return x < y ? -1 : x > y ? 1 : 0;
    });
    order.set(slice, start);
  };

  const sort = (order: Uint32Array, start: number, end: number, depth: number): void => {
    const length = end - start;
    if (length <= COMPARE_SORT_MAX) return compareSort(order, start, end);
    // One read of each id (they lie all over the heap): its length and its next SPAN code units.
    const entries = order.slice(start, end);
    const lengths = new Int32Array(length);
    const units = new Uint16Array(length * SPAN);
    for (const unit of seen) ranks[unit] = 0;
    seen.length = 0;
    for (let j = 0; j < length; j++) {
      const id = ids[entries[j] as number] as string;
      lengths[j] = id.length;
      const stop = Math.min(id.length, depth + SPAN);
      for (let position = depth; position < stop; position++) {
        const unit = id.charCodeAt(position);
        units[j * SPAN + position - depth] = unit;
        if (ranks[unit] === 0) {
          ranks[unit] = 1;
          seen.push(unit);
        }
      }
    }
    // The code units that occur, ranked from 1 (0: the id ended); as many as fit in the key's bits.
    seen.sort((a, b) => a - b);
    seen.forEach((unit, rank) => (ranks[unit] = rank + 1));
    const indexBits = Math.max(1, Math.ceil(Math.log2(length)));
    const keyBits = KEY_WORD_BITS - indexBits;
    // The ranks are packed in a double first: at most 52 bits of them, exactly.
    const unitBits = Math.max(1, Math.ceil(Math.log2(seen.length + 1)));
    const window = Math.min(SPAN, Math.floor(Math.min(keyBits, 52) / unitBits));
    const lowKeySpan = 2 ** (32 - indexBits);
    const indexSpan = 2 ** indexBits;
    const shift = 2 ** (keyBits - window * unitBits);
    const unitSpan = 2 ** unitBits;
    const keys = new BigUint64Array(length);
    const words = new Uint32Array(keys.buffer);
    const [lowWord, highWord] = LITTLE_ENDIAN ? [0, 1] : [1, 0];
    for (let j = 0; j < length; j++) {
      const available = (lengths[j] as number) - depth;
      let key = 0;
      for (let position = 0; position < window; position++)
        key =
          key * unitSpan +
          (position < available ? (ranks[units[j * SPAN + position] as number] as number) : 0);
      key *= shift;
      const low = key % lowKeySpan;
      words[2 * j + lowWord] = low * indexSpan + j;
      words[2 * j + highWord] = (key - low) / lowKeySpan;
    }
    keys.sort();
    const entryOf = (j: number) => (words[2 * j + lowWord] as number) % indexSpan;
    for (let j = 0; j < length; j++) order[start + j] = entries[entryOf(j)] as number;

    // Runs of equal keys: the ids agree through the window; those that go on are ordered by what follows.
    const sameKey = (a: number, b: number) =>
      words[2 * a + highWord] === words[2 * b + highWord] &&
      Math.floor((words[2 * a + lowWord] as number) / indexSpan) ===
        Math.floor((words[2 * b + lowWord] as number) / indexSpan);
    let runStart = 0;
    for (let j = 1; j <= length; j++) {
      if (j < length && sameKey(j, runStart)) continue;
      if (j - runStart > 1 && (lengths[entryOf(runStart)] as number) >= depth + window)
        sort(order, start + runStart, start + j, depth + window);
      runStart = j;
    }
  };

  return { sort };
}

/** Lines are hashed in chunks of about this many UTF-16 code units (always ending with a whole line). */
const DIGEST_CHUNK_UNITS = 1 << 16;

/**
 * Step 2 over `entries` taken in `order`: SHA-256 (hex) of `id TAB member TAB weight LF` in UTF-8, for
 * each entry; the lines are joined into chunks that end on a line break, so no code unit pair is ever
 * split and the bytes are the plain definition's (no concatenated copy of the whole list). With `into`,
 * the same pass (each entry read once) also fills each place's weight and a hash of its member.
 */
export function digestEntriesInOrder(
  entries: readonly { id: string; member: string; weight: number }[],
  order: Uint32Array,
  into?: { weights: Float64Array; memberHashes: Uint32Array },
): string {
  const hash = createHash('sha256');
  let chunk = '';
  for (let k = 0; k < order.length; k++) {
    const entry = entries[order[k] as number] as { id: string; member: string; weight: number };
    chunk += entry.id + '\t' + entry.member + '\t' + entry.weight + '\n';
    if (chunk.length >= DIGEST_CHUNK_UNITS) {
      hash.update(chunk, 'utf8');
      chunk = '';
    }
    if (into) {
      into.weights[k] = entry.weight;
      into.memberHashes[k] = memberHash(entry.member);
    }
  }
  hash.update(chunk, 'utf8');
  return hash.digest('hex');
}

/**
 * A quick hash of a member's pseudonym (its length and last 8 code units, where pseudonyms differ): only
 * to find a member's entries among a million without a map of them; equal hashes are compared as text.
 */
export function memberHash(text: string): number {
  let hash = Math.imul(0x811c9dc5 ^ text.length, 0x01000193);
  for (let index = Math.max(0, text.length - 8); index < text.length; index++)
    hash = Math.imul(hash ^ text.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}
