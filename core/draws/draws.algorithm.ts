import { createHash, createHmac } from 'node:crypto';
import { canonicalOrder, digestEntriesInOrder, memberHash } from './draws.ordering.js';

/**
 * The auditable draw, version 1. Everything here is pure and depends only on published data, so
 * `proofline draw verify` (and anyone with Node and docs/decisions/003-auditable-draws.md) can recompute
 * the winners. Changing any step is a new version: old exports must keep verifying.
 */
export const DRAW_ALGORITHM_VERSION = 'proofline-draw-v1';

/** One line of the published entry list: the entry id, the member's pseudonym, the number of chances. */
export type PublishedEntry = { id: string; member: string; weight: number };

export type DrawRules = {
  /** Prizes in drawing order (first prize first); each is drawn `quantity` times. */
  prizes: { key: string; quantity: number }[];
  /** A member stops winning after this many picks (prizes and reserve places together). */
  maxWinsPerMember: number;
  /** Reserve winners drawn after the prizes, in order, to replace forfeited winners. */
  reserveCount: number;
};

export type DrawPick = {
  /** 1-based position in the drawing sequence. */
  rank: number;
  /** The prize key, or `reserve`. */
  prizeKey: string;
  entryId: string;
  member: string;
  isReserve: boolean;
};

export const RESERVE_PRIZE_KEY = 'reserve';

export type DrawInputProblem = { path: string; message: string };

const FIELD_PATTERN = /^[^\t\n\r]+$/;
// Uniform integers come from 48-bit chunks; the total weight must stay below it for rejection sampling.
const MAX_TOTAL_WEIGHT = 2 ** 48;

export function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The commitment published when the period opens: SHA-256 of the seed's UTF-8 text (64 hex chars). */
export function computeSeedHash(seed: string): string {
  return sha256Hex(Buffer.from(seed, 'utf8'));
}

/** Member pseudonym for the published list: HMAC-SHA256 keyed by a per-draw secret that is never revealed. */
export function pseudonymizeMember(pseudonymKey: string, memberId: string): string {
  return `p_${createHmac('sha256', pseudonymKey).update(memberId).digest('hex').slice(0, 20)}`;
}

/** Checks the published inputs; returns the problems instead of throwing (they come from a file). */
export function validateDrawInput(entries: PublishedEntry[], rules: DrawRules): DrawInputProblem[] {
  const problems: DrawInputProblem[] = [];
  const seen = new Set<string>();
  let total = 0;
  entries.forEach((entry, index) => {
    if (typeof entry.id !== 'string' || !FIELD_PATTERN.test(entry.id))
      problems.push({ path: `entries[${index}].id`, message: 'must be text without tabs or line breaks' });
    else if (seen.has(entry.id)) problems.push({ path: `entries[${index}].id`, message: 'is duplicated' });
    else seen.add(entry.id);
    if (typeof entry.member !== 'string' || !FIELD_PATTERN.test(entry.member))
      problems.push({
        path: `entries[${index}].member`,
        message: 'must be text without tabs or line breaks',
      });
    if (!Number.isSafeInteger(entry.weight) || entry.weight < 1)
      problems.push({ path: `entries[${index}].weight`, message: 'must be a whole number of at least 1' });
    else total += entry.weight;
  });
  if (total >= MAX_TOTAL_WEIGHT) problems.push({ path: 'entries', message: 'total weight is too large' });
  if (!Number.isSafeInteger(rules.maxWinsPerMember) || rules.maxWinsPerMember < 1)
    problems.push({ path: 'rules.maxWinsPerMember', message: 'must be at least 1' });
  if (!Number.isSafeInteger(rules.reserveCount) || rules.reserveCount < 0)
    problems.push({ path: 'rules.reserveCount', message: 'must be 0 or more' });
  const keys = new Set<string>();
  rules.prizes.forEach((prize, index) => {
    if (!prize.key || prize.key === RESERVE_PRIZE_KEY || keys.has(prize.key))
      problems.push({ path: `rules.prizes[${index}].key`, message: 'must be unique and not "reserve"' });
    keys.add(prize.key);
    if (!Number.isSafeInteger(prize.quantity) || prize.quantity < 1)
      problems.push({ path: `rules.prizes[${index}].quantity`, message: 'must be at least 1' });
  });
  return problems;
}

