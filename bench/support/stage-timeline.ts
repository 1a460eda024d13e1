import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { PGlite } from '@electric-sql/pglite';
import { statementKey } from './statement-profile.js';

/** One step of a timeline: a statement PGlite ran, or an HTTP request a client in this process sent. */
export type Step = { label: string; start: number; end: number; cpuMs: number };

/**
 * Records, while it is on, every statement PGlite runs on the serving thread (its wall time from its
 * first protocol message to its last, and the CPU inside the wasm) and every HTTP request sent with
 * `fetch` (the LINE simulator's webhook POST to the bot, the MoF call, the LINE reply), stamped with the
 * epoch in ms: a bench's own probe (`BENCH_LATENCY_STAGES=1`), never used by the application. Requests
 * to `skipPath` (the bench's own polling of the simulators) are left out. What lies between two steps is
 * waiting (timers, a batcher's quiet time, a hop of the event loop) or JavaScript work.
 */
export function startStageTimeline(pglite: PGlite, { skipPath = '/__sim/' }: { skipPath?: string } = {}) {
  const steps: Step[] = [];
  const epoch = () => performance.timeOrigin + performance.now();
  const target = pglite as unknown as { execProtocolRawSync: (message: Uint8Array) => Uint8Array };
  const original = target.execProtocolRawSync;
  const decoder = new TextDecoder();
  let current: Step | undefined;
  target.execProtocolRawSync = function (this: unknown, message: Uint8Array) {
    const start = epoch();
    // 'P' (parse) and 'Q' (simple query) start a statement; bind, execute and sync add to it.
    if (message[0] === 0x50 || message[0] === 0x51) {
      const at = message[0] === 0x50 ? message.indexOf(0, 5) + 1 : 5;
      current = {
        label: statementKey(decoder.decode(message.subarray(at, message.indexOf(0, at)))),
        start,
        end: start,
        cpuMs: 0,
      };
      steps.push(current);
    }
    const cpu = process.cpuUsage();
    try {
      return original.call(this, message);
    } finally {
      const used = process.cpuUsage(cpu);
      if (current) {
        current.end = epoch();
        current.cpuMs += (used.user + used.system) / 1000;
      }
    }
  };
  type UndiciRequest = { origin: string; path: string; method: string };
  const open = new WeakMap<object, Step>();
  const onCreate = (message: unknown) => {
    const { request } = message as { request: UndiciRequest };
    if (request.path.includes(skipPath)) return;
    const step = {
      label: `HTTP ${request.method} ${(request.path.split('?')[0] ?? '').replace(/\/U[0-9a-f]{32}/g, '/:userId')}`,
      start: epoch(),
      end: 0,
      cpuMs: 0,
    };
    open.set(request, step);
    steps.push(step);
  };
  const onHeaders = (message: unknown) => {
    const step = open.get((message as { request: object }).request);
    if (step) step.end = epoch();
  };
  subscribe('undici:request:create', onCreate);
  subscribe('undici:request:headers', onHeaders);
  return {
    /** The steps that started in [from, to), in the order they started. */
    between: (from: number, to: number) =>
      steps.filter((step) => step.start >= from && step.start < to).sort((a, b) => a.start - b.start),
    stop() {
      target.execProtocolRawSync = original;
      unsubscribe('undici:request:create', onCreate);
      unsubscribe('undici:request:headers', onHeaders);
    },
  };
}

/**
 * Prints the median timeline of `runs`: the steps most runs took (a step is its label and which occurrence
 * of it in its run; steps in fewer than 80 % of the runs — another worker's poll during the MoF call —
 * are left out), each one's start and end in ms after the run's own start (the LINE event's timestamp),
 * the gap before it (waiting or JavaScript since the previous kept step ended) and its CPU inside
 * PGlite's wasm, medians over the runs that took it. The first run (a process's first proof) is left out.
 */
export function printStageTimeline(runs: { at: number; answeredAt: number; steps: Step[] }[], title: string) {
  const warm = runs.slice(1);
  const keyed = warm.map((run) => {
    const seen = new Map<string, number>();
    const steps = new Map<string, Step>();
    for (const step of run.steps) {
      const n = (seen.get(step.label) ?? 0) + 1;
      seen.set(step.label, n);
      steps.set(n === 1 ? step.label : `${step.label} (#${n})`, step);
    }
    return { run, steps };
  });
  const counts = new Map<string, number>();
  for (const { steps } of keyed) for (const key of steps.keys()) counts.set(key, (counts.get(key) ?? 0) + 1);
  const median = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? 0;
  };
  const kept = [...counts]
    .filter(([, count]) => count >= 0.8 * warm.length)
    .map(([key]) => key)
    .sort(
      (a, b) =>
        median(
          keyed.flatMap(({ run, steps }) => (steps.has(a) ? [(steps.get(a) as Step).start - run.at] : [])),
        ) -
        median(
          keyed.flatMap(({ run, steps }) => (steps.has(b) ? [(steps.get(b) as Step).start - run.at] : [])),
        ),
    );
  const ms = (value: number) => value.toFixed(1).padStart(6);
  console.log(
    `  stage timeline, ${title}: ${warm.length} runs after the first, ${kept.length} steps (ms after the event's timestamp, medians)`,
  );
  console.log('    start    end    gap    cpu  step');
  kept.forEach((key, i) => {
    const of = (pick: (run: (typeof warm)[number], step: Step, previous: Step | undefined) => number) =>
      median(
        keyed.flatMap(({ run, steps }) => {
          const step = steps.get(key);
          return step ? [pick(run, step, i > 0 ? steps.get(kept[i - 1] as string) : undefined)] : [];
        }),
      );
    const start = of((run, step) => step.start - run.at);
    const end = of((run, step) => step.end - run.at);
    const gap = of((run, step, previous) => step.start - (previous ? previous.end : run.at));
    const cpu = of((_, step) => step.cpuMs);
    console.log(`  ${ms(start)} ${ms(end)} ${ms(gap)} ${ms(cpu)}  ${key.slice(0, 110)}`);
  });
  console.log(
    `  answered (the LINE simulator's time): ${ms(median(warm.map((run) => run.answeredAt - run.at)))}`,
  );
}
