/**
 * `npm run bench:accuracy [-- sroie|synthetic] [--part tuning|check|wide] [--engine paddle|tesseract] [--limit N]
 * [--json] [--no-baseline] [--ocr-cache] [--tuning-count N] [--seed N] [--kind th-receipt|tw-paper-invoice|tw-einvoice]`:
 * reads every labelled photo exactly as intake does (normalise → QR → OCR → parser), one photo at a time,
 * and prints per part (tuning / check, docs/decisions/007-receipt-reader-split.md) and per field the
 * exact-match rate, the calibration table, and the time per photo and per OCR pass — absolute, and as a
 * ratio to one plain tesseract pass over the same image measured in the same run (the machine is shared,
 * so absolute times vary with its load; the ratio much less).
 * Sets: `sroie` = ../shared/data/receipts/sroie-dev split by the committed list; `synthetic` = the shared
 * synthetic set and the tuning part `bench/support/make-synthetic-receipts.ts --part tuning` makes (tuning),
 * and the check part it makes with another seed, other fonts and other stores (check); both made on the
 * fly under .tmp/synthetic-tuning and .tmp/synthetic-check when absent. `--part wide` (synthetic only, never
 * in the default run): the held-out tuning part, a third seed with fonts and stores of neither
 * (`bench/support/synthetic-parts.ts`; needs the Debian font packages it names), reported as tuning
 * (`tuning-wide`), `--tuning-count N` receipts of each kind under .tmp/synthetic-wide-N.
 * `--ocr-cache`: every OCR answer is kept under .tmp/ocr-cache/requests and replayed on the next run
 * (`bench/support/cached-ocr-engine.ts`): accuracy in seconds after a parser change; its times are not
 * the reader's (no baseline pass either). `--kind`: only the synthetic photos of that kind (a Thai-only design
 * run fills and replays the Thai photos' OCR without reading the TW ones).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadavg } from 'node:os';
import {
  buildPaddleOcrEngine,
  buildTesseractOcrEngine,
  routeOcrByScript,
  type OcrEngine,
  type OcrLanguage,
} from '../core/ocr/index.js';
import {
  prepareForOcr,
  prepareReceiptImage,
  readReceiptImage,
  type ReceiptReading,
} from '../core/receipts/index.js';
import { projectRoot } from '../core/shared/paths.js';
import { cacheOcrAnswers } from './support/cached-ocr-engine.js';
import { formatReport, type FieldOutcome, type Outcome } from './support/accuracy-report.js';
import { committedPartOf, loadSplit } from './support/sroie-split.js';
import { normaliseName, scoreSroie, SROIE_SUBMITTED_AT } from './support/sroie-labels.js';
import { checkSeedOption, syntheticMadeFolder } from './support/synthetic-parts.js';

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const ocrCache = argv.includes('--ocr-cache');
const withBaseline = !argv.includes('--no-baseline') && !ocrCache;
const valueOf = (name: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const limit = Number(valueOf('--limit') ?? Number.POSITIVE_INFINITY);
const onlyPart = valueOf('--part');
// The default is the production default (OCR_PROVIDER unset: paddle, decision 008).
const engineName = valueOf('--engine') ?? 'paddle';
const sets = argv.filter(
  (arg, i) =>
    !arg.startsWith('--') &&
    !['--limit', '--part', '--engine', '--tuning-count', '--kind', '--seed'].includes(argv[i - 1]!),
);
const dataDir = resolve(
  process.env.RECEIPTS_DATA_DIR ?? join(projectRoot, '..', 'shared', 'data', 'receipts'),
);
// `--tuning-count N`: a richer made tuning part (N receipts of each kind, same seed and fonts) under
// .tmp/synthetic-tuning-N, for when the 14 have no miss left to learn from; the check part stays at 14.
const tuningCount = Number(valueOf('--tuning-count') ?? 14);
const onlyKind = valueOf('--kind');
// `--seed N` (with `--part tuning|wide` only): photos of another seed with that part's fonts and stores, under
// .tmp/synthetic-<part>-<count>-s<N> — fresh design photos once a part's misses are all read. Never the
// check part's seed.
const seed = valueOf('--seed');
checkSeedOption(seed, onlyPart);
const syntheticMadeDir = (part: 'tuning' | 'check' | 'wide') =>
  join(projectRoot, '.tmp', syntheticMadeFolder(part, { tuningCount, seed }));
/** The recognitions of the photo being read, in order: each one's CPU time (process-wide, every thread). */
let recognitions: { cpuMs: number }[] | undefined;
/** Records each recognition's CPU time while a photo is read (the reader's passes, one recognition each). */
const recorded = (engine: OcrEngine): OcrEngine => ({
  ...engine,
  recognize: async (request) => {
    const calls = recognitions;
    const cpu = process.cpuUsage();
    try {
      return await engine.recognize(request);
    } finally {
      const used = process.cpuUsage(cpu);
      calls?.push({ cpuMs: (used.user + used.system) / 1000 });
    }
  },
});
const cached = (engine: OcrEngine) =>
  recorded(ocrCache ? cacheOcrAnswers(engine, join(projectRoot, '.tmp', 'ocr-cache', 'requests')) : engine);

