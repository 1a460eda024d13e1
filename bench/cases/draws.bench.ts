import { createHash } from 'node:crypto';
import { computeDrawWinners, type PublishedEntry } from '../../core/draws/index.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { mulberry32 } from '../../core/shared/seeded-random.js';
import { compare, medianMs, round, type BenchCase, type BenchMeasurement } from '../bench.types.js';

/** How many entries the draw ranks (`BENCH_DRAW_ENTRIES=100000 npm run bench -- draws`). */
const COUNT = Number(process.env.BENCH_DRAW_ENTRIES ?? 1_000_000);

/** Entries as a campaign month makes them: time-ordered ids, 1 member in 5 entries, weights 1–5. */
function generateEntries(count: number): PublishedEntry[] {
  const random = mulberry32(17);
  let now = Date.UTC(2026, 10, 1);
  const generateId = createIdGenerator({ now: () => (now += Math.floor(random() * 2_600)) });
  const entries = Array.from({ length: count }, () => ({
    id: generateId('lotteryEntry'),
    member: `p_${Math.floor(random() * (count / 5))
      .toString(16)
      .padStart(20, '0')}`,
    weight: 1 + Math.floor(random() * 5),
  }));
  // As the draw gets them (rows from the database, or a parsed export): flat strings, not the ropes
  // that building ids by concatenation leaves behind.
  return JSON.parse(JSON.stringify(entries)) as PublishedEntry[];
}

function shuffled<T>(items: T[]): T[] {
  const random = mulberry32(4);
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/**
 * The draw over a million entries (`draw run` gets them in id order from the database; `draw verify`
 * reads a published file in any order) against two baselines of the same run: steps 1–2 as the decision
 * record states them (a comparator sort of the entries, then the lines concatenated and hashed — the way
 * the draw did it before issue 17), and a native sort of as many numbers (the floor of any sort).
 */
const drawsBench: BenchCase = {
  name: 'draws: one draw over a million entries',
  issue: 17,
  run: async () => {
    const generated = generateEntries(COUNT);
    const anyOrder = shuffled(generated);
    // As `draw run` reads them: ORDER BY id (ids made in the same millisecond are not monotonic).
    const inOrder = [...generated].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const rules = {
      prizes: [
        { key: 'first', quantity: 10 },
        { key: 'second', quantity: 100 },
      ],
      maxWinsPerMember: 1,
      reserveCount: 20,
    };
    const seed = 'ab'.repeat(32);
    const numbers = Float64Array.from(anyOrder, (_, index) => Math.sin(index));

    const nativeSortMs = await medianMs(() => Float64Array.from(numbers).sort(), 3);
    const plainStepsMs = await medianMs(() => {
      const canonical = [...anyOrder].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      const hash = createHash('sha256');
      let buffer = '';
      for (const entry of canonical) {
        buffer += `${entry.id}\t${entry.member}\t${entry.weight}\n`;
        if (buffer.length > 65_536) {
          hash.update(buffer, 'utf8');
          buffer = '';
        }
      }
      return hash.update(buffer, 'utf8').digest('hex');
    }, 3);
    const anyOrderMs = await medianMs(() => computeDrawWinners({ seed, entries: anyOrder, rules }), 3);
    const inOrderMs = await medianMs(() => computeDrawWinners({ seed, entries: inOrder, rules }), 3);

    // CPU time (all threads) is steadier than wall time on a shared machine: same code, same run.
    const nativeCpuMs = await medianCpuMs(() => Float64Array.from(numbers).sort());
    const anyOrderCpuMs = await medianCpuMs(() => computeDrawWinners({ seed, entries: anyOrder, rules }));
    const inOrderCpuMs = await medianCpuMs(() => computeDrawWinners({ seed, entries: inOrder, rules }));

    const plain = { name: 'steps 1–2 alone, plain (comparator sort + string digest)', value: plainStepsMs };
    const native = { name: `native sort of ${COUNT} numbers`, value: nativeSortMs };
    return [
      compare(`draw, ${COUNT} entries in any order (draw verify)`, 'ms', anyOrderMs, plain),
      compare(`draw, ${COUNT} entries in any order (draw verify)`, 'ms', anyOrderMs, native),
      compare(`draw, ${COUNT} entries in id order (draw run)`, 'ms', inOrderMs, native),
      cpu(`CPU time: draw, ${COUNT} entries in any order (draw verify)`, anyOrderCpuMs, nativeCpuMs),
      cpu(`CPU time: draw, ${COUNT} entries in id order (draw run)`, inOrderCpuMs, nativeCpuMs),
    ];
  },
};

/** Median CPU time (ms, user + system, every thread of the process) of 3 runs after a warm-up. */
async function medianCpuMs(fn: () => unknown): Promise<number> {
  fn();
  const times: number[] = [];
  for (let run = 0; run < 3; run++) {
    const start = process.cpuUsage();
    fn();
    const used = process.cpuUsage(start);
    times.push((used.user + used.system) / 1000);
  }
  return times.sort((a, b) => a - b)[1] as number;
}

function cpu(metric: string, value: number, nativeSortMs: number): BenchMeasurement {
  return {
    ...compare(metric, 'ms', value, {
      name: `native sort of ${COUNT} numbers, CPU time`,
      value: nativeSortMs,
    }),
    note: `goal: the draw under 1 s; ${round(value)} ms of CPU`,
  };
}

export default drawsBench;
