import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import type * as KitModuleNamespace from '../../test/line/line-test-kit.js';
import { round, type BenchCase, type BenchMeasurement } from '../bench.types.js';

// A benchmark is an entry point: its sizes come from its environment.
const PER_ROUND = Number(process.env.BENCH_ANSWER_CPU_N ?? 40);
const ROUNDS = Number(process.env.BENCH_ANSWER_CPU_ROUNDS ?? 3);
/** Another checkout (e.g. main before a change) measured in the same process, round for round. */
const OLD_ROOT = process.env.BENCH_ANSWER_CPU_OLD_ROOT;
const NEW_ROOT = resolve(import.meta.dirname, '../..');

type KitModule = typeof KitModuleNamespace;
type Kit = Awaited<ReturnType<KitModule['createLineTestKit']>>;
type Subject = { name: string; kit: Kit; queuedKit: Kit; module: KitModule; nextUser: number };

/**
 * The CPU one answer costs the process (`process.cpuUsage`, user + system, all threads): the webhook
 * worker claiming, answering and sending it (the LINE and MoF simulators, in the same process, answer
 * its calls), for a known member's `help` and a typed e-invoice (MoF sim at 0 ms, budget unlimited, so
 * each proof is checked in the request), and a typed e-invoice answered "received, checking" (the default
 * budget of 5/s with checks queued ahead: the answer of most proofs in a burst; nothing checks the queue
 * here). The events are stored first; only the worker's drain is timed.
 * With BENCH_ANSWER_CPU_OLD_ROOT=<another checkout>, that checkout's code runs in the same process,
 * alternating rounds with this one (median of BENCH_ANSWER_CPU_ROUNDS rounds of BENCH_ANSWER_CPU_N).
 */
const answerCpuBench: BenchCase = {
  name: 'CPU per chat answer (webhook worker: claim, answer, send)',
  issue: 17,
  run: async () => {
    const roots = OLD_ROOT
      ? [
          ['old', resolve(OLD_ROOT)],
          ['new', NEW_ROOT],
        ]
      : [['this', NEW_ROOT]];
    const subjects: Subject[] = [];
    for (const [name, root] of roots as [string, string][]) {
      const file = join(root, 'test/line/line-test-kit.ts');
      if (!existsSync(file)) throw new Error(`no test/line/line-test-kit.ts under ${root}`);
      const module = (await import(pathToFileURL(file).href)) as KitModule;
      const total = 2 * PER_ROUND * (ROUNDS + 1);
      const kit = await module.createLineTestKit({
        mof: { rateLimitPerSecond: 100_000 },
        invoices: module.greenTeaInvoices(total, invoiceNumberOf, PURCHASE_DATE(module)),
      });
      // The default budget (5/s, answer at once past 1.5 s): after the first few, every proof is queued.
      const queuedKit = await module.createLineTestKit({});
      subjects.push({ name, kit, queuedKit, module, nextUser: 0 });
    }
    try {
      const samples = new Map<string, number[]>();
      const add = (key: string, value: number) => samples.set(key, [...(samples.get(key) ?? []), value]);
      // Round 0 warms each up (JIT, PGlite's caches); it is not counted.
      for (let round = 0; round <= ROUNDS; round++)
        for (const subject of round % 2 === 0 ? subjects : [...subjects].reverse()) {
          const help = await cpuPerAnswer(subject, () => 'help');
          const proofText = (i: number) =>
            `${invoiceNumberOf(i)} ${subject.module.rocDate(PURCHASE_DATE(subject.module))} 1234`;
          const proof = await cpuPerAnswer(subject, proofText);
          const queued = await cpuPerAnswer(subject, proofText, subject.queuedKit);
          if (round === 0) continue;
          add(`${subject.name} help`, help);
          add(`${subject.name} proof`, proof);
          add(`${subject.name} queued`, queued);
        }
      const load = `load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`;
      // How many of the queued kit's proofs were answered "received, checking" (the rest: checked at once).
      const queuedShare = await Promise.all(
        subjects.map(async (subject) => {
          const [row] = await queryRows<{ queued: number; total: number }>(
            subject.queuedKit.services.database.db,
            sql`select count(*) filter (where reason_code = 'verification.queued')::int as queued,
                       count(*)::int as total from submissions`,
          );
          return `${subject.name}: ${row?.queued} of ${row?.total} queued`;
        }),
      );
      const out: BenchMeasurement[] = [];
      const labels = {
        help: '`help` (known member)',
        proof: 'typed e-invoice (known member, accepted)',
        queued: 'typed e-invoice (known member, "received, checking": queued for the MoF budget)',
      };
      for (const what of ['help', 'proof', 'queued'] as const) {
        const label = labels[what];
        const neu = median(samples.get(`${OLD_ROOT ? 'new' : 'this'} ${what}`) ?? []);
        const old = OLD_ROOT ? median(samples.get(`old ${what}`) ?? []) : undefined;
        out.push({
          metric: `CPU per answer, ${label}`,
          value: round(neu),
          unit: 'ms',
          ...(old !== undefined
            ? { baseline: { name: `same, ${OLD_ROOT}`, value: round(old) }, ratio: round(neu / old) }
            : {}),
          note: `median of ${ROUNDS} rounds of ${PER_ROUND}; ${what === 'queued' ? `${queuedShare.join(', ')} (the warm-up round's first are checked at once); ` : ''}${load}`,
        });
      }
      return out;
    } finally {
      for (const subject of subjects) {
        await subject.kit.close();
        await subject.queuedKit.close();
      }
    }
  },
};

const invoiceNumberOf = (i: number) => `CP${String(10_000_000 + i)}`;
const PURCHASE_DATE = (module: KitModule) => module.taipeiDaysAgo(1);
const userIdOf = (i: number) => `U${(0xc000_0000 + i).toString(16).padStart(32, '0')}`;

/**
 * PER_ROUND new members each send `text(i)` after a first `help` made them known (on `kit`, the subject's
 * own by default); CPU ms per answer.
 */
async function cpuPerAnswer(
  subject: Subject,
  text: (i: number) => string,
  kit: Kit = subject.kit,
): Promise<number> {
  const first = subject.nextUser;
  subject.nextUser += PER_ROUND;
  const users = Array.from({ length: PER_ROUND }, (_, k) => first + k);
  for (const i of users) {
    await fetch(`${kit.lineSim.url}/__sim/users/${userIdOf(i)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ displayName: `bench ${i}`, language: 'en' }),
    });
    await kit.userSends(userIdOf(i), { type: 'text', text: 'help' });
  }
  await kit.drain();
  for (const i of users) await kit.userSends(userIdOf(i), { type: 'text', text: text(i) });
  const before = process.cpuUsage();
  const answered = await kit.drain();
  const used = process.cpuUsage(before);
  if (answered !== PER_ROUND) throw new Error(`${subject.name}: ${answered} of ${PER_ROUND} answered`);
  return (used.user + used.system) / 1000 / PER_ROUND;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export default answerCpuBench;
