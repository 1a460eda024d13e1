import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import {
  analyticsLineItems,
  buildLineItemRows,
  exportLineItems,
  LINE_ITEM_EXPORT_COLUMNS,
  neutralizeCell,
  writeExport,
  xlsxBacklog,
  type ExportFormat,
} from '../../core/analytics/index.js';
import { collectGarbage } from '../../core/shared/gc.js';
import { runCli } from '../support/cli.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { analyticsSeed, BRAND, OTHER_BRAND } from './fixture.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const HOSTILE = ['=1+1', '+SUM(A1:A9)', '-2+3', '@cmd|" /C calc"!A0', '\tTAB', '\rCR', 'plain 綠茶'];

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase(analyticsSeed());
  const { rows } = buildLineItemRows({
    header: {
      submissionId: 'sub_hostile',
      brandId: OTHER_BRAND,
      campaignId: 'cmp_x',
      memberId: null,
      invoiceId: null,
      purchaseDate: '2024-11-08',
      purchaseTime: null,
      sellerId: null,
      sellerName: '@SUM(1,1)',
      branch: null,
      sellerAddress: null,
      currency: 'THB',
      totalAmountMinor: 700,
    },
    items: HOSTILE.map((name) => ({ name, quantity: 1, unitPriceMinor: -100, amountMinor: -100 })),
    itemGroups: [],
    productOf: () => null,
  });
  await database.db.insert(analyticsLineItems).values(rows);
}, HANG_GUARD_MS);
afterAll(async () => {
  await database?.close();
});

async function exportToBuffer(brandId: string, format: ExportFormat, filter: Record<string, string> = {}) {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk));
  const progress: number[] = [];
  const { rows } = await exportLineItems({
    db: database.db,
    filter: { brandId, ...filter },
    format,
    out,
    onProgress: (done) => {
      progress.push(done);
    },
  });
  return { rows, bytes: Buffer.concat(chunks), progress };
}

describe('neutralizeCell', () => {
  test.each([
    ['=1+1', "'=1+1"],
    ['+1', "'+1"],
    ['-1', "'-1"],
    ['@x', "'@x"],
    ['\tx', "'\tx"],
    ['\rx', "'\rx"],
    ['a=1', 'a=1'],
    [-5, -5],
    [null, null],
  ])('%j → %j', (input, output) => {
    expect(neutralizeCell(input)).toBe(output);
  });
});

