import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { Express } from 'express';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import type { Services } from '../../core/app/build-services.js';
import {
  countLineItems,
  EXPORT_LINK_TTL_MS,
  exportJobs,
  LINE_ITEM_EXPORT_COLUMNS,
  lineItemExportRows,
  neutralizeCell,
  runExportJobs,
} from '../../core/analytics/index.js';
import { seedSyntheticHistory } from '../../core/analytics/synthetic.usecases.js';
import { buildMemoryBlobStore, type BlobStore } from '../../core/blobs/index.js';
import { auditLog } from '../../core/db/schema.js';
import { createApp } from '../../bot/create-app.js';
import { buildAppModules } from '../../bot/start.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { analyticsSeed, BRAND, CAMPAIGN } from './fixture.js';
import { HANG_GUARD_MS } from '../support/timing.js';

let services: TestServices;
let app: Express;
let blobs: ReturnType<typeof buildMemoryBlobStore>;
const owner = { 'x-proofline-reviewer': 'owner-1', 'x-proofline-brand': 'an' };

beforeAll(async () => {
  services = await buildTestServices({ seed: analyticsSeed(), now: '2024-12-01T00:00:00Z' });
  blobs = buildMemoryBlobStore();
  services.blobStore = blobs;
  // More rows than one page of the export (2,000), so progress moves in steps.
  await seedSyntheticHistory({
    db: services.database.db,
    generateId: services.generateId,
    brandId: BRAND,
    invoices: 1_200,
    seed: 'exports',
  });
  app = createApp(services as Services, buildAppModules(services as Services));
}, HANG_GUARD_MS);
afterAll(async () => {
  await services?.database.close();
});

const deps = (blobStore: BlobStore = blobs) => ({
  db: services.database.db,
  blobStore,
  clock: services.clock,
});

async function requestExport(body: Record<string, unknown>) {
  const response = await request(app).post('/api/console/analytics/exports').set(owner).send(body);
  expect(response.status).toBe(202);
  return response.body.job as { id: string; state: string; downloadUrl: string | null };
}

async function jobOf(id: string) {
  const response = await request(app).get(`/api/console/analytics/exports/${id}`).set(owner);
  expect(response.status).toBe(200);
  return response.body.job as {
    state: string;
    rowsDone: number;
    rowsTotal: number | null;
    downloadUrl: string | null;
    expiresAt: string | null;
  };
}

/** The CSV's rows as arrays of cells (RFC 4180 quoting, as csv-stringify writes it). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const endCell = () => {
    row.push(cell);
    cell = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === '"' && text[i + 1] === '"') {
      cell += '"';
      i++;
    } else if (quoted && c === '"') quoted = false;
    else if (quoted) cell += c;
    else if (c === '"') quoted = true;
    else if (c === ',') endCell();
    else if (c === '\n') {
      endCell();
      rows.push(row);
      row = [];
    } else if (c !== '\r') cell += c;
  }
  if (cell || row.length) {
    endCell();
    rows.push(row);
  }
  return rows;
}

/** What the export should hold: the same query's rows, neutralised, as text. */
async function expectedRows(filter: { brandId: string; campaignId?: string; from?: string; to?: string }) {
  const rows: string[][] = [];
  for await (const page of lineItemExportRows(services.database.db, filter))
    for (const row of page) rows.push(row.map((cell) => (cell === null ? '' : String(neutralizeCell(cell)))));
  return rows;
}

