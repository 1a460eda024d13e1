import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { stringify } from 'csv-stringify';
import type { Executor } from '../db/database.js';
import { collectGarbage } from '../shared/gc.js';
import type { AnalyticsFilter } from './analytics.filter.js';
import { EXPORT_SOURCES, type Cell, type ExportKind, type ExportScope } from './export-sources.js';

export {
  EXPORT_KINDS,
  LINE_ITEM_EXPORT_COLUMNS,
  lineItemExportRows,
  type ExportKind,
  type ExportScope,
} from './export-sources.js';

export type ExportFormat = 'csv' | 'xlsx';

/**
 * Spreadsheet formula injection: a text cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return
 * is read as a formula by Excel, LibreOffice and Sheets; a leading `'` makes it plain text. Numbers stay
 * numbers (a discount line's negative amount is not a formula).
 */
export function neutralizeCell(value: Cell): Cell {
  if (typeof value !== 'string') return value;
  return /^[=+\-@\t\r]/u.test(value) ? `'${value}` : value;
}

/** How many rows an export of this kind and scope holds (its total, for the progress). */
export function countExportRows(db: Executor, kind: ExportKind, scope: ExportScope): Promise<number> {
  return EXPORT_SOURCES[kind].count(db, scope);
}

/** How many line items the filter selects. */
export function countLineItems(db: Executor, filter: AnalyticsFilter): Promise<number> {
  return countExportRows(db, 'line_items', { filter, contact: false });
}

/**
 * Rows written between two full garbage collections. The rows' strings (and exceljs' row objects and XML)
 * are garbage a page later, but V8 lets the heap grow far past what the export holds before it collects:
 * 1 M rows took the CLI to 155 MB of RSS as CSV and 245 MB as XLSX; collecting every 20,000 rows keeps
 * them at 110 and 135 MB for a few tens of milliseconds per collection (docs/decisions/009, "Exports").
 */
export const EXPORT_GC_ROWS = 20_000;

/** Collects the garbage when `count` has passed `collected` by EXPORT_GC_ROWS; answers when it last did. */
function collectEvery(count: number, collected: number): number {
  if (count - collected < EXPORT_GC_ROWS) return collected;
  collectGarbage();
  return count;
}

/**
 * Writes pages of rows as CSV (csv-stringify) or XLSX (exceljs' streaming writer) to `out`, with
 * back-pressure, every text cell neutralised. Resolves with the number of rows written.
 */
export async function writeExport({
  columns,
  sheet,
  pages,
  format,
  out,
  onProgress,
}: {
  columns: readonly string[];
  sheet: string;
  pages: AsyncIterable<Cell[][]>;
  format: ExportFormat;
  out: Writable;
  /** Called after each page with the rows written so far. */
  onProgress?: (rowsDone: number) => void | Promise<void>;
}): Promise<{ rows: number }> {
  let count = 0;
  let collected = 0;
  if (format === 'csv') {
    const csv = stringify({ header: true, columns: [...columns] });
    csv.pipe(out);
    for await (const page of pages) {
      for (const row of page) if (!csv.write(row.map(neutralizeCell))) await once(csv, 'drain');
      count += page.length;
      collected = collectEvery(count, collected);
      await onProgress?.(count);
    }
    csv.end();
    await once(out, 'finish');
    return { rows: count };
  }
  const WorkbookWriter = await loadWorkbookWriter();
  const workbook = new WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const worksheet = workbook.addWorksheet(sheet);
  worksheet.addRow([...columns]).commit();
  const backlog = xlsxBacklog(workbook, worksheet);
  for await (const page of pages) {
    for (const row of page) worksheet.addRow(row.map(neutralizeCell)).commit();
    count += page.length;
    collected = collectEvery(count, collected);
    await onProgress?.(count);
    await xlsxDrained(backlog, out);
  }
  worksheet.commit();
  await workbook.commit();
  return { rows: count };
}