/** Step 1: canonical order — by entry id, comparing UTF-16 code units (not locale-aware), ascending. */
export function canonicalizeEntries(entries: PublishedEntry[]): PublishedEntry[] {
  const order = canonicalOrder(entries.map((entry) => entry.id));
  return Array.from(order, (index) => entries[index] as PublishedEntry);
}

/** Step 2: SHA-256 over `id TAB member TAB weight LF` for every entry in canonical order. */
export function computeEntriesDigest(canonicalEntries: PublishedEntry[]): string {
  const identity = new Uint32Array(canonicalEntries.length);
  for (let index = 0; index < identity.length; index++) identity[index] = index;
  return digestEntriesInOrder(canonicalEntries, identity);
}

/**
 * Step 3: the random stream. key = HMAC-SHA256(seed, "proofline-draw-v1\n" + entriesDigest); block i =
 * HMAC-SHA256(key, i as 8-byte big-endian); the stream is block 0, block 1, … A number below n takes the
 * next 6 bytes as a big-endian integer x and accepts it when x < floor(2^48 / n) × n (returning x mod n),
 * else takes the next 6 bytes: rejection keeps every outcome exactly equally likely.
 */
export function createDrawRandom(seed: string, entriesDigest: string) {
  const key = createHmac('sha256', Buffer.from(seed, 'utf8'))
    .update(`${DRAW_ALGORITHM_VERSION}\n${entriesDigest}`, 'utf8')
    .digest();
  let counter = 0n;
  let block = Buffer.alloc(0);
  let offset = 0;
  const nextBytes = (count: number): Buffer => {
    const out = Buffer.alloc(count);
    let written = 0;
    while (written < count) {
      if (offset >= block.length) {
        const index = Buffer.alloc(8);
        index.writeBigUInt64BE(counter++);
        block = createHmac('sha256', key).update(index).digest();
        offset = 0;
      }
      const take = Math.min(count - written, block.length - offset);
      block.copy(out, written, offset, offset + take);
      written += take;
      offset += take;
    }
    return out;
  };
  return {
    /** A uniform integer in [0, n), 1 ≤ n < 2^48. */
    below(n: number): number {
      const limit = Math.floor(MAX_TOTAL_WEIGHT / n) * n;
      for (;;) {
        const x = nextBytes(6).readUIntBE(0, 6);
        if (x < limit) return x % n;
      }
    },
  };
}

/** A Fenwick tree over the weights: prefix sums, point updates and "which entry holds ticket r" in O(log n). */
class WeightTree {
  private readonly tree: Float64Array;
  private readonly size: number;
  private readonly topBit: number;
  total = 0;

  constructor(weights: Float64Array) {
    this.size = weights.length;
    this.tree = new Float64Array(this.size + 1);
    for (let i = 0; i < this.size; i++) {
      this.tree[i + 1] = (this.tree[i + 1] as number) + (weights[i] as number);
      const parent = i + 1 + ((i + 1) & -(i + 1));
      if (parent <= this.size)
        this.tree[parent] = (this.tree[parent] as number) + (this.tree[i + 1] as number);
      this.total += weights[i] as number;
    }
    let bit = 1;
    while (bit * 2 <= this.size) bit *= 2;
    this.topBit = bit;
  }

  add(index: number, delta: number): void {
    this.total += delta;
    for (let i = index + 1; i <= this.size; i += i & -i) this.tree[i] = (this.tree[i] as number) + delta;
  }

  /** The index whose cumulative range [prefix before it, prefix through it) contains ticket r. */
  find(ticket: number): number {
    let position = 0;
    let remaining = ticket;
    for (let bit = this.topBit; bit > 0; bit >>= 1) {
      const next = position + bit;
      if (next <= this.size && (this.tree[next] as number) <= remaining) {
        position = next;
        remaining -= this.tree[next] as number;
      }
    }
    return position;
  }
}