describe('export jobs', () => {
  test('when an export is requested, then it is queued, runs in the background with progress, and its link downloads the query as CSV', async () => {
    const job = await requestExport({ format: 'csv', from: '2024-10-15', to: '2024-12-31' });
    expect(job.state).toBe('queued');
    expect(job.downloadUrl).toBeNull();
    // Who asked for which data is audited with the job.
    const audited = await services.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'analytics.export_requested'), eq(auditLog.targetId, job.id)));
    expect(audited).toHaveLength(1);
    expect(audited[0]).toMatchObject({ actorType: 'console_user', targetType: 'export_job' });
    expect(audited[0]!.data).toMatchObject({ kind: 'line_items', format: 'csv', from: '2024-10-15' });
    const total = await countLineItems(services.database.db, {
      brandId: BRAND,
      from: '2024-10-15',
      to: '2024-12-31',
    });
    expect(total).toBeGreaterThan(2_000);

    // The worker's store holds the file back until the test has looked at the job mid-run.
    const seen: { state: string; rowsDone: number; rowsTotal: number | null }[] = [];
    const watching: BlobStore = {
      ...blobs,
      putFile: undefined,
      put: async (key, bytes, options) => {
        seen.push(await jobOf(job.id));
        await blobs.put(key, bytes, options);
      },
    };
    // Each page the export reads, the job's progress as the console would see it at that moment.
    const progressAtPage: number[] = [];
    const db = services.database.db;
    const readDb = new Proxy(db, {
      get(target, prop, receiver) {
        if (prop !== 'execute') return Reflect.get(target, prop, receiver);
        return async (query: Parameters<typeof db.execute>[0]) => {
          const [row] = await db.select().from(exportJobs).where(eq(exportJobs.id, job.id));
          progressAtPage.push(row!.rowsDone);
          return target.execute(query);
        };
      },
    });
    const summary = await runExportJobs({ ...deps(watching), readDb });
    expect(summary).toEqual({ ran: 1, failed: 0, expired: 0 });
    // count, then pages of 2,000: the second page is read after the first was recorded.
    expect(progressAtPage.slice(0, 3)).toEqual([0, 0, 2_000]);
    expect(seen).toEqual([{ ...seen[0], state: 'running', rowsDone: total, rowsTotal: total }]);

    const done = await jobOf(job.id);
    expect(done).toMatchObject({ state: 'done', rowsDone: total, rowsTotal: total });
    expect(Date.parse(done.expiresAt!)).toBe(services.clock.now().getTime() + EXPORT_LINK_TTL_MS);
    const file = await request(app).get(done.downloadUrl!).buffer(true);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toContain('text/csv');
    expect(file.headers['content-disposition']).toContain('attachment');
    const [header, ...rows] = parseCsv(file.text);
    expect(header).toEqual([...LINE_ITEM_EXPORT_COLUMNS]);
    expect(rows).toEqual(await expectedRows({ brandId: BRAND, from: '2024-10-15', to: '2024-12-31' }));
    expect(rows).toHaveLength(total);
  });

  test('when an XLSX export of a campaign runs, then the workbook holds that campaign’s rows, formulas neutralised', async () => {
    const job = await requestExport({ format: 'xlsx', campaign: CAMPAIGN });
    await runExportJobs(deps());
    const done = await jobOf(job.id);
    expect(done.state).toBe('done');
    const file = await request(app)
      .get(done.downloadUrl!)
      .buffer(true)
      .parse((res, callback) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => callback(null, Buffer.concat(chunks)));
      });
    expect(file.status).toBe(200);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(file.body as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const values = sheet.getSheetValues().slice(1) as unknown[][];
    const cells = values.map((row) =>
      // Empty cells are holes in exceljs' rows: read every column by index.
      Array.from({ length: LINE_ITEM_EXPORT_COLUMNS.length }, (_, k) => {
        const cell = row[k + 1];
        return cell === null || cell === undefined ? '' : String(cell);
      }),
    );
    expect(cells[0]).toEqual([...LINE_ITEM_EXPORT_COLUMNS]);
    expect(cells.slice(1)).toEqual(await expectedRows({ brandId: BRAND, campaignId: CAMPAIGN }));
    // The fixture's store named =HYPERLINK(…) is text in the sheet.
    expect(cells.flat()).toContain(`'=HYPERLINK("http://evil")`);
  });

  test('when the link has expired, then the download is refused and the worker deletes the file', async () => {
    const job = await requestExport({ format: 'csv', campaign: CAMPAIGN });
    await runExportJobs(deps());
    const done = await jobOf(job.id);
    const [row] = await services.database.db.select().from(exportJobs).where(eq(exportJobs.id, job.id));
    expect(blobs.keys()).toContain(row!.storageKey);

    // A wrong token is not the link.
    const wrong = await request(app).get(`/api/exports/${job.id}/download?token=not-the-token`);
    expect(wrong.status).toBe(404);
    const missing = await request(app).get(`/api/exports/${job.id}/download`);
    expect(missing.status).toBe(400);

    services.clock.advanceBy(EXPORT_LINK_TTL_MS + 1_000);
    const late = await request(app).get(done.downloadUrl!);
    expect(late.status).toBe(410);
    expect(late.body.error.code).toBe('analytics.export_link_expired');
    expect((await jobOf(job.id)).downloadUrl).toBeNull();

    const summary = await runExportJobs(deps());
    expect(summary.expired).toBeGreaterThanOrEqual(1);
    expect(blobs.keys()).not.toContain(row!.storageKey);
    expect(await jobOf(job.id)).toMatchObject({ state: 'expired', downloadUrl: null });
    expect((await request(app).get(done.downloadUrl!)).status).toBe(410);
  });

  test('when an export is asked for badly, then 400 names the field', async () => {
    const format = await request(app)
      .post('/api/console/analytics/exports')
      .set(owner)
      .send({ format: 'pdf' });
    expect(format.status).toBe(400);
    expect(format.body.error.message).toContain('format');
    const range = await request(app)
      .post('/api/console/analytics/exports')
      .set(owner)
      .send({ format: 'csv', from: '2024-11-09', to: '2024-11-01' });
    expect(range.status).toBe(400);
    expect(range.body.error.message).toContain('from');
  });

  test('when another brand lists exports, then it sees none of these', async () => {
    const response = await request(app)
      .get('/api/console/analytics/exports')
      .set({ 'x-proofline-reviewer': 'owner-2', 'x-proofline-brand': 'other' });
    expect(response.status).toBe(200);
    expect(response.body.jobs).toEqual([]);
    const mine = await request(app).get('/api/console/analytics/exports').set(owner);
    expect(mine.body.jobs.length).toBeGreaterThanOrEqual(3);
  });
});
