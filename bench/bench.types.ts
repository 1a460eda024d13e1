/**
 * A benchmark case measures a subject against a baseline run in the same process and the same run,
 * and reports the ratio: absolute numbers vary from machine to machine, ratios much less.
 */
export type BenchMeasurement = {
  /** What was measured, e.g. `parse + rules, 100k invoices`. */
  metric: string;
  value: number;
  /** e.g. `ms`, `ops/s`, `MB`. */
  unit: string;
  baseline?: { name: string; value: number };
  /** subject / baseline (for times: how many times slower than the baseline). */
  ratio?: number;
  note?: string;
};

export type BenchCase = {
  name: string;
  /** The issue that asked for it. */
  issue?: number;
  run: () => Promise<BenchMeasurement[]>;
};

export async function timeIt(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** Median of `runs` timings (ms) after one warm-up. */
export async function medianMs(fn: () => Promise<unknown> | unknown, runs = 5): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeIt(fn));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

/** The 95th percentile of `runs` timings (ms) after one warm-up ("p95, warm"). */
export async function p95Ms(fn: () => Promise<unknown> | unknown, runs = 20): Promise<number> {
  await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeIt(fn));
  times.sort((a, b) => a - b);
  return times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)] as number;
}

export function compare(
  metric: string,
  unit: string,
  value: number,
  baseline: { name: string; value: number },
  note?: string,
): BenchMeasurement {
  return {
    metric,
    unit,
    value: round(value),
    baseline: { ...baseline, value: round(baseline.value) },
    ratio: round(value / baseline.value),
    note,
  };
}

export function round(value: number): number {
  return Math.round(value * 100) / 100;
}