async function main() {
  if (!existsSync(dataDir)) {
    console.log(
      `No receipt data at ${dataDir} (../shared is absent): nothing to measure. Set RECEIPTS_DATA_DIR.`,
    );
    return;
  }
  // Photos are read one at a time, so one tesseract worker is busy at once. `--engine paddle` is
  // OCR_PROVIDER=paddle: PaddleOCR for Latin and Chinese, tesseract for Thai and for a second look.
  const tesseract = cached(buildTesseractOcrEngine({ poolSize: 1 }));
  const engine =
    engineName === 'paddle'
      ? routeOcrByScript({ main: cached(buildPaddleOcrEngine()), thai: tesseract, secondOpinion: tesseract })
      : tesseract;
  const outcomes: Outcome[] = [];
  try {
    if (sets.length === 0 || sets.includes('sroie')) outcomes.push(...(await runSroie(engine, tesseract)));
    if (sets.length === 0 || sets.includes('synthetic'))
      outcomes.push(...(await runSynthetic(engine, tesseract)));
  } finally {
    await engine.close();
  }
  if (!json)
    console.log(
      `engine: ${engineName}${ocrCache ? " (OCR answers replayed from .tmp/ocr-cache/requests: times are not the reader's)" : ''}; machine load at the end: ${loadavg()
        .map((l) => l.toFixed(1))
        .join(' ')}`,
    );
  if (json) console.log(JSON.stringify(outcomes, null, 2));
  else console.log(formatReport(outcomes));
}

async function read(
  engine: OcrEngine,
  baseline: OcrEngine,
  file: string,
  languages: OcrLanguage[],
  now: Date,
) {
  const prepared = await prepareReceiptImage(readFileSync(file));
  const calls: { cpuMs: number }[] = [];
  recognitions = calls;
  const cpu = process.cpuUsage();
  const started = performance.now();
  const reading = await readReceiptImage(prepared.readable, { ocrEngine: engine, languages, now });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpu);
  recognitions = undefined;
  // One recognition per pass the reader ran, in the same order.
  const passes = reading.timings.passes?.map((pass, i) => ({ ...pass, cpuMs: calls[i]?.cpuMs }));
  let baselineMs: number | undefined;
  if (withBaseline && reading.kind !== 'einvoice') {
    const baseStarted = performance.now();
    await baseline.recognize({ image: await prepareForOcr(prepared.readable), languages });
    baselineMs = performance.now() - baseStarted;
  }
  return { reading, ms, cpuMs: (used.user + used.system) / 1000, baselineMs, passes };
}

/** `wide` only when asked for by name: the default run's figures stay those of tuning and check. */
function selected(part: 'tuning' | 'check' | 'wide') {
  return part === 'wide' ? onlyPart === 'wide' : !onlyPart || onlyPart === part;
}

