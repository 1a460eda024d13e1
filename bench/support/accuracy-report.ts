/**
 * Scoring and tables shared by `npm run bench:accuracy` and its cached twin (`parse-cached.ts`): the
 * exact-match rate per field for each part (tuning / check), the time per photo and per OCR pass, and
 * the calibration table (how often a field read at a given confidence is right).
 */

export type FieldOutcome = { ok: boolean; confidence: number | undefined };

export type Outcome = {
  file: string;
  /** `sroie-dev/check`, `synthetic/tw-paper-invoice/tuning`, … */
  group: string;
  part: 'tuning' | 'check';
  fields: Record<string, FieldOutcome>;
  /**
   * The total's label read another amount, taken as a look-alike misread of the total chosen (`totalReadAs`): what
   * OCR read there, and what the total became.
   */
  rewrittenTotal?: { readAs: number; minor: number };
  /** Whole read (QR + OCR + parse), one photo at a time. */
  ms?: number;
  /** One plain tesseract pass over the same prepared image, measured in the same run (the baseline). */
  baselineMs?: number;
  /** CPU time of the whole read (process.cpuUsage, every thread: steadier than wall time on a loaded machine). */
  cpuMs?: number;
  /** OCR passes the reader ran, with their wall time (preparation + recognition) and the recognition's CPU time. */
  passes?: { name: string; ms: number; cpuMs?: number }[];
  /**
   * What was printed and what was read of the line items, with the OCR rows the parser saw (`--json`, synthetic
   * photos only): for reading why items fail, and for `digit-confusions.ts`.
   */
  items?: {
    printed: { quantity: number; amountMinor: number }[];
    printedTotalMinor: number;
    read: { name: string; quantity: number; amountMinor: number; repaired?: boolean }[];
    lines: string[];
  };
};

const BINS: [string, number, number][] = [
  ['≥ 0.9', 0.9, Infinity],
  ['0.7–0.9', 0.7, 0.9],
  ['0.5–0.7', 0.5, 0.7],
  ['< 0.5', -Infinity, 0.5],
];

const percent = (hits: number, of: number) => (of === 0 ? '—' : `${((hits / of) * 100).toFixed(1)} %`);

function quantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/** Rates per field for each group, as markdown tables. */
export function formatFieldTables(outcomes: Outcome[]): string {
  const groups = new Map<string, Outcome[]>();
  for (const outcome of outcomes) groups.set(outcome.group, [...(groups.get(outcome.group) ?? []), outcome]);
  const out: string[] = [];
  for (const [group, rows] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const fields = judgedFields(rows);
    const times = rows.flatMap((row) => (row.ms === undefined ? [] : [row.ms]));
    const timing =
      times.length > 0
        ? `, median ${Math.round(quantile(times, 0.5)!)} ms, p90 ${Math.round(quantile(times, 0.9)!)} ms per photo`
        : '';
    out.push(`\n${group} (${rows.length} photos${timing})`);
    out.push('| field | exact | rate | read at ≥ 0.9 | right of those |', '| --- | --- | --- | --- | --- |');
    for (const field of fields) {
      const judged = rows.filter((row) => row.fields[field] !== undefined);
      const hits = judged.filter((row) => row.fields[field]!.ok).length;
      const sure = judged.filter((row) => (row.fields[field]!.confidence ?? 0) >= 0.9);
      const sureHits = sure.filter((row) => row.fields[field]!.ok).length;
      out.push(
        `| ${field} | ${hits}/${judged.length} | ${percent(hits, judged.length)} | ${sure.length} | ${percent(sureHits, sure.length)} |`,
      );
    }
  }
  return out.join('\n');
}

/** Of the fields read at each confidence, how many were right: per part, all fields together. */
export function formatCalibration(outcomes: Outcome[], field?: string): string {
  const out: string[] = [
    `\ncalibration (${field ?? 'all judged fields'}; a field not read counts under its confidence 0)`,
  ];
  out.push('| part | confidence | fields | right | rate |', '| --- | --- | --- | --- | --- |');
  for (const part of ['tuning', 'check'] as const) {
    const fields = outcomes
      .filter((o) => o.part === part)
      .flatMap((o) => Object.entries(o.fields))
      .filter(([name]) => field === undefined || name === field)
      .map(([, outcome]) => outcome);
    if (fields.length === 0) continue;
    for (const [label, low, high] of BINS) {
      const inBin = fields.filter((f) => (f.confidence ?? 0) >= low && (f.confidence ?? 0) < high);
      const right = inBin.filter((f) => f.ok).length;
      out.push(`| ${part} | ${label} | ${inBin.length} | ${right} | ${percent(right, inBin.length)} |`);
    }
  }
  return out.join('\n');
}

const ms = (value: number | undefined) => (value === undefined ? '—' : String(Math.round(value)));

/**
 * Time per photo and per pass: wall time (median, p90) and as a ratio to the baseline pass measured in
 * the same run, and CPU time (median, p90), which a loaded machine bends much less than wall time.
 */