/**
 * exceljs' streaming writer alone, loaded on the first XLSX export: the package's entry also loads the
 * whole-workbook model and the reader (12 MB of the 28 MB an export's process holds for exceljs), which an
 * export never uses. The writer's module is where exceljs 4.4 keeps it (no `exports` map closes it; the
 * XLSX tests fail if an upgrade moves it).
 */
const EXCELJS_WORKBOOK_WRITER: string = 'exceljs/lib/stream/xlsx/workbook-writer.js';

async function loadWorkbookWriter(): Promise<typeof ExcelJS.stream.xlsx.WorkbookWriter> {
  const module: unknown = await import(EXCELJS_WORKBOOK_WRITER);
  return (module as { default: typeof ExcelJS.stream.xlsx.WorkbookWriter }).default;
}

type StreamState = { length: number; needDrain?: boolean };
type Internal = NodeJS.EventEmitter & { _writableState?: StreamState; _readableState?: StreamState };

/** Where an XLSX export's bytes wait on their way to the file (exceljs' and archiver's own streams). */
export type XlsxBacklog = {
  /** The zip entry of the sheet: rows wait here while deflate is behind. */
  entry: Internal & { _writableState: StreamState };
  /** The archive: zipped bytes wait here while the file is behind. */
  zip: Internal & { _readableState: StreamState };
};

/**
 * The streams of exceljs' writer (and the archiver under it) that an XLSX export waits on, or `undefined`
 * when they are not where exceljs 4.4 keeps them (a test pins them, so an upgrade that moves them fails).
 */
export function xlsxBacklog(workbook: unknown, worksheet: unknown): XlsxBacklog | undefined {
  const entry = (worksheet as { stream?: { pipes?: Internal[] } }).stream?.pipes?.[0];
  const zip = (workbook as { zip?: Internal }).zip;
  if (!entry?._writableState || !zip?._readableState) return undefined;
  return { entry, zip } as XlsxBacklog;
}

/** Zipped bytes the archive may hold before the export waits for the file. */
const ZIP_BACKLOG_BYTES = 1 << 20;

/**
 * Back-pressure for exceljs' streaming writer, which has none: a committed row goes into the sheet's
 * buffer, which hands every 64 kB to the zip entry without looking at `write`'s answer, and the archiver's
 * streams (readable-stream 3 transforms) pass everything on whatever the file takes, so what deflate or the
 * file cannot take yet piles up in memory (550 MB of buffers for a million rows). After each page, wait
 * until deflate has taken the entry's backlog, then until the file has taken the archive's.
 */
async function xlsxDrained(backlog: XlsxBacklog | undefined, out: Writable): Promise<void> {
  if (!backlog) return;
  if (backlog.entry._writableState.needDrain) await once(backlog.entry, 'drain');
  while (backlog.zip._readableState.length > ZIP_BACKLOG_BYTES && out.writableNeedDrain)
    await once(out, 'drain');
}

/** Writes one export (a kind, for a scope) to `out`, page by page: memory holds one page at a time. */
export function exportRows({
  db,
  kind,
  scope,
  format,
  out,
  onProgress,
}: {
  db: Executor;
  kind: ExportKind;
  scope: ExportScope;
  format: ExportFormat;
  out: Writable;
  onProgress?: (rowsDone: number) => void | Promise<void>;
}): Promise<{ rows: number }> {
  const source = EXPORT_SOURCES[kind];
  return writeExport({
    columns: source.columns(scope),
    sheet: source.sheet,
    pages: source.pages(db, scope),
    format,
    out,
    ...(onProgress ? { onProgress } : {}),
  });
}

/** The line items of the filter as CSV or XLSX (the CLI's `export line-items`). */
export function exportLineItems({
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
  onProgress?: (rowsDone: number) => void | Promise<void>;
}): Promise<{ rows: number }> {
  return exportRows({
    db,
    kind: 'line_items',
    scope: { filter, contact: false },
    format,
    out,
    ...(onProgress ? { onProgress } : {}),
  });
}