/**
 * Step 4: weighted sampling without replacement, honouring the cap. Slots are the prizes in order, each
 * `quantity` times, then `reserveCount` reserve places. For each slot: r = below(total remaining weight);
 * the winning entry is the first in canonical order whose cumulative weight exceeds r; that entry leaves
 * the pool; when its member reaches `maxWinsPerMember` picks, all their entries leave the pool. The draw
 * stops early when the pool is empty (fewer entries than places).
 */
export function drawWinners({
  seed,
  entries,
  rules,
}: {
  seed: string;
  entries: PublishedEntry[];
  rules: DrawRules;
}): { entriesDigest: string; picks: DrawPick[] } {
  // The canonical order as a permutation: entry `order[k]` is k-th (no sorted copy of a million objects).
  const order = canonicalOrder(entries.map((entry) => entry.id));
  // One pass over the entries in that order: the digest, each place's weight and its member's hash.
  const weights = new Float64Array(order.length);
  const memberHashes = new Uint32Array(order.length);
  const entriesDigest = digestEntriesInOrder(entries, order, { weights, memberHashes });
  const random = createDrawRandom(seed, entriesDigest);
  const tree = new WeightTree(weights);
  const entryAt = (k: number) => entries[order[k] as number] as PublishedEntry;
  // Built on the first member to reach the cap (a draw whose cap is never reached never needs it): the
  // places in buckets by member hash (counting sort), so a member's entries are the few of one bucket
  // whose member is theirs.
  let byHash: { starts: Int32Array; positions: Int32Array; mask: number } | undefined;
  const entriesOf = (member: string): number[] => {
    if (!byHash) {
      let mask = 1;
      while (mask < order.length) mask *= 2;
      mask -= 1;
      const starts = new Int32Array(mask + 2);
      for (let k = 0; k < order.length; k++) {
        const next = ((memberHashes[k] as number) & mask) + 1;
        starts[next] = (starts[next] as number) + 1;
      }
      for (let b = 0; b <= mask; b++) starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
      const fill = starts.slice(0, mask + 1);
      const positions = new Int32Array(order.length);
      for (let k = 0; k < order.length; k++) {
        const bucket = (memberHashes[k] as number) & mask;
        const slot = fill[bucket] as number;
        fill[bucket] = slot + 1;
        positions[slot] = k;
      }
      byHash = { starts, positions, mask };
    }
    const bucket = memberHash(member) & byHash.mask;
    const found: number[] = [];
    for (let slot = byHash.starts[bucket] as number; slot < (byHash.starts[bucket + 1] as number); slot++) {
      const k = byHash.positions[slot] as number;
      if (entryAt(k).member === member) found.push(k);
    }
    return found;
  };
  const winsByMember = new Map<string, number>();
  const slots: { prizeKey: string; isReserve: boolean }[] = [];
  for (const prize of rules.prizes)
    for (let i = 0; i < prize.quantity; i++) slots.push({ prizeKey: prize.key, isReserve: false });
  for (let i = 0; i < rules.reserveCount; i++) slots.push({ prizeKey: RESERVE_PRIZE_KEY, isReserve: true });

  const picks: DrawPick[] = [];
  for (const slot of slots) {
    if (tree.total <= 0) break;
    const index = tree.find(random.below(tree.total));
    const entry = entryAt(index);
    tree.add(index, -(weights[index] as number));
    weights[index] = 0;
    const wins = (winsByMember.get(entry.member) ?? 0) + 1;
    winsByMember.set(entry.member, wins);
    if (wins >= rules.maxWinsPerMember) {
      for (const other of entriesOf(entry.member)) {
        if ((weights[other] as number) > 0) {
          tree.add(other, -(weights[other] as number));
          weights[other] = 0;
        }
      }
    }
    picks.push({
      rank: picks.length + 1,
      prizeKey: slot.prizeKey,
      entryId: entry.id,
      member: entry.member,
      isReserve: slot.isReserve,
    });
  }
  return { entriesDigest, picks };
}
