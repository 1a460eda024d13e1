import type { PgliteThreadMode } from '../../core/db/pglite-thread.js';

/**
 * Where the benches that run on PGlite run it: `BENCH_PGLITE_THREAD` = `main` (the default), `worker`, or
 * `main,worker` (both in the same run, side by side; `PGLITE_THREAD` in core/config).
 */
export function benchPgliteThreads(): PgliteThreadMode[] {
  const modes = (process.env.BENCH_PGLITE_THREAD ?? 'main').split(',').map((mode) => mode.trim());
  for (const mode of modes)
    if (mode !== 'main' && mode !== 'worker')
      throw new Error(`BENCH_PGLITE_THREAD: "${mode}" is neither main nor worker`);
  return modes as PgliteThreadMode[];
}

/** The label of a PGlite subject: `pglite` on the serving thread (as before), `pglite-worker` in a thread. */
export function pgliteLabel(mode: PgliteThreadMode): string {
  return mode === 'worker' ? 'pglite-worker' : 'pglite';
}
