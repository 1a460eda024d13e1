import { getTableColumns, sql, type Table } from 'drizzle-orm';
import { getTableConfig, type PgTable } from 'drizzle-orm/pg-core';
import { queryRows, type Executor } from '../db/database.js';

/**
 * Inserts many rows in one statement with a single JSON parameter
 * (`insert … select … from json_populate_recordset(null::table, $1)`), skipping rows that conflict.
 * Drizzle's multi-row `values()` binds one parameter per cell, and building that query costs more than
 * running it (a 5,000-invoice history is ~400k cells); one JSON text is cheap to build and to send.
 * Columns are those present in any row; a column missing from a row is null (give every row the same
 * keys). Returns the `returning` column of the rows actually inserted.
 */
export async function insertRowsAsJson<T extends PgTable>(
  db: Executor,
  table: T,
  rows: T['$inferInsert'][],
  { returning }: { returning?: string } = {},
): Promise<string[]> {
  if (rows.length === 0) return [];
  const columns = Object.entries(getTableColumns(table as Table)) as [string, { name: string }][];
  const present = new Set(rows.flatMap((row) => Object.keys(row as object)));
  const used = columns.filter(([key]) => present.has(key));
  const json = JSON.stringify(
    rows.map((row) => {
      const out: Record<string, unknown> = {};
      for (const [key, column] of used) out[column.name] = (row as Record<string, unknown>)[key] ?? null;
      return out;
    }),
  );
  const name = sql.identifier(getTableConfig(table).name);
  const list = sql.join(
    used.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  const result = await queryRows<Record<string, unknown>>(
    db,
    sql`insert into ${name} (${list})
        select ${list} from json_populate_recordset(null::${name}, ${json}::json)
        on conflict do nothing
        ${returning ? sql`returning ${sql.identifier(returning)}` : sql``}`,
  );
  return returning ? result.map((row) => String(row[returning])) : [];
}