async function runSroie(engine: OcrEngine, baseline: OcrEngine): Promise<Outcome[]> {
  const folder = join(dataDir, 'sroie-dev');
  const split = loadSplit();
  const files = readdirSync(folder)
    .filter((file) => file.endsWith('.jpg'))
    .sort()
    .filter((file) => {
      const part = committedPartOf(file, split);
      return part !== undefined && selected(part);
    })
    .slice(0, limit);
  const outcomes: Outcome[] = [];
  for (const file of files) {
    const part = committedPartOf(file, split)!;
    const label = JSON.parse(readFileSync(join(folder, file.replace('.jpg', '.json')), 'utf8')) as Record<
      string,
      string
    >;
    const result = await read(engine, baseline, join(folder, file), ['eng'], SROIE_SUBMITTED_AT);
    const outcome: Outcome = {
      file,
      part,
      group: `sroie-dev/${part}`,
      fields: scoreSroie(result.reading, label),
      ms: result.ms,
      cpuMs: result.cpuMs,
      baselineMs: result.baselineMs,
      passes: result.passes,
      ...rewrittenTotal(result.reading),
    };
    log(outcome, result.reading);
    outcomes.push(outcome);
  }
  return outcomes;
}

type SyntheticLabel = {
  file: string;
  kind: 'tw-einvoice' | 'tw-paper-invoice' | 'th-receipt';
  invoiceNumber?: string;
  date: string;
  time?: string;
  totalAmount: number;
  storeName?: string;
  sellerName?: string;
  sellerBan?: string;
  taxId?: string;
  qrLeft?: string;
  qrRight?: string;
  items?: { name: string; quantity: number; amount: number }[];
};

async function runSynthetic(engine: OcrEngine, baseline: OcrEngine): Promise<Outcome[]> {
  for (const part of ['tuning', 'check', 'wide'] as const)
    if (selected(part) && !existsSync(join(syntheticMadeDir(part), 'labels.json')))
      execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          join(projectRoot, 'bench/support/make-synthetic-receipts.ts'),
          '--part',
          part,
          ...(part !== 'check'
            ? [
                '--count',
                String(tuningCount),
                '--out',
                syntheticMadeDir(part),
                ...(seed ? ['--seed', seed] : []),
              ]
            : []),
        ],
        { stdio: 'inherit' },
      );
  const outcomes: Outcome[] = [];
  // The shared set and the made tuning part are reported apart (`tuning` and `tuning-made`).
  for (const [part, folder, name] of [
    ['tuning', join(dataDir, 'synthetic'), 'tuning'],
    ['tuning', syntheticMadeDir('tuning'), 'tuning-made'],
    ['check', syntheticMadeDir('check'), 'check'],
    ['wide', syntheticMadeDir('wide'), 'tuning-wide'],
  ] as const) {
    if (!selected(part)) continue;
    const labels = (JSON.parse(readFileSync(join(folder, 'labels.json'), 'utf8')) as SyntheticLabel[])
      .filter((label) => !onlyKind || label.kind === onlyKind)
      .slice(0, limit);
    for (const label of labels) {
      const languages: OcrLanguage[] = label.kind === 'th-receipt' ? ['eng', 'tha'] : ['eng', 'chi_tra'];
      const now = new Date();
      const result = await read(engine, baseline, join(folder, label.file), languages, now);
      const outcome: Outcome = {
        file: label.file,
        part: part === 'wide' ? 'tuning' : part,
        group: `synthetic/${label.kind}/${name}`,
        fields: scoreSynthetic(result.reading, label),
        ms: result.ms,
        cpuMs: result.cpuMs,
        baselineMs: result.baselineMs,
        passes: result.passes,
        ...rewrittenTotal(result.reading),
        ...(json && label.items ? { items: itemsDetail(result.reading, label) } : {}),
      };
      log(outcome, result.reading);
      outcomes.push(outcome);
    }
  }
  return outcomes;
}