export function formatTimings(outcomes: Outcome[]): string {
  const timed = outcomes.filter((o) => o.ms !== undefined);
  if (timed.length === 0) return '';
  const out: string[] = [
    '\ntime per photo (one photo at a time; ratio = read time / one plain tesseract pass, same run; CPU = every thread of the process)',
  ];
  out.push(
    '| group | photos | median ms | p90 ms | median ratio | p90 ratio | median CPU ms | p90 CPU ms | passes / photo |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  );
  const groups = new Map<string, Outcome[]>();
  for (const outcome of timed) groups.set(outcome.group, [...(groups.get(outcome.group) ?? []), outcome]);
  const all: [string, Outcome[]][] = [...groups].sort(([a], [b]) => a.localeCompare(b));
  if (groups.size > 1) all.push(['all', timed]);
  for (const [group, rows] of all) {
    const wall = rows.map((row) => row.ms!);
    const ratios = rows.flatMap((row) => (row.baselineMs ? [row.ms! / row.baselineMs] : []));
    const cpu = rows.flatMap((row) => (row.cpuMs === undefined ? [] : [row.cpuMs]));
    const passes = rows.reduce((sum, row) => sum + (row.passes?.length ?? 0), 0) / rows.length;
    out.push(
      `| ${group} | ${rows.length} | ${ms(quantile(wall, 0.5))} | ${ms(quantile(wall, 0.9))} | ${ratios.length ? quantile(ratios, 0.5)!.toFixed(2) : '—'} | ${ratios.length ? quantile(ratios, 0.9)!.toFixed(2) : '—'} | ${ms(quantile(cpu, 0.5))} | ${ms(quantile(cpu, 0.9))} | ${passes.toFixed(2)} |`,
    );
  }
  const perPass = new Map<string, { wall: number[]; cpu: number[] }>();
  for (const row of timed)
    for (const pass of row.passes ?? []) {
      const entry = perPass.get(pass.name) ?? { wall: [], cpu: [] };
      entry.wall.push(pass.ms);
      if (pass.cpuMs !== undefined) entry.cpu.push(pass.cpuMs);
      perPass.set(pass.name, entry);
    }
  if (perPass.size > 0) {
    out.push(
      '\n| pass | runs | median ms | p90 ms | median CPU ms | p90 CPU ms |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const [name, { wall, cpu }] of perPass)
      out.push(
        `| ${name} | ${wall.length} | ${ms(quantile(wall, 0.5))} | ${ms(quantile(wall, 0.9))} | ${ms(quantile(cpu, 0.5))} | ${ms(quantile(cpu, 0.9))} |`,
      );
  }
  return out.join('\n');
}

/** The fields judged on any photo of `outcomes`, in the order they first appear. */
export function judgedFields(outcomes: Outcome[]): string[] {
  return [...new Set(outcomes.flatMap((outcome) => Object.keys(outcome.fields)))];
}

/**
 * The calibration table of every judged field on its own (`formatCalibration` with a field): the all-fields table
 * can be well calibrated while one field read at ≥ 0.9 is often wrong (a store claimed sure hidden by sure dates).
 */
export function formatFieldCalibrations(outcomes: Outcome[]): string {
  return judgedFields(outcomes)
    .map((field) => formatCalibration(outcomes, field))
    .join('\n');
}

/**
 * Per group, how many totals were rewritten from their label's reading (`totalReadAs`), how many of those are right,
 * and which digits were taken as misread (read → rewritten, counted over the group): aggregates only, so the check
 * part may be shown too.
 */
export function formatRewrittenTotals(outcomes: Outcome[]): string {
  const groups = new Map<string, Outcome[]>();
  for (const outcome of outcomes) groups.set(outcome.group, [...(groups.get(outcome.group) ?? []), outcome]);
  const out = [
    '\ntotals rewritten from the amount read beside their label (a digit or two misread)',
    '| group | photos | rewritten | right | digits read → taken |',
    '| --- | --- | --- | --- | --- |',
  ];
  for (const [group, rows] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    const rewritten = rows.filter((row) => row.rewrittenTotal);
    const right = rewritten.filter((row) => row.fields.total?.ok).length;
    const pairs = new Map<string, number>();
    for (const { rewrittenTotal } of rewritten) {
      const taken = String(rewrittenTotal!.minor);
      [...String(rewrittenTotal!.readAs)].forEach((digit, i) => {
        if (digit !== taken[i])
          pairs.set(`${digit}→${taken[i]}`, (pairs.get(`${digit}→${taken[i]}`) ?? 0) + 1);
      });
    }
    const digits = [...pairs].map(([pair, count]) => `${pair} ×${count}`).join(', ');
    out.push(`| ${group} | ${rows.length} | ${rewritten.length} | ${right} | ${digits || '—'} |`);
  }
  return out.join('\n');
}

export function formatReport(outcomes: Outcome[]): string {
  return [
    formatFieldTables(outcomes),
    formatCalibration(outcomes),
    formatFieldCalibrations(outcomes),
    formatRewrittenTotals(outcomes),
    formatTimings(outcomes),
  ].join('\n');
}
