import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { round, type BenchCase, type BenchMeasurement } from '../bench.types.js';
import type { SubjectReply, SubjectRequest } from '../support/answer-cpu-subject.js';

// A benchmark is an entry point: its sizes come from its environment (the subjects read the same).
const PER_ROUND = Number(process.env.BENCH_ANSWER_CPU_N ?? 40);
const ROUNDS = Number(process.env.BENCH_ANSWER_CPU_ROUNDS ?? 3);
/** Another checkout (e.g. main before a change) measured round for round beside this one. */
const OLD_ROOT = process.env.BENCH_ANSWER_CPU_OLD_ROOT;
const NEW_ROOT = resolve(import.meta.dirname, '../..');
const SUBJECT_FILE = join(import.meta.dirname, '../support/answer-cpu-subject.ts');

type Subject = { name: string; child: ChildProcess; replies: SubjectReply[]; waiting?: () => void };

/**
 * The CPU one answer costs (`process.cpuUsage`, user + system, all threads): the webhook worker claiming,
 * answering and sending it (the LINE and MoF simulators, in the same process, answer its calls), for a
 * known member's `help` and a typed e-invoice (MoF sim at 0 ms, budget unlimited, so each proof is checked
 * in the request), and a typed e-invoice answered "received, checking" (the default budget of 5/s with
 * checks queued ahead: the answer of most proofs in a burst; nothing checks the queue here). The events
 * are stored first; only the worker's drain is timed.
 * Each checkout runs in a process of its own (bench/support/answer-cpu-subject.ts): measured in one
 * process, the checkout loaded first read 7–12 % cheaper against a clone of itself (A/A, 2026-12-07).
 * With BENCH_ANSWER_CPU_OLD_ROOT=<another checkout>, its process and this checkout's alternate rounds
 * (median of BENCH_ANSWER_CPU_ROUNDS rounds of BENCH_ANSWER_CPU_N, after a warm-up round; the order
 * within a round swaps each round).
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
    try {
      for (const [name, root] of roots as [string, string][]) {
        if (!existsSync(join(root, 'test/line/line-test-kit.ts')))
          throw new Error(`no test/line/line-test-kit.ts under ${root}`);
        subjects.push(startSubject(name, root));
      }
      for (const subject of subjects) await nextReply(subject, 'ready');
      const samples = new Map<string, number[]>();
      const add = (key: string, value: number) => samples.set(key, [...(samples.get(key) ?? []), value]);
      // Round 0 warms each up (JIT, PGlite's caches); it is not counted.
      for (let round = 0; round <= ROUNDS; round++)
        for (const subject of round % 2 === 0 ? subjects : [...subjects].reverse()) {
          const { help, proof, queued } = await ask(subject, { kind: 'round' }, 'round');
          if (round === 0) continue;
          add(`${subject.name} help`, help);
          add(`${subject.name} proof`, proof);
          add(`${subject.name} queued`, queued);
        }
      const load = `load average ${loadavg()
        .map((value) => value.toFixed(1))
        .join(' ')}`;
      const queuedShare: string[] = [];
      for (const subject of subjects)
        queuedShare.push(`${subject.name}: ${(await ask(subject, { kind: 'close' }, 'closed')).queuedShare}`);
      const out: BenchMeasurement[] = [];
      const labels = {
        help: '`help` (known member)',
        proof: 'typed e-invoice (known member, accepted)',
        queued: 'typed e-invoice (known member, "received, checking": queued for the MoF budget)',
      };
      for (const what of ['help', 'proof', 'queued'] as const) {
        const label = labels[what];
        const neuRounds = samples.get(`${OLD_ROOT ? 'new' : 'this'} ${what}`) ?? [];
        const oldRounds = OLD_ROOT ? (samples.get(`old ${what}`) ?? []) : undefined;
        const neu = median(neuRounds);
        const old = oldRounds ? median(oldRounds) : undefined;
        // Each round's figure, so the spread the median hides can be read.
        const perRound = [neuRounds, ...(oldRounds ? [oldRounds] : [])]
          .map((values) => values.map((value) => value.toFixed(1)).join(' / '))
          .join(' vs ');
        out.push({
          metric: `CPU per answer, ${label}`,
          value: round(neu),
          unit: 'ms',
          ...(old !== undefined
            ? { baseline: { name: `same, ${OLD_ROOT}`, value: round(old) }, ratio: round(neu / old) }
            : {}),
          note: `median of ${ROUNDS} rounds of ${PER_ROUND} (${perRound} ms), a process per checkout; ${what === 'queued' ? `${queuedShare.join(', ')} (the warm-up round's first are checked at once); ` : ''}${load}`,
        });
      }
      return out;
    } finally {
      for (const subject of subjects) if (subject.child.exitCode === null) subject.child.kill();
    }
  },
};

/** The checkout at `root` in a child process (tsx, as this one), its replies queued as they come. */
function startSubject(name: string, root: string): Subject {
  const child = fork(SUBJECT_FILE, [root], {
    cwd: root,
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const subject: Subject = { name, child, replies: [] };
  const wake = () => {
    const waiting = subject.waiting;
    subject.waiting = undefined;
    waiting?.();
  };
  child.on('message', (message: SubjectReply) => {
    subject.replies.push(message);
    wake();
  });
  child.on('exit', wake);
  return subject;
}

async function ask<K extends SubjectReply['kind']>(
  subject: Subject,
  request: SubjectRequest,
  kind: K,
): Promise<Extract<SubjectReply, { kind: K }>> {
  subject.child.send(request);
  return nextReply(subject, kind);
}

async function nextReply<K extends SubjectReply['kind']>(
  subject: Subject,
  kind: K,
): Promise<Extract<SubjectReply, { kind: K }>> {
  while (subject.replies.length === 0) {
    if (subject.child.exitCode !== null || subject.child.signalCode !== null)
      throw new Error(
        `${subject.name}: its process ended (${subject.child.exitCode ?? subject.child.signalCode})`,
      );
    await new Promise<void>((resolveWait) => (subject.waiting = resolveWait));
  }
  const reply = subject.replies.shift()!;
  if (reply.kind === 'failed') throw new Error(`${subject.name}: ${reply.message}`);
  if (reply.kind !== kind) throw new Error(`${subject.name}: expected ${kind}, got ${reply.kind}`);
  return reply as Extract<SubjectReply, { kind: K }>;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export default answerCpuBench;