/** The total rewritten from its label's reading (`totalReadAs`), for `formatRewrittenTotals`. */
function rewrittenTotal({ fields }: ReceiptReading): Pick<Outcome, 'rewrittenTotal'> {
  return fields.totalReadAs !== undefined && fields.totalMinor !== undefined
    ? { rewrittenTotal: { readAs: fields.totalReadAs, minor: fields.totalMinor } }
    : {};
}

function itemsDetail(reading: ReceiptReading, label: SyntheticLabel): Outcome['items'] {
  return {
    printed: (label.items ?? []).map((item) => ({
      quantity: item.quantity,
      amountMinor: Math.round(item.amount * 100),
    })),
    printedTotalMinor: Math.round(label.totalAmount * 100),
    read: reading.fields.items.map(({ name, quantity, amountMinor, repaired }) => ({
      name,
      quantity,
      amountMinor,
      ...(repaired ? { repaired } : {}),
    })),
    lines: reading.ocr?.lines ?? [],
  };
}

function scoreSynthetic(reading: ReceiptReading, label: SyntheticLabel): Record<string, FieldOutcome> {
  const { fields, confidence } = reading;
  const scored: Record<string, FieldOutcome> = {
    date: { ok: fields.date === label.date, confidence: confidence.date },
    total: {
      ok: fields.totalMinor === Math.round(label.totalAmount * 100),
      confidence: confidence.totalAmount,
    },
  };
  if (label.kind === 'tw-einvoice') {
    scored.qrPair = {
      ok: reading.qr?.left === label.qrLeft && reading.qr?.right === label.qrRight,
      confidence: 1,
    };
    scored.invoiceNumber = {
      ok: fields.invoiceNumber === label.invoiceNumber,
      confidence: confidence.invoiceNumber,
    };
  } else if (label.kind === 'tw-paper-invoice') {
    scored.invoiceNumber = {
      ok: fields.invoiceNumber === label.invoiceNumber,
      confidence: confidence.invoiceNumber,
    };
    scored.taxId = { ok: fields.taxId === label.sellerBan, confidence: confidence.taxId };
    scored.store = {
      ok: normaliseName(fields.storeName) === normaliseName(label.sellerName),
      confidence: confidence.storeName,
    };
  } else {
    scored.taxId = { ok: fields.taxId === label.taxId, confidence: confidence.taxId };
    scored.time = { ok: fields.time === label.time, confidence: confidence.time };
    scored.store = {
      ok: normaliseName(fields.storeName) === normaliseName(label.storeName),
      confidence: confidence.storeName,
    };
  }
  // Line items read by OCR (paper invoices, Thai receipts): every row's quantity and amount, in order.
  if (label.kind !== 'tw-einvoice' && label.items)
    scored.items = {
      ok:
        fields.items.length === label.items.length &&
        label.items.every(
          (item, i) =>
            fields.items[i]!.quantity === item.quantity &&
            fields.items[i]!.amountMinor === Math.round(item.amount * 100),
        ),
      confidence: confidence.items,
    };
  return scored;
}

function log(outcome: Outcome, reading: ReceiptReading) {
  if (json) return;
  const misses = Object.entries(outcome.fields)
    .filter(([, field]) => !field.ok)
    .map(([name]) => name);
  process.stderr.write(
    `${outcome.group} ${outcome.file} ${reading.kind} ${Math.round(outcome.ms ?? 0)} ms` +
      `, CPU ${Math.round(outcome.cpuMs ?? 0)} ms` +
      `${outcome.baselineMs ? ` (baseline ${Math.round(outcome.baselineMs)} ms)` : ''}` +
      `${outcome.rewrittenTotal ? `, total rewritten ${outcome.rewrittenTotal.readAs} → ${outcome.rewrittenTotal.minor}` : ''}` +
      `${misses.length ? ` missed: ${misses.join(', ')} (date ${reading.fields.date ?? '-'}, total ${reading.fields.totalMinor ?? '-'}, store ${reading.fields.storeName ?? '-'})` : ''}\n`,
  );
}

await main();
