import { performance } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** What one look at the process tells: how busy its event loop was since the last look, and its V8 heap. */
export type IdleHeapSample = {
  /** Share of the interval the event loop spent working (0–1). */
  utilization: number;
  /** V8 heap pages resident (`total_physical_size`). */
  heapBytes: number;
};

export type IdleHeapState = {
  /** The heap's size after the last collection this made (or when watching began). */
  baselineBytes: number;
  /** Intervals in a row the event loop was idle. */
  idleIntervals: number;
  /** A first collection was made; a second follows if the next interval is idle too. */
  collectedOnce: boolean;
};

export type IdleHeapOptions = {
  /** Utilization below which an interval counts as idle. */
  idleUtilization: number;
  /** Idle intervals in a row before a collection. */
  idleIntervals: number;
  /** How far the heap must have grown over the baseline for a collection to be worth its pause. */
  growthBytes: number;
};

/**
 * An idle local-mode server's event loop is 2–7 % busy at load 20–25 on two cores (its polls and the
 * PGlite thread's answers, slowed by the load): 15 % still means idle, and a 40–70 ms collection then
 * delays a rare request at most that much.
 */
export const IDLE_HEAP_DEFAULTS: IdleHeapOptions & { intervalMs: number } = {
  intervalMs: 5_000,
  idleUtilization: 0.15,
  idleIntervals: 2,
  growthBytes: 16 * 1024 * 1024,
};

export function initialIdleHeapState(heapBytes: number): IdleHeapState {
  return { baselineBytes: heapBytes, idleIntervals: 0, collectedOnce: false };
}

/**
 * Whether to collect now. Once the process has been idle for `idleIntervals` and its heap has grown by
 * `growthBytes` since the last time, a full collection gives back the old space a burst filled; a second
 * one an idle interval later lets V8 shrink the young generation too (V8 shrinks it only when it sees a
 * low allocation rate since its previous collection). Work in between cancels the second one.
 */
export function nextIdleHeapStep(
  state: IdleHeapState,
  sample: IdleHeapSample,
  options: IdleHeapOptions,
): { state: IdleHeapState; collect: boolean } {
  const idle = sample.utilization < options.idleUtilization;
  if (!idle) return { state: { ...state, idleIntervals: 0, collectedOnce: false }, collect: false };
  const idleIntervals = state.idleIntervals + 1;
  if (state.collectedOnce) return { state: { ...state, idleIntervals, collectedOnce: false }, collect: true };
  const grown = sample.heapBytes > state.baselineBytes + options.growthBytes;
  if (idleIntervals >= options.idleIntervals && grown)
    return { state: { ...state, idleIntervals, collectedOnce: true }, collect: true };
  return { state: { ...state, idleIntervals }, collect: false };
}

/** V8's full collection, reached without starting node with `--expose-gc`. */
function fullCollection(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  setFlagsFromString('--no-expose-gc');
  return gc;
}

/**
 * Gives back the V8 heap a burst of work grew, once the process is idle (docs/decisions/012, 2026-12-07).
 * V8 collects the old space when it nears its limit, not when the work stops, and shrinks the young
 * generation only after a collection at a low allocation rate: a local-mode server that answered 200
 * chats held ~65 MB more of main-thread heap 30 s later (dead objects and a regrown young generation),
 * and an idle server allocates too little to reach either. Every `intervalMs` it looks at the event
 * loop's utilization and the heap's size (`nextIdleHeapStep`); a collection pauses the thread for tens
 * of milliseconds, only when it was idle for a while, and at most twice per growth. Returns a stop.
 */
export function watchIdleHeap(
  options: Partial<typeof IDLE_HEAP_DEFAULTS> & {
    onCollected?: (collection: { beforeBytes: number; afterBytes: number; ms: number }) => void;
  } = {},
): () => void {
  const settings = { ...IDLE_HEAP_DEFAULTS, ...options };
  const heapBytes = () => getHeapStatistics().total_physical_size;
  let state = initialIdleHeapState(heapBytes());
  let last = performance.eventLoopUtilization();
  let collect: (() => void) | undefined;
  const timer = setInterval(() => {
    const now = performance.eventLoopUtilization();
    const { utilization } = performance.eventLoopUtilization(now, last);
    last = now;
    const beforeBytes = heapBytes();
    const step = nextIdleHeapStep(state, { utilization, heapBytes: beforeBytes }, settings);
    state = step.state;
    if (!step.collect) return;
    collect ??= fullCollection();
    const started = performance.now();
    collect();
    const afterBytes = heapBytes();
    state = { ...state, baselineBytes: afterBytes };
    options.onCollected?.({ beforeBytes, afterBytes, ms: performance.now() - started });
    // The collection's own time is not the server's work.
    last = performance.eventLoopUtilization();
  }, settings.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
