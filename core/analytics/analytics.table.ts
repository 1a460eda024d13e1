import { index, integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { brands } from '../brands/brands.table.js';
import { createdAt, idColumn, tstz } from '../db/columns.js';

/** Long exports run as jobs and report progress. */
export const exportJobs = pgTable(
  'export_jobs',
  {
    id: idColumn(),
    brandId: text('brand_id')
      .notNull()
      .references(() => brands.id),
    kind: text('kind').notNull().$type<'line_items' | 'survey_answers' | 'winners' | 'member_data'>(),
    format: text('format').notNull().$type<'csv' | 'xlsx' | 'json'>(),
    params: jsonb('params').$type<Record<string, unknown>>(),
    state: text('state').notNull().$type<'queued' | 'running' | 'done' | 'failed'>(),
    rowsDone: integer('rows_done').notNull().default(0),
    rowsTotal: integer('rows_total'),
    storageKey: text('storage_key'),
    requestedBy: text('requested_by'),
    lastError: text('last_error'),
    createdAt: createdAt(),
    finishedAt: tstz('finished_at'),
  },
  (t) => [index('export_jobs_brand_idx').on(t.brandId, t.createdAt)],
);
