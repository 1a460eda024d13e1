import * as oldA from '/work/wt-perf/core/draws/draws.algorithm.old.ts';
import * as newA from '/work/wt-perf/core/draws/draws.algorithm.ts';
let seed = 12345;
const rnd = () => { seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
const alphabets = ['ab', 'abcdefghijklmnopqrstuvwxyz0123456789_', 'aé中😀z\u00ff\uffff\ud800x', '0123456789abcdefghjkmnpqrstvwxyz'];
let fails = 0;
for (let trial = 0; trial < 300; trial++) {
  const n = Math.floor(rnd() ** 2 * 3000) + 1;
  const alpha = alphabets[trial % alphabets.length]!;
  const prefix = trial % 3 === 0 ? 'ent_0abc' : trial % 3 === 1 ? '' : 'x';
  const ids = new Set<string>();
  while (ids.size < n) { let s = prefix; const len = 1 + Math.floor(rnd() * 14); for (let i = 0; i < len; i++) s += alpha[Math.floor(rnd() * alpha.length)]; if (s.length === 0) s = 'q'; ids.add(s); }
  const entries = [...ids].map((id, i) => ({ id, member: `p_${Math.floor(rnd() * (n / 3 + 1))}${trial % 4 === 2 ? 'é' : ''}`, weight: 1 + Math.floor(rnd() * 7) }));
  if (trial % 7 === 0) entries.sort((a, b) => (a.id < b.id ? -1 : 1));
  const rules = { prizes: [{ key: 'a', quantity: 1 + (trial % 5) }, { key: 'b', quantity: 20 }], maxWinsPerMember: 1 + (trial % 3), reserveCount: 5 };
  const s = 'ab'.repeat(32);
  process.stderr.write(trial + ' ');
  const a = oldA.drawWinners({ seed: s, entries, rules });
  const b = newA.drawWinners({ seed: s, entries, rules });
  const c1 = oldA.canonicalizeEntries(entries).map((e) => e.id).join('\n');
  const c2 = newA.canonicalizeEntries(entries).map((e) => e.id).join('\n');
  if (JSON.stringify(a) !== JSON.stringify(b) || c1 !== c2) { fails++; console.log('MISMATCH', trial, n, alpha); }
}
console.log('fails', fails);
// big with time-ordered ids
const { createIdGenerator } = await import('/work/wt-perf/core/shared/ids.ts');
let t = 1_764_000_000_000;
const gen = createIdGenerator({ now: () => (t += Math.floor(rnd() * 2600)) });
const N = 1_000_000;
const big = Array.from({ length: N }, (_, i) => ({ id: gen('lotteryEntry'), member: 'p_' + (Math.floor(rnd() * 200000)).toString(16).padStart(20, '0'), weight: 1 + (i % 5) }));
for (let i = N - 1; i > 0; i--) { const j = Math.floor(rnd() * (i + 1)); [big[i], big[j]] = [big[j]!, big[i]!]; }
const rules = { prizes: [{ key: 'a', quantity: 10 }, { key: 'b', quantity: 100 }], maxWinsPerMember: 1, reserveCount: 20 };
const time = (f: () => unknown) => { const s = performance.now(); const r = f(); return [performance.now() - s, r] as const; };
for (let rep = 0; rep < 0; rep++) {
  const [to, ro] = time(() => oldA.drawWinners({ seed: 'cd'.repeat(32), entries: big, rules }));
  const [tn, rn] = time(() => newA.drawWinners({ seed: 'cd'.repeat(32), entries: big, rules }));
  const sorted = newA.canonicalizeEntries(big);
  const [ts] = time(() => newA.drawWinners({ seed: 'cd'.repeat(32), entries: sorted, rules }));
  console.log('old', Math.round(to), 'new shuffled', Math.round(tn), 'new presorted', Math.round(ts), 'same', JSON.stringify(ro) === JSON.stringify(rn));
}
