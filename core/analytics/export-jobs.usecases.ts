import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { and, desc, eq, sql } from 'drizzle-orm';
import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import type { BlobStore } from '../blobs/index.js';
import { queryRows, type Database, type Executor } from '../db/database.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { createExportJobNotFoundError, createExportLinkExpiredError } from './analytics.errors.js';
import type { AnalyticsFilter } from './analytics.filter.js';
import { exportJobs } from './analytics.table.js';
import { countExportRows, exportRows, type ExportFormat, type ExportKind } from './exports.js';

/** How long a finished export's download link works. @default 24 h */
export const EXPORT_LINK_TTL_MS = 24 * 3_600_000;
/** A running job not heard from for this long is taken again by another worker. */
const EXPORT_LEASE_MS = 10 * 60_000;

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
};

type ExportJobRow = typeof exportJobs.$inferSelect;

/** What the console sees of a job: its progress, and the link while the file can be downloaded. */
export type ExportJobView = {
  id: string;
  kind: ExportJobRow['kind'];
  format: ExportJobRow['format'];
  state: ExportJobRow['state'];
  params: { campaign?: string; from?: string; to?: string; contact?: boolean };
  rowsDone: number;
  rowsTotal: number | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
  downloadUrl: string | null;
  error: string | null;
};

/** Where a job's file is downloaded (the token is the credential; it stops working at `expiresAt`). */
export function exportDownloadPath(job: Pick<ExportJobRow, 'id' | 'downloadToken'>): string {
  return `/api/exports/${job.id}/download?token=${job.downloadToken}`;
}

export function exportJobView(job: ExportJobRow, now: Date): ExportJobView {
  const live = job.state === 'done' && job.downloadToken && job.expiresAt && job.expiresAt > now;
  return {
    id: job.id,
    kind: job.kind,
    format: job.format,
    state: job.state === 'done' && !live ? 'expired' : job.state,
    params: (job.params ?? {}) as ExportJobView['params'],
    rowsDone: job.rowsDone,
    rowsTotal: job.rowsTotal,
    createdAt: job.createdAt.toISOString(),
    finishedAt: job.finishedAt?.toISOString() ?? null,
    expiresAt: job.expiresAt?.toISOString() ?? null,
    downloadUrl: live ? exportDownloadPath(job) : null,
    error: job.state === 'failed' ? (job.lastError ?? 'failed') : null,
  };
}

/**
 * Queues an export of the filter (the worker runs it). `contact`: the requester may see members' contact
 * data (`members.contact`), decided now, on the server, and kept with the job.
 */
export async function requestExport(
  { db, clock, generateId }: { db: Database; clock: Clock; generateId: IdGenerator },
  {
    kind,
    filter,
    format,
    contact,
    requestedBy,
    audit,
  }: {
    kind: ExportKind;
    filter: AnalyticsFilter;
    format: ExportFormat;
    contact: boolean;
    requestedBy: string | null;
    /** The console user asking: the request is audited with the job (`analytics.export_requested`). */
    audit?: { actor: ConsoleAuditActor } | undefined;
  },
): Promise<ExportJobRow> {
  return db.transaction(async (tx) => {
    const job = await insertExportJob(
      tx,
      { clock, generateId },
      { kind, filter, format, contact, requestedBy },
    );
    if (audit)
      await recordConsoleAction(tx, { clock, generateId }, audit.actor, {
        action: 'analytics.export_requested',
        targetType: 'export_job',
        targetId: job.id,
        data: { kind, format, ...job.params },
      });
    return job;
  });
}

