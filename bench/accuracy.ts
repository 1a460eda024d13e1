/**
 * `npm run bench:accuracy [-- sroie|synthetic] [--limit N] [--json]`: reads every labelled photo in
 * ../shared/data/receipts (or RECEIPTS_DATA_DIR) with the offline engine (tesseract) exactly as intake
 * does (normalise → QR → OCR → parser), and prints the exact-match rate per field as a table.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { buildTesseractOcrEngine } from '../core/ocr/index.js';
import { prepareReceiptImage, readReceiptImage, type ReceiptReading } from '../core/receipts/index.js';
import { projectRoot } from '../core/shared/paths.js';
import { normaliseName, SROIE_SUBMITTED_AT, sroieDate, toMinor } from './support/sroie-labels.js';

type Outcome = { file: string; fields: Record<string, boolean | undefined>; ms: number; note?: string };

const argv = process.argv.slice(2);
const json = argv.includes('--json');
const limitIndex = argv.indexOf('--limit');
const limit = limitIndex >= 0 ? Number(argv[limitIndex + 1]) : Number.POSITIVE_INFINITY;
const sets = argv.filter((arg, i) => !arg.startsWith('--') && argv[i - 1] !== '--limit');
const dataDir = resolve(
  process.env.RECEIPTS_DATA_DIR ?? join(projectRoot, '..', 'shared', 'data', 'receipts'),
);

async function main() {
  if (!existsSync(dataDir)) {
    console.log(
      `No receipt data at ${dataDir} (../shared is absent): nothing to measure. Set RECEIPTS_DATA_DIR.`,
    );
    return;
  }
  const poolSize = Math.max(1, availableParallelism());
  const engine = buildTesseractOcrEngine({ poolSize });
  const report: Record<string, Outcome[]> = {};
  try {
    if (sets.length === 0 || sets.includes('sroie')) report['sroie-dev'] = await runSroie(engine);
    if (sets.length === 0 || sets.includes('synthetic')) report.synthetic = await runSynthetic(engine);
  } finally {
    await engine.close();
  }
  if (json) {
    console.log(JSON.stringify(report, null, 2));
    return;
  }
  for (const [set, outcomes] of Object.entries(report)) printTable(set, outcomes);
}

async function read(
  engine: ReturnType<typeof buildTesseractOcrEngine>,
  file: string,
  languages: ('eng' | 'tha' | 'chi_tra')[],
  now = new Date(),
) {
  const started = performance.now();
  const prepared = await prepareReceiptImage(readFileSync(file));
  const reading = await readReceiptImage(prepared.readable, {
    ocrEngine: engine,
    languages,
    now,
  });
  return { reading, ms: performance.now() - started };
}

/** Runs `work` over items with `concurrency` in flight (the OCR pool queues the rest). */
async function mapConcurrent<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await work(items[index]!);
      }
    }),
  );
  return results;
}

async function runSroie(engine: ReturnType<typeof buildTesseractOcrEngine>): Promise<Outcome[]> {
  const folder = join(dataDir, 'sroie-dev');
  const files = readdirSync(folder)
    .filter((file) => file.endsWith('.jpg'))
    .sort()
    .slice(0, limit);
  return mapConcurrent(files, 2, async (file) => {
    const label = JSON.parse(readFileSync(join(folder, file.replace('.jpg', '.json')), 'utf8')) as Record<
      string,
      string
    >;
    const { reading, ms } = await read(engine, join(folder, file), ['eng'], SROIE_SUBMITTED_AT);
    const outcome: Outcome = {
      file,
      ms,
      fields: {
        store: normaliseName(reading.fields.storeName) === normaliseName(label.company),
        date: reading.fields.date === sroieDate(label.date ?? ''),
        total: reading.fields.totalMinor === toMinor(label.total ?? ''),
      },
    };
    if (!json) process.stderr.write(`${file} ${describe(outcome, reading)}\n`);
    return outcome;
  });
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
};

async function runSynthetic(engine: ReturnType<typeof buildTesseractOcrEngine>): Promise<Outcome[]> {
  const folder = join(dataDir, 'synthetic');
  const labels = (JSON.parse(readFileSync(join(folder, 'labels.json'), 'utf8')) as SyntheticLabel[]).slice(
    0,
    limit,
  );
  return mapConcurrent(labels, 2, async (label) => {
    const languages = label.kind === 'th-receipt' ? (['eng', 'tha'] as const) : (['eng', 'chi_tra'] as const);
    const { reading, ms } = await read(engine, join(folder, label.file), [...languages]);
    const fields: Outcome['fields'] = {
      date: reading.fields.date === label.date,
      total: reading.fields.totalMinor === Math.round(label.totalAmount * 100),
    };
    if (label.kind === 'tw-einvoice') {
      fields.qrPair = reading.qr?.left === label.qrLeft && reading.qr?.right === label.qrRight;
      fields.invoiceNumber = reading.fields.invoiceNumber === label.invoiceNumber;
    } else if (label.kind === 'tw-paper-invoice') {
      fields.invoiceNumber = reading.fields.invoiceNumber === label.invoiceNumber;
      fields.taxId = reading.fields.taxId === label.sellerBan;
      fields.store = normaliseName(reading.fields.storeName) === normaliseName(label.sellerName);
    } else {
      fields.taxId = reading.fields.taxId === label.taxId;
      fields.time = reading.fields.time === label.time;
      fields.store = normaliseName(reading.fields.storeName) === normaliseName(label.storeName);
    }
    const outcome: Outcome = { file: label.file, ms, fields, note: label.kind };
    if (!json) process.stderr.write(`${label.file} ${describe(outcome, reading)}\n`);
    return outcome;
  });
}

function describe(outcome: Outcome, reading: ReceiptReading) {
  const misses = Object.entries(outcome.fields)
    .filter(([, ok]) => ok === false)
    .map(([field]) => field);
  return `${reading.kind} ${Math.round(outcome.ms)} ms${misses.length ? ` missed: ${misses.join(', ')} (read date ${reading.fields.date ?? '-'}, total ${reading.fields.totalMinor ?? '-'})` : ''}`;
}

function printTable(set: string, outcomes: Outcome[]) {
  const groups = new Map<string, Outcome[]>();
  for (const outcome of outcomes) {
    const key = outcome.note ? `${set}/${outcome.note}` : set;
    groups.set(key, [...(groups.get(key) ?? []), outcome]);
  }
  for (const [group, rows] of groups) {
    const fields = [...new Set(rows.flatMap((row) => Object.keys(row.fields)))];
    const times = rows.map((row) => row.ms).sort((a, b) => a - b);
    console.log(
      `\n${group} (${rows.length} photos, offline engine, median ${Math.round(times[Math.floor(times.length / 2)] ?? 0)} ms/photo)`,
    );
    console.log(`| field | exact | rate |\n| --- | --- | --- |`);
    for (const field of fields) {
      const judged = rows.filter((row) => row.fields[field] !== undefined);
      const hits = judged.filter((row) => row.fields[field]).length;
      console.log(
        `| ${field} | ${hits}/${judged.length} | ${((hits / Math.max(1, judged.length)) * 100).toFixed(1)} % |`,
      );
    }
  }
}

await main();
