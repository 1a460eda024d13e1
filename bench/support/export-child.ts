import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { stringify } from 'csv-stringify';
import { exportRows, LINE_ITEM_EXPORT_COLUMNS, type ExportFormat } from '../../core/analytics/index.js';
import { createDatabase } from '../../core/db/database.js';

/**
 * One export in a process of its own, so its peak RSS is its own: `export <url> <brandId> <csv|xlsx> <out>`
 * streams the brand's line items through the real export (pages from the database, csv-stringify or the
 * exceljs streaming writer); `baseline <rows> <out>` writes as many rows of the same shape with
 * csv-stringify from a generator (no database). Prints `{ rows, peakRssMb }` as JSON.
 */
async function main([mode, ...args]: string[]) {
  let rows = 0;
  if (mode === 'export') {
    const [url, brandId, format, out] = args as [string, string, ExportFormat, string];
    const database = await createDatabase({ url, poolMax: 1 });
    try {
      ({ rows } = await exportRows({
        db: database.db,
        kind: 'line_items',
        scope: { filter: { brandId }, contact: false },
        format,
        out: createWriteStream(out),
      }));
    } finally {
      await database.close();
    }
  } else {
    const [count, out] = args as [string, string];
    const csv = stringify({ header: true, columns: [...LINE_ITEM_EXPORT_COLUMNS] });
    const file = createWriteStream(out);
    csv.pipe(file);
    for (let i = 0; i < Number(count); i++) {
      const row = [
        `sub_syn_bench_${Math.floor(i / 3)}`,
        '2024-11-04 12:15:00',
        '全家',
        '24549210',
        'TW-TPE',
        '好茶 綠茶 600ml',
        'green-tea',
        'tea',
        1,
        25,
        25,
        'TWD',
      ];
      if (!csv.write(row)) await once(csv, 'drain');
      rows += 1;
    }
    csv.end();
    await once(file, 'finish');
  }
  // ru_maxrss: the process's peak resident set (kB on Linux).
  console.log(JSON.stringify({ rows, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
}

await main(process.argv.slice(2));