describe('line-items export', () => {
  test('when exported as CSV, then the columns come in the agreed order with one row per line item', async () => {
    const { rows, bytes, progress } = await exportToBuffer(BRAND, 'csv');
    const lines = bytes.toString('utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(LINE_ITEM_EXPORT_COLUMNS.join(','));
    expect(lines[0]).toBe(
      'submission_id,purchased_at,store,seller_id,region,item_name,product,item_group,quantity,unit_price,amount,currency',
    );
    expect(rows).toBe(10);
    expect(lines).toHaveLength(11);
    expect(lines[1]).toBe('s1,2024-11-04 10:15:00,全家 松江店,24549210,TW-TPE,綠茶,tea,tea,1,0.3,0.3,TWD');
    expect(lines[2]).toBe('s1,2024-11-04 10:15:00,全家 松江店,24549210,TW-TPE,洋芋片,洋芋片,,1,0.7,0.7,TWD');
    // The hostile store name of s5 is text, not a formula.
    expect(lines[9]).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(progress).toEqual([10]);
  });

  test('when filtered by dates, then only those purchases are exported', async () => {
    const { rows } = await exportToBuffer(BRAND, 'csv', { from: '2024-11-06', to: '2024-11-06' });
    expect(rows).toBe(2);
  });

  test('when hostile item and store names are exported as CSV, then every one is prefixed and numbers stay numbers', async () => {
    const { bytes } = await exportToBuffer(OTHER_BRAND, 'csv');
    const text = bytes.toString('utf8');
    for (const name of ['=1+1', '+SUM(A1:A9)', '-2+3', '@SUM(1,1)']) expect(text).toContain(`'${name}`);
    expect(text).toContain(`'\tTAB`);
    expect(text).toContain(`'\rCR`);
    expect(text).toContain(',plain 綠茶,');
    expect(text).toContain(',1,-1,-1,THB');
    // No data cell starts with a formula character.
    const cells = text.split(/[,\n]/u).map((cell) => cell.replace(/^"/u, ''));
    expect(cells.filter((cell) => /^[=+@]/u.test(cell))).toEqual([]);
  });

  test('when hostile names are exported as XLSX, then the sheet holds text cells, no formulas', async () => {
    const { rows, bytes } = await exportToBuffer(OTHER_BRAND, 'xlsx');
    expect(rows).toBe(HOSTILE.length);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet('line_items')!;
    expect(sheet.getRow(1).values).toEqual([undefined, ...LINE_ITEM_EXPORT_COLUMNS]);
    const names: unknown[] = [];
    sheet.eachRow((row, index) => {
      if (index === 1) return;
      row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula));
      names.push(row.getCell(6).value);
      expect(row.getCell(3).value).toBe("'@SUM(1,1)");
      expect(row.getCell(11).value).toBe(-1);
    });
    // XML reads a carriage return back as a line feed; the cell still starts with the quote.
    const expected = HOSTILE.map((name) => String(neutralizeCell(name)).replace(/\r/gu, '\n'));
    expect(names.sort()).toEqual(expected.sort());
  });

  (process.env.TEST_DATABASE_URL ? test : test.skip)(
    'when `proofline export line-items` runs, then it writes the same file (PostgreSQL only: the CLI needs a server)',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'export-'));
      try {
        const out = join(dir, 'items.csv');
        const result = await runCli(
          ['export', 'line-items', '--brand', 'an', '--from', '2024-11-05', '--format', 'csv', '--out', out],
          { DATABASE_URL: database.url as string },
        );
        expect(result.stderr).toBe('');
        expect(JSON.parse(result.stdout)).toEqual({ rows: 6, format: 'csv', out });
        expect(readFileSync(out, 'utf8').split('\n')[0]).toBe(LINE_ITEM_EXPORT_COLUMNS.join(','));
        const bad = await runCli(['export', 'line-items', '--brand', 'an', '--format', 'pdf', '--out', out], {
          DATABASE_URL: database.url as string,
        });
        expect(bad.code).toBe(2);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
});

describe('back-pressure', () => {
  const PAGES = 60;
  // Pages of 200 rows of incompressible text (~80 kB each, 4.8 MB in all): far more than the streams between
  // the writer and the file hold when the file takes nothing.
  async function* pagesCounted(counter: { pulled: number }) {
    for (let page = 0; page < PAGES; page++) {
      counter.pulled += 1;
      yield Array.from({ length: 200 }, (_, i) => [
        `sub_${page}_${i}`,
        randomBytes(300).toString('base64'),
        i,
      ]);
    }
  }

  test.each(['csv', 'xlsx'] as const)(
    'when the %s file takes nothing, then the export stops asking for pages until it does, then writes them all',
    async (format) => {
      const out = new PassThrough();
      const counter = { pulled: 0 };
      const done = writeExport({
        columns: ['submission_id', 'text', 'n'],
        sheet: 'x',
        pages: pagesCounted(counter),
        format,
        out,
      });
      // Wait until the writer stops asking for pages (or has asked for them all: the failure).
      let seen = -1;
      let still = 0;
      while (counter.pulled < PAGES && still < 10) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        still = counter.pulled === seen ? still + 1 : 0;
        seen = counter.pulled;
      }
      expect(counter.pulled).toBeLessThan(PAGES / 2);
      const chunks: Buffer[] = [];
      out.on('data', (chunk: Buffer) => chunks.push(chunk));
      expect(await done).toEqual({ rows: PAGES * 200 });
      expect(counter.pulled).toBe(PAGES);
      if (format === 'xlsx') {
        const workbook = new ExcelJS.Workbook();
        await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
        expect(workbook.getWorksheet('x')!.rowCount).toBe(PAGES * 200 + 1);
      } else {
        expect(Buffer.concat(chunks).toString('utf8').trimEnd().split('\n')).toHaveLength(PAGES * 200 + 1);
      }
    },
    HANG_GUARD_MS,
  );

  test('exceljs still keeps its streams where the XLSX back-pressure looks for them', async () => {
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: new PassThrough().resume() });
    const worksheet = workbook.addWorksheet('x');
    expect(xlsxBacklog(workbook, worksheet)).toBeDefined();
    worksheet.commit();
    await workbook.commit();
  });
});

describe('garbage', () => {
  test('collectGarbage (what a long export runs every EXPORT_GC_ROWS rows) collects, and leaves no global `gc`', async () => {
    const exposedBefore = 'gc' in globalThis;
    const ref = (() => new WeakRef({ page: 'x'.repeat(1_000) }))();
    // A WeakRef's target lives until the end of the job that made it.
    await new Promise((resolve) => setTimeout(resolve, 0));
    collectGarbage();
    expect(ref.deref()).toBeUndefined();
    collectGarbage();
    expect('gc' in globalThis).toBe(exposedBefore);
  });
});
