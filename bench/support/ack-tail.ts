import type { EventEmitter } from 'node:events';
import { PerformanceObserver, monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { DatabaseHandle } from '../../core/db/database.js';

/** A stretch of this process's time: a GC pause, or one of the webhook's insert statements. */
type Span = { start: number; end: number; kind: string };

/** V8's GC kinds (perf_hooks `constants.NODE_PERFORMANCE_GC_*`), as the report names them. */
const GC_KINDS: Record<number, string> = { 1: 'gc minor', 2: 'gc major', 4: 'gc incremental', 8: 'gc weak' };

/**
 * The insert statements a database handle runs, timed (wall), to set beside the slow requests: only while
 * `recording` (`recordTail` sets it for its run).
 */
export type StatementTimes = { spans: Span[]; cpuMs: number[]; recording?: boolean };

/**
 * The handle with its `simpleQuery` and `namedQuery` — the webhook's insert, and nothing else on its
 * path — timed into `times` while `times.recording`. The channel look-up goes through `db`, untouched.
 * Not recording, a statement pays nothing: `process.cpuUsage` (getrusage over every thread of the
 * process) twice a statement cost the unthrottled PGlite run ~9 % of its samples, a tax the baseline
 * never paid.
 */
export function timeStatements(database: DatabaseHandle, times: StatementTimes): DatabaseHandle {
  const timed = async <R>(run: () => Promise<R>): Promise<R> => {
    if (!times.recording) return run();
    const start = performance.now();
    const cpu = process.cpuUsage();
    try {
      return await run();
    } finally {
      const used = process.cpuUsage(cpu);
      times.spans.push({ start, end: performance.now(), kind: 'insert statement' });
      // The process's CPU while it ran (all threads): on PGlite's serving thread the statement's own plus
      // V8's GC helper threads; on a pool, whatever ran meanwhile.
      times.cpuMs.push((used.user + used.system) / 1000);
    }
  };
  const { simpleQuery, namedQuery } = database;
  return {
    ...database,
    simpleQuery: <T extends Record<string, unknown>>(text: string) => timed(() => simpleQuery<T>(text)),
    ...(namedQuery
      ? {
          namedQuery: <T extends Record<string, unknown>>(name: string, text: string, values: unknown[]) =>
            timed(() => namedQuery<T>(name, text, values)),
        }
      : {}),
  };
}

/**
 * Where the slowest 1 % of a load run's requests spent their time. Each response's interval (autocannon's
 * `response` event: its latency, ending now) is set against what this process did meanwhile — GC pauses
 * (perf_hooks), the insert statements (`timeStatements`) — and the rest is "other": the request's own
 * work, waiting behind other requests' work, and the time the OS gave to other processes. An interval
 * may overlap a GC pause and a statement at once (a GC inside the statement), so the parts can add up to
 * more than the latency. Also the event loop's delay (p99, max): how long a ready callback waited.
 *
 * Why the slow few decide p99 at a fixed rate: autocannon paces by second (each connection sends its
 * share of the second back to back, then waits for the next) and corrects for coordinated omission with
 * an expected interval of 1 ms, so a response that took N ms also records N − 1 synthetic ones (N − 1,
 * N − 2, … 1 ms): one stall of 40 ms over 10 connections adds ~400 of the ~5,000 values of a 5-second
 * run, and moves p99 on its own.
 */
export function recordTail(load: EventEmitter, statements?: StatementTimes) {
  const responses: { start: number; end: number }[] = [];
  const spans: Span[] = [];
  if (statements) statements.recording = true;
  const statementsFrom = statements?.spans.length ?? 0;
  const cpuFrom = statements?.cpuMs.length ?? 0;
  const gc = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = (entry as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      spans.push({
        start: entry.startTime,
        end: entry.startTime + entry.duration,
        kind: GC_KINDS[kind] ?? 'gc',
      });
    }
  });
  gc.observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  load.on('response', (_client: unknown, _status: number, _bytes: number, latencyMs: number) => {
    const end = performance.now();
    responses.push({ start: end - latencyMs, end });
  });

  return {
    /** Stops recording (after the run has ended) and summarises it. */
    stop: async () => {
      if (statements) statements.recording = false;
      delay.disable();
      // GC entries are delivered on a later turn of the event loop.
      await new Promise((resolve) => setImmediate(resolve));
      gc.disconnect();
      spans.push(...(statements?.spans.slice(statementsFrom) ?? []));
      const slowest = [...responses]
        .sort((a, b) => b.end - b.start - (a.end - a.start))
        .slice(0, Math.max(1, Math.ceil(responses.length / 100)));
      const parts = new Map<string, number>();
      let latency = 0;
      for (const response of slowest) {
        latency += response.end - response.start;
        // Each kind's time is the union of its spans inside the response: two inserts in flight at once
        // (PostgreSQL writes two batches side by side) cover the response once, not twice.
        const inside = spans
          .map((span) => ({
            kind: span.kind,
            start: Math.max(response.start, span.start),
            end: Math.min(response.end, span.end),
          }))
          .filter((span) => span.end > span.start);
        for (const kind of new Set(inside.map((span) => span.kind)))
          parts.set(kind, (parts.get(kind) ?? 0) + unionMs(inside.filter((span) => span.kind === kind)));
        parts.set('other', (parts.get('other') ?? 0) + response.end - response.start - unionMs(inside));
      }
      const n = slowest.length;
      const statementCpu = (statements?.cpuMs.slice(cpuFrom) ?? []).sort((a, b) => a - b);
      const gcPauses = spans.filter((span) => span.kind.startsWith('gc'));
      return {
        slowestMeanMs: n > 0 ? latency / n : 0,
        slowestCount: n,
        /** Mean ms of each part over the slowest 1 %, largest first. */
        parts: [...parts.entries()]
          .map(([kind, ms]) => ({ kind, ms: ms / Math.max(1, n) }))
          .sort((a, b) => b.ms - a.ms),
        eventLoopDelayMs: { p99: delay.percentile(99) / 1e6, max: delay.max / 1e6 },
        gc: {
          count: gcPauses.length,
          totalMs: gcPauses.reduce((sum, span) => sum + span.end - span.start, 0),
          maxMs: Math.max(0, ...gcPauses.map((span) => span.end - span.start)),
        },
        statementCpuMs: statementCpu.length
          ? {
              count: statementCpu.length,
              p50: statementCpu[Math.floor(statementCpu.length / 2)] ?? 0,
              p99: statementCpu[Math.floor(statementCpu.length * 0.99)] ?? 0,
              max: statementCpu[statementCpu.length - 1] ?? 0,
            }
          : undefined,
      };
    },
  };
}

