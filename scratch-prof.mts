import { canonicalOrder, digestEntriesInOrder } from '/work/wt-perf/core/draws/draws.ordering.ts';
import * as newA from '/work/wt-perf/core/draws/draws.algorithm.ts';
import { createIdGenerator } from '/work/wt-perf/core/shared/ids.ts';
let seed = 99;
const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
let t = 1_764_000_000_000;
const gen = createIdGenerator({ now: () => (t += Math.floor(rnd() * 2600)) });
const N = 1_000_000;
const big = Array.from({ length: N }, (_, i) => ({ id: gen('lotteryEntry'), member: 'p_' + (Math.floor(rnd() * 200000)).toString(16).padStart(20, '0'), weight: 1 + (i % 5) }));
for (let i = N - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [big[i], big[j]] = [big[j]!, big[i]!]; }
const time = (l: string, f: () => unknown) => { const s = performance.now(); const r = f(); console.log(l, Math.round(performance.now() - s)); return r; };
const rules = { prizes: [{ key: 'a', quantity: 10 }, { key: 'b', quantity: 100 }], maxWinsPerMember: 1, reserveCount: 20 };
for (let rep = 0; rep < 2; rep++) {
  time('baseline f64 sort 1M', () => Float64Array.from(big, () => rnd()).sort());
  const ids = time('ids map', () => big.map((e) => e.id)) as string[];
  const order = time('order', () => canonicalOrder(ids)) as Uint32Array;
  time('digest', () => digestEntriesInOrder(big, order));
  time('members map', () => { const m = new Map<string, number>(); for (const e of big) m.set(e.member, 1); });
  time('draw total', () => newA.drawWinners({ seed: 'cd'.repeat(32), entries: big, rules }));
}