async function insertExportJob(
  db: Executor,
  { clock, generateId }: { clock: Clock; generateId: IdGenerator },
  {
    kind,
    filter,
    format,
    contact,
    requestedBy,
  }: {
    kind: ExportKind;
    filter: AnalyticsFilter;
    format: ExportFormat;
    contact: boolean;
    requestedBy: string | null;
  },
): Promise<ExportJobRow> {
  const [job] = await db
    .insert(exportJobs)
    .values({
      id: generateId('exportJob'),
      brandId: filter.brandId,
      kind,
      format,
      params: {
        ...(filter.campaignId ? { campaign: filter.campaignId } : {}),
        ...(filter.from ? { from: filter.from } : {}),
        ...(filter.to ? { to: filter.to } : {}),
        ...(contact ? { contact: true } : {}),
      },
      state: 'queued',
      requestedBy,
      createdAt: clock.now(),
    })
    .returning();
  return job!;
}

/** Queues a line-items export of the filter. */
export function requestLineItemsExport(
  deps: { db: Database; clock: Clock; generateId: IdGenerator },
  input: { filter: AnalyticsFilter; format: ExportFormat; requestedBy: string | null },
): Promise<ExportJobRow> {
  return requestExport(deps, { ...input, kind: 'line_items', contact: false });
}

export async function listExportJobs(
  db: Executor,
  { brandId, limit = 20 }: { brandId: string; limit?: number },
): Promise<ExportJobRow[]> {
  return db
    .select()
    .from(exportJobs)
    .where(eq(exportJobs.brandId, brandId))
    .orderBy(desc(exportJobs.createdAt), desc(exportJobs.id))
    .limit(limit);
}

export async function getExportJobOrThrow(
  db: Executor,
  { brandId, jobId }: { brandId: string; jobId: string },
): Promise<ExportJobRow> {
  const [job] = await db
    .select()
    .from(exportJobs)
    .where(and(eq(exportJobs.brandId, brandId), eq(exportJobs.id, jobId)));
  if (!job) throw createExportJobNotFoundError({ details: { jobId } });
  return job;
}

export type ExportJobsDeps = {
  /** The main database: the jobs' own rows. */
  db: Database;
  /** Where the line items are read (a replica with ANALYTICS_DATABASE_URL). @default db */
  readDb?: Executor;
  blobStore: BlobStore;
  clock: Clock;
};

/**
 * The worker's turn: deletes the files of expired links, then claims one queued job (or a running one
 * whose worker died) and runs it (any kind of export.ts): counts the rows, streams them page by page to a temporary file (CSV or
 * XLSX) while recording progress, stores the file, and publishes a link for EXPORT_LINK_TTL_MS.
 * Memory stays at one page of rows whatever the export's size. Returns the jobs it finished or expired.
 */
