/**
 * Both-codes read rate of `scanQrCodes` on the synthetic Taiwan e-invoice photos and harder versions of
 * them (test/receipts/support/photo-degradations.ts), with no retry, two retries and every retry; and
 * which variant finished each rescued read.
 *
 * Run: npx tsx test/receipts/measure-qr-retries.ts [dataDir]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanQrCodes } from '../../core/receipts/receipt-qr.js';
import { projectRoot } from '../../core/shared/paths.js';
import { QR_DEGRADATIONS } from './support/photo-degradations.js';

type Label = { file: string; kind: string; qrLeft: string; qrRight: string };

const dataDir = process.argv[2] ?? join(projectRoot, '..', 'shared', 'data', 'receipts', 'synthetic');
const labels = (JSON.parse(readFileSync(join(dataDir, 'labels.json'), 'utf8')) as Label[]).filter(
  (label) => label.kind === 'tw-einvoice',
);
const budgets: [string, number][] = [
  ['no retry', 1],
  ['2 retries', 3],
  ['all retries', Number.POSITIVE_INFINITY],
];

const rows: { degradation: string; total: number; read: number[]; ms: number[] }[] = [];
const rescuedBy = new Map<string, number>();
for (const [degradation, degrade] of Object.entries(QR_DEGRADATIONS)) {
  const row = { degradation, total: 0, read: budgets.map(() => 0), ms: budgets.map(() => 0) };
  for (const label of labels) {
    const image = await degrade(readFileSync(join(dataDir, label.file)));
    row.total++;
    for (const [index, [, maxAttempts]] of budgets.entries()) {
      const scan = await scanQrCodes(image, { maxAttempts });
      const both = scan.left?.text === label.qrLeft && scan.right?.text === label.qrRight;
      if (both) row.read[index]!++;
      row.ms[index]! += scan.durationMs;
      if (both && index === budgets.length - 1 && scan.variant !== 'original')
        rescuedBy.set(scan.variant, (rescuedBy.get(scan.variant) ?? 0) + 1);
    }
  }
  rows.push(row);
}

const pct = (read: number, total: number) => `${((100 * read) / total).toFixed(0)} %`.padStart(6);
console.log(`both QR codes read (${labels.length} e-invoice images per row)\n`);
console.log(['degradation'.padEnd(12), ...budgets.map(([name]) => name.padStart(22))].join(''));
for (const row of rows) {
  console.log(
    [
      row.degradation.padEnd(12),
      ...row.read.map((read, index) =>
        `${String(read).padStart(3)}/${row.total} ${pct(read, row.total)} ${(row.ms[index]! / row.total).toFixed(0).padStart(5)} ms`.padStart(
          22,
        ),
      ),
    ].join(''),
  );
}
const total = rows.reduce((sum, row) => sum + row.total, 0);
console.log(
  [
    'all'.padEnd(12),
    ...budgets.map((_, index) => {
      const read = rows.reduce((sum, row) => sum + row.read[index]!, 0);
      return `${String(read).padStart(3)}/${total} ${pct(read, total)}`.padStart(22);
    }),
  ].join(''),
);
console.log('\nreads finished by a retry variant:', Object.fromEntries(rescuedBy));