export type TailReport = Awaited<ReturnType<ReturnType<typeof recordTail>['stop']>>;

/** One line for a measurement's note. */
export function describeTail(tail: TailReport): string {
  const ms = (value: number) => (value >= 10 ? value.toFixed(0) : value.toFixed(1));
  const parts = tail.parts.map((part) => `${part.kind} ${ms(part.ms)}`).join(', ');
  const statements = tail.statementCpuMs
    ? `; insert statements ${tail.statementCpuMs.count}, CPU p50 ${ms(tail.statementCpuMs.p50)} / p99 ${ms(tail.statementCpuMs.p99)} / max ${ms(tail.statementCpuMs.max)} ms`
    : '';
  return (
    `slowest 1 % (${tail.slowestCount}) mean ${ms(tail.slowestMeanMs)} ms: ${parts}; ` +
    `event-loop delay p99 ${ms(tail.eventLoopDelayMs.p99)} / max ${ms(tail.eventLoopDelayMs.max)} ms; ` +
    `GC ${tail.gc.count} pauses, ${ms(tail.gc.totalMs)} ms, longest ${ms(tail.gc.maxMs)}${statements}`
  );
}

/** The time covered by at least one of `spans`. */
export function unionMs(spans: readonly { start: number; end: number }[]): number {
  let covered = 0;
  let reach = -Infinity;
  for (const span of [...spans].sort((a, b) => a.start - b.start)) {
    if (span.end <= reach) continue;
    covered += span.end - Math.max(span.start, reach);
    reach = span.end;
  }
  return covered;
}
