import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { lineItemsWhere, type AnalyticsFilter } from './analytics.queries.js';

/** The line-items export's columns, in this order (the contract analysts' sheets rely on). */
export const LINE_ITEM_EXPORT_COLUMNS = [
  'submission_id',
  'purchased_at',
  'store',
  'seller_id',
  'region',
  'item_name',
  'product',
  'item_group',
  'quantity',
  'unit_price',
  'amount',
  'currency',
] as const;

export type ExportFormat = 'csv' | 'xlsx';
type Cell = string | number | null;

/**
 * Spreadsheet formula injection: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
 * is read as a formula by Excel, LibreOffice and Sheets; a leading `'` makes it plain text. Numbers stay
 * numbers (a discount line's negative amount is not a formula).
 */
export function neutralizeCell(value: Cell): Cell {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/u.test(value) ? `'${value}` : value;
}

const BATCH = 2_000;

/** How many line items the filter selects (an export's total, for its progress). */
export async function countLineItems(db: Executor, filter: AnalyticsFilter): Promise<number> {
  const [row] = await queryRows<{ count: unknown }>(
    db,
    sql`select count(*) as count from analytics_line_items li where ${lineItemsWhere(filter)}`,
  );
  return Number(row?.count ?? 0);
}

/**
 * The filter's line items in pages (keyset on submission id + line number), so an export of millions of
 * rows holds one page in memory at a time.
 */
export async function* lineItemExportRows(db: Executor, filter: AnalyticsFilter): AsyncGenerator<Cell[][]> {
  const where = lineItemsWhere(filter);
  let after: [string, number] = ['', 0];
  for (;;) {
    const rows = await queryRows<Record<string, unknown>>(
      db,
      sql`select li.submission_id, li.line_no,
                 to_char(li.purchase_date, 'YYYY-MM-DD') || coalesce(' ' || to_char(li.purchase_time, 'HH24:MI:SS'), '') as purchased_at,
                 li.store_name, li.seller_id, li.region_code, li.item_name,
                 coalesce(li.product_key, li.normalized_name) as product, li.item_group,
                 li.quantity::text as quantity, li.unit_price_minor, li.amount_minor, li.currency
          from analytics_line_items li
          where ${where} and (li.submission_id, li.line_no) > (${after[0]}, ${after[1]})
          order by li.submission_id, li.line_no
          limit ${BATCH}`,
    );
    if (rows.length === 0) return;
    yield rows.map((row) => [
      String(row.submission_id),
      String(row.purchased_at),
      (row.store_name as string | null) ?? null,
      (row.seller_id as string | null) ?? null,
      (row.region_code as string | null) ?? null,
      String(row.item_name),
      String(row.product),
      (row.item_group as string | null) ?? null,
      Number(row.quantity),
      Number(row.unit_price_minor) / 100,
      Number(row.amount_minor) / 100,
      String(row.currency),
    ]);
    const last = rows[rows.length - 1]!;
    after = [String(last.submission_id), Number(last.line_no)];
    if (rows.length < BATCH) return;
  }
}

/**
 * Writes the line items as CSV (csv-stringify) or XLSX (exceljs' streaming writer) to `out`, page by
 * page with back-pressure, every text cell neutralised. Resolves with the number of rows written.
 */
export async function exportLineItems({
  db,
  filter,
  format,
  out,
  onProgress,
}: {
  db: Executor;
  filter: AnalyticsFilter;
  format: ExportFormat;
  out: Writable;
  /** Called after each page with the rows written so far. */
  onProgress?: (rowsDone: number) => void | Promise<void>;
}): Promise<{ rows: number }> {
  let count = 0;
  if (format === 'csv') {
    const csv = stringify({ header: true, columns: [...LINE_ITEM_EXPORT_COLUMNS] });
    csv.pipe(out);
    for await (const page of lineItemExportRows(db, filter)) {
      for (const row of page) if (!csv.write(row.map(neutralizeCell))) await once(csv, 'drain');
      count += page.length;
      await onProgress?.(count);
    }
    csv.end();
    await once(out, 'finish');
    return { rows: count };
  }
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('line_items');
  sheet.addRow([...LINE_ITEM_EXPORT_COLUMNS]).commit();
  for await (const page of lineItemExportRows(db, filter)) {
    for (const row of page) sheet.addRow(row.map(neutralizeCell)).commit();
    count += page.length;
    await onProgress?.(count);
  }
  sheet.commit();
  await workbook.commit();
  return { rows: count };
}
