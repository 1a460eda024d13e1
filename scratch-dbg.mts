import { canonicalOrder } from '/work/wt-perf/core/draws/draws.ordering.ts';
let seed = 7;
const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const set = new Set<string>();
while (set.size < 600) { let s = 'x'; const len = 1 + Math.floor(rnd() * 14); for (let i = 0; i < len; i++) s += 'ab'[Math.floor(rnd() * 2)]; set.add(s); }
const ids = [...set];
const order = canonicalOrder(ids);
const got = Array.from(order, (i) => ids[i]!);
const want = [...ids].sort();
for (let i = 0; i < got.length; i++) if (got[i] !== want[i]) { console.log('first diff at', i, JSON.stringify(got.slice(i - 2, i + 3)), JSON.stringify(want.slice(i - 2, i + 3))); break; }