export async function runExportJobs(
  deps: ExportJobsDeps,
  { ttlMs = EXPORT_LINK_TTL_MS }: { ttlMs?: number } = {},
): Promise<{ ran: number; failed: number; expired: number }> {
  const { db, clock, blobStore } = deps;
  const expired = await expireExportFiles(deps);
  const now = clock.now();
  const [claimed] = await queryRows<{ id: string }>(
    db,
    sql`update export_jobs set state = 'running', lease_until = ${new Date(now.getTime() + EXPORT_LEASE_MS)}
        where id = (
          select id from export_jobs
          where state = 'queued' or (state = 'running' and lease_until < ${now})
          order by created_at limit 1 for update skip locked)
        returning id`,
  );
  if (!claimed) return { ran: 0, failed: 0, expired };
  const [job] = await db.select().from(exportJobs).where(eq(exportJobs.id, claimed.id));
  const params = (job!.params ?? {}) as ExportJobView['params'];
  const filter: AnalyticsFilter = {
    brandId: job!.brandId,
    ...(params.campaign ? { campaignId: params.campaign } : {}),
    ...(params.from ? { from: params.from } : {}),
    ...(params.to ? { to: params.to } : {}),
  };
  const format = job!.format as ExportFormat;
  const kind = job!.kind as ExportKind;
  const scope = { filter, contact: params.contact === true };
  const dir = await mkdtemp(join(tmpdir(), 'proofline-export-'));
  try {
    const readDb = deps.readDb ?? db;
    const total = await countExportRows(readDb, kind, scope);
    await db.update(exportJobs).set({ rowsTotal: total, rowsDone: 0 }).where(eq(exportJobs.id, job!.id));
    const path = join(dir, `export.${format}`);
    const { rows } = await exportRows({
      db: readDb,
      kind,
      scope,
      format,
      out: createWriteStream(path),
      onProgress: async (rowsDone) => {
        await db
          .update(exportJobs)
          .set({ rowsDone, leaseUntil: new Date(clock.now().getTime() + EXPORT_LEASE_MS) })
          .where(eq(exportJobs.id, job!.id));
      },
    });
    const storageKey = `exports/${job!.brandId}/${job!.id}.${format}`;
    const contentType = EXPORT_CONTENT_TYPES[format];
    if (blobStore.putFile) await blobStore.putFile(storageKey, path, { contentType });
    else await blobStore.put(storageKey, await readFile(path), { contentType });
    const finishedAt = clock.now();
    await db
      .update(exportJobs)
      .set({
        state: 'done',
        rowsDone: rows,
        rowsTotal: Math.max(rows, total),
        storageKey,
        downloadToken: randomBytes(24).toString('base64url'),
        expiresAt: new Date(finishedAt.getTime() + ttlMs),
        finishedAt,
        leaseUntil: null,
      })
      .where(eq(exportJobs.id, job!.id));
    return { ran: 1, failed: 0, expired };
  } catch (error) {
    await db
      .update(exportJobs)
      .set({ state: 'failed', lastError: (error as Error).message.slice(0, 500), finishedAt: clock.now() })
      .where(eq(exportJobs.id, job!.id));
    return { ran: 0, failed: 1, expired };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Deletes the files of links that have expired and marks their jobs `expired`. */
async function expireExportFiles({ db, blobStore, clock }: ExportJobsDeps): Promise<number> {
  const due = await queryRows<{ id: string; storage_key: string | null }>(
    db,
    sql`select id, storage_key from export_jobs where state = 'done' and expires_at <= ${clock.now()} limit 50`,
  );
  for (const job of due) {
    if (job.storage_key) await blobStore.delete(job.storage_key);
    await db
      .update(exportJobs)
      .set({ state: 'expired', storageKey: null, downloadToken: null })
      .where(eq(exportJobs.id, job.id));
  }
  return due.length;
}

/**
 * The file behind a download link: refused (404) for a wrong token or an unknown job, and (410) once the
 * link has expired, even before the worker has deleted the file.
 */
export async function openExportDownload(
  { db, blobStore, clock }: Pick<ExportJobsDeps, 'db' | 'blobStore' | 'clock'>,
  { jobId, token }: { jobId: string; token: string },
): Promise<{ filename: string; contentType: string; body: Readable }> {
  const [job] = await db.select().from(exportJobs).where(eq(exportJobs.id, jobId));
  const expected = Buffer.from(job?.downloadToken ?? '');
  const given = Buffer.from(token);
  const tokenMatches =
    expected.length > 0 && expected.length === given.length && timingSafeEqual(expected, given);
  if (!job || (!tokenMatches && job.state !== 'expired'))
    throw createExportJobNotFoundError({ details: { jobId } });
  if (job.state === 'expired' || !job.expiresAt || job.expiresAt <= clock.now() || !job.storageKey)
    throw createExportLinkExpiredError({ details: { jobId } });
  const format = job.format as ExportFormat;
  const stream = blobStore.getStream
    ? await blobStore.getStream(job.storageKey)
    : await blobStore.get(job.storageKey).then((bytes) => (bytes ? Readable.from([bytes]) : undefined));
  if (!stream) throw createExportLinkExpiredError({ details: { jobId } });
  const day = job.createdAt.toISOString().slice(0, 10);
  return {
    filename: `${job.kind.replaceAll('_', '-')}-${day}-${job.id}.${format}`,
    contentType: EXPORT_CONTENT_TYPES[format],
    body: stream,
  };
}
