import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Executor } from './database.js';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';

/**
 * Column types whose JSON form PostgreSQL reads back as the same value through `jsonb_to_recordset`
 * (a Date becomes its ISO string, a timestamptz input; a jsonb value stays JSON; a numeric string reads
 * as the number).
 */
const JSON_SAFE_COLUMN_TYPES = new Set([
  'PgText',
  'PgVarchar',
  'PgInteger',
  'PgSmallInt',
  'PgBigInt53',
  'PgNumeric',
  'PgBoolean',
  'PgTimestamp',
  'PgTimestampString',
  'PgDateString',
  'PgTime',
  'PgJsonb',
]);

/**
 * Many rows of `table` as one JSON parameter: `select <columns> from jsonb_to_recordset($1) as v(<columns>)`,
 * to insert with `insert into <table> (<columns>) <source>`. One parameter instead of one per value, so
 * neither drizzle nor the driver walks thousands of parameters (the batch verification's item, line-item,
 * ledger and entry inserts). A column no row gives takes its SQL default, as in a drizzle insert. Returns
 * undefined when the rows do not fit that shape (a column type not listed, a default computed in
 * JavaScript, a column with a default given by some rows only): the caller then inserts through drizzle.
 */
export function jsonRowsSource<T extends PgTable>(
  table: T,
  rows: readonly T['$inferInsert'][],
): { columns: SQL; source: SQL; names: string[] } | undefined {
  if (rows.length === 0) return undefined;
  const columnsByKey = getTableColumns(table) as Record<string, PgColumn>;
  const values = rows as readonly Record<string, unknown>[];
  // The columns any row gives a value; one a row leaves out is NULL there, as drizzle's `default` is
  // for a column without a default (one with a default, left out by only some rows, is drizzle's).
  const given = givenKeys(values);
  const keys = [...given];
  const columns: PgColumn[] = [];
  for (const key of keys) {
    const column = columnsByKey[key];
    if (!column || !JSON_SAFE_COLUMN_TYPES.has(column.columnType)) return undefined;
    columns.push(column);
  }
  // A default computed in JavaScript is drizzle's to apply.
  for (const [key, column] of Object.entries(columnsByKey))
    if (!given.has(key) && (column.defaultFn || column.onUpdateFn)) return undefined;
  // The values are checked, not copied: the rows are written as they are, under their JavaScript keys, and
  // renamed in SQL (a key a row leaves out or holds undefined is missing from its JSON: NULL there).
  for (let k = 0; k < keys.length; k++)
    if (!valuesFit(values, keys[k] as string, (columns[k] as PgColumn).hasDefault)) return undefined;
  const names = columns.map((column) => column.name);
  const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const quoted = sql.raw(names.map(quote).join(', '));
  const selected = sql.raw(
    keys.map((key, k) => `v.${quote(key)} as ${quote(names[k] as string)}`).join(', '),
  );
  const definitions = sql.raw(
    columns.map((column, k) => `${quote(keys[k] as string)} ${column.getSQLType()}`).join(', '),
  );
  return {
    columns: quoted,
    source: sql`select ${selected} from jsonb_to_recordset(${JSON.stringify(values)}::jsonb) as v(${definitions})`,
    names,
  };
}

// The loops over the rows are small functions of their own, and no row is copied. A record per row keyed
// by column name (an object whose shape changed with each table) inside this one large function kept it in
// a deoptimise–recompile loop: a TurboFan compile on V8's helper threads for each deciding transaction of
// the batch verification, 150–300 ms of wall time each at load 17 (decision 016, 2026-12-07).

/** The keys any row gives a value. */
function givenKeys(rows: readonly Record<string, unknown>[]): Set<string> {
  const given = new Set<string>();
  for (let index = 0; index < rows.length; index++) {
    const row = rows[index] as Record<string, unknown>;
    for (const key in row) if (row[key] !== undefined) given.add(key);
  }
  return given;
}

/**
 * Whether every row's `key` is a value JSON writes as PostgreSQL reads it (no bigint, function or
 * non-finite number), and, for a column with a default, whether every row gives it.
 */
function valuesFit(rows: readonly Record<string, unknown>[], key: string, hasDefault: boolean): boolean {
  for (let index = 0; index < rows.length; index++) {
    const value = (rows[index] as Record<string, unknown>)[key];
    if (value === undefined) {
      if (hasDefault) return false;
    } else if (typeof value === 'bigint' || typeof value === 'function') return false;
    else if (typeof value === 'number' && !Number.isFinite(value)) return false;
  }
  return true;
}

/**
 * `insert into <table> <rows> <tail>` through one JSON parameter (`jsonRowsSource`), else through drizzle
 * with the same tail (`on conflict …`, `returning …` as SQL). Returns the rows the tail returns.
 */
export async function insertJsonRows<
  T extends PgTable,
  R extends Record<string, unknown> = Record<string, never>,
>(db: Executor, table: T, rows: readonly T['$inferInsert'][], tail: SQL = sql``): Promise<R[]> {
  if (rows.length === 0) return [];
  const json = jsonRowsSource(table, rows);
  if (json) return queryRows<R>(db, sql`insert into ${table} (${json.columns}) ${json.source} ${tail}`);
  const built = db
    .insert(table)
    .values(rows as T['$inferInsert'][])
    .getSQL();
  return queryRows<R>(db, sql`${built} ${tail}`);
}
