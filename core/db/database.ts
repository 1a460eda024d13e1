import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { drizzle as drizzleNodePostgres } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePostgres } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import { createErrorFactory } from '../shared/errors.js';
import { migrationsFolder, resolveFromCwd } from '../shared/paths.js';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock.js';
import { drizzleClientOf } from './pglite-text-types.js';
import { PgliteThread, type PgliteThreadMode } from './pglite-thread.js';
import * as schema from './schema.js';

export type Schema = typeof schema;

/** The drizzle database, the same type for PGlite and node-postgres: repositories take this. */
export type Database = PgDatabase<PgQueryResultHKT, Schema>;

/** A transaction handle; inside `db.transaction(async (tx) => …)` always use `tx`, never `db`. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

/** Either the database or an open transaction: functions that can join a caller's transaction take this. */
export type Executor = Database | Transaction;

export type DatabaseDriver = 'pglite' | 'postgres';

export type DatabaseHandle = {
  db: Database;
  driver: DatabaseDriver;
  /** Runs the committed SQL migrations; a no-op when they are applied. */
  migrate: () => Promise<void>;
  /** Resolves when the database answers a query. */
  ping: () => Promise<void>;
  /**
   * Runs one statement given as plain text (values already literals, `sql-literal.ts`) over the simple
   * query protocol and returns its rows, outside drizzle: for a hot path only. On PGlite that is two
   * calls into the wasm instead of the extended protocol's six; node-postgres sends a statement without
   * parameters this way anyway. Not inside a transaction (PGlite queues it behind an open one).
   */
  simpleQuery: <T extends Record<string, unknown>>(text: string) => Promise<T[]>;
  /**
   * PostgreSQL only: one statement with parameters under a name, which node-postgres prepares once on
   * each pooled connection and then only binds and executes (no parse, analysis and planning per call).
   * One name, one text. For a hot path; not inside a transaction. PGlite has none (its extended protocol
   * costs more calls into the wasm than a prepared statement's EXECUTE over `simpleQuery`).
   */
  namedQuery?: <T extends Record<string, unknown>>(
    name: string,
    text: string,
    values: unknown[],
  ) => Promise<T[]>;
  /**
   * LISTEN on a notification channel: PGlite delivers in-process (one process owns its data directory);
   * PostgreSQL on a dedicated connection that reconnects by itself and then calls `onNotification('*')`,
   * since notifications sent while it was away are lost. Resolves, once listening, with the unlisten.
   */
  listen: (channel: string, onNotification: (payload: string) => void) => Promise<() => Promise<void>>;
  close: () => Promise<void>;
};

export const createDatabaseUnreachableError = createErrorFactory({
  code: 'database.unreachable',
  message: 'The database cannot be reached',
  statusCode: 503,
});

export type DatabaseOptions = {
  /** PostgreSQL server URL; unset means embedded PGlite. */
  url?: string;
  poolMax?: number;
  /**
   * PostgreSQL: how long a query waits for a connection — a new one, or a free one of the pool when all
   * are busy (node-postgres uses one setting for both) — before it fails. @default 5000
   */
  connectionTimeoutMs?: number;
  /** PGlite data directory, or `memory://` for an in-memory database. */
  pgliteDataDir?: string;
  /** An existing PGlite instance (tests load a migrated template into one). */
  pglite?: PGlite;
  /**
   * Where a PGlite opened here runs: on this thread (`main`), or in a worker thread of its own
   * (`worker`, `PgliteThread`), so its wasm and parsing leave the serving thread. @default 'main'
   */
  pgliteThread?: PgliteThreadMode;
  /**
   * With `pgliteThread: 'worker'` and no data dir: a file written by PGlite's `dumpDataDir` (tests' migrated
   * template) loaded into the new in-memory database.
   */
  pgliteLoadDataDir?: string;
  /**
   * Called with the text of each statement drizzle sends (tests and benches count them). Transaction
   * control is not included on PGlite (it runs BEGIN/COMMIT itself); node-postgres reports it.
   */
  onStatement?: (sql: string) => void;
};

/** drizzle's query logger for `onStatement`. */
function statementLogger(onStatement: DatabaseOptions['onStatement']) {
  return onStatement ? { logQuery: (query: string) => onStatement(query) } : undefined;
}

/**
 * PGlite's server settings: its own defaults with a small buffer pool. PGlite touches the whole of
 * `shared_buffers` when it starts (128 MB by default: a third of an idle local-mode process); 16 MB
 * holds the hot pages of a local or test database, and a miss reads the data directory through the OS
 * page cache. `npm run bench -- memory` measures it.
 *
 * `wal_init_zero=off`: a new 16 MB WAL segment is not first written full of zeros (PostgreSQL writes its
 * last byte instead; what it is for — allocating the space ahead on some file systems — buys nothing in
 * PGlite's in-memory file system, where writing the zeros regrew the file 15 times, copying ~100 MB, for
 * each segment). Recovery does not need the zeros: every WAL record is checked (CRC, previous link), so a
 * segment's unwritten tail ends the replay either way. Measured by `npm run bench -- submissions` (#17).
 */
export const PGLITE_START_PARAMS: readonly string[] = [
  ...PGlite.defaultStartParams,
  '-c',
  'shared_buffers=16MB',
  '-c',
  'wal_init_zero=off',
];

export async function createDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  if (options.url)
    return createPostgresDatabase(
      options.url,
      options.poolMax ?? 10,
      options.connectionTimeoutMs ?? 5_000,
      options.onStatement,
    );
  return createPgliteDatabase(options);
}

async function createPostgresDatabase(
  url: string,
  poolMax: number,
  connectionTimeoutMs: number,
  onStatement?: DatabaseOptions['onStatement'],
): Promise<DatabaseHandle> {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    connectionTimeoutMillis: connectionTimeoutMs,
  });
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', () => {});
  const db = drizzleNodePostgres(pool, {
    schema,
    logger: statementLogger(onStatement),
  }) as unknown as Database;
  const handle: DatabaseHandle = {
    db,
    driver: 'postgres',
    migrate: async () => {
      await migrateNodePostgres(drizzleNodePostgres(pool, { schema }), { migrationsFolder });
    },
    ping: async () => {
      try {
        await pool.query('select 1');
      } catch (error) {
        throw createDatabaseUnreachableError({
          message: `The database cannot be reached: ${describeConnectionError(error)}`,
          cause: error,
        });
      }
    },
    simpleQuery: async <T extends Record<string, unknown>>(text: string) => (await pool.query<T>(text)).rows,
    namedQuery: async <T extends Record<string, unknown>>(name: string, text: string, values: unknown[]) =>
      (await pool.query<T>({ name, text, values })).rows,
    listen: (channel, onNotification) => listenOnPostgres(url, channel, onNotification),
    close: async () => {
      await pool.end();
    },
  };
  return handle;
}

/** What the handle calls on a PGlite: an instance on this thread or one in a worker thread. */
type PgliteClient = Pick<PGlite, 'query' | 'exec' | 'listen' | 'close' | 'closed'> | PgliteThread;

async function openPglite(options: DatabaseOptions, dir: string | undefined): Promise<PgliteClient> {
  if (options.pgliteThread === 'worker')
    return PgliteThread.create({
      dataDir: dir,
      loadDataDir: dir ? undefined : options.pgliteLoadDataDir,
      startParams: PGLITE_START_PARAMS,
    });
  return PGlite.create({ ...(dir ? { dataDir: dir } : {}), startParams: [...PGLITE_START_PARAMS] });
}

async function createPgliteDatabase(options: DatabaseOptions): Promise<DatabaseHandle> {
  let lock: DataDirLock | undefined;
  let client: PgliteClient | undefined = options.pglite;
  if (!client) {
    const dataDir = options.pgliteDataDir ?? 'memory://';
    if (dataDir.startsWith('memory://')) {
      client = await openPglite(options, undefined);
    } else {
      const dir = resolveFromCwd(dataDir);
      mkdirSync(dir, { recursive: true });
      // PGlite has no lock of its own: two processes on one data dir silently lose writes.
      lock = acquireDataDirLock(dir);
      try {
        client = await openPglite(options, dir);
      } catch (error) {
        lock.release();
        throw error;
      }
    }
  }
  const pglite = client;
  // drizzle's pglite driver calls `query`, `exec` and `transaction`, which the thread client offers too
  // (its worker keeps drizzle's text types as this thread's PGlite does: see `drizzleClientOf`).
  const driverClient =
    pglite instanceof PgliteThread ? (pglite as unknown as PGlite) : drizzleClientOf(pglite as PGlite);
  const db = drizzlePglite(driverClient, {
    schema,
    logger: statementLogger(options.onStatement),
  }) as unknown as Database;
  return {
    db,
    driver: 'pglite',
    migrate: async () => {
      await migratePglite(drizzlePglite(driverClient, { schema }), { migrationsFolder });
    },
    ping: async () => {
      await pglite.query('select 1');
    },
    simpleQuery: async <T extends Record<string, unknown>>(text: string) => {
      const results = await pglite.exec(text);
      return (results[results.length - 1]?.rows ?? []) as T[];
    },
    listen: async (channel, onNotification) => {
      const unlisten = await pglite.listen(channel, onNotification);
      return async () => {
        if (!pglite.closed) await unlisten();
      };
    },
    close: async () => {
      if (!pglite.closed) await pglite.close();
      lock?.release();
    },
  };
}

const LISTEN_RECONNECT_MS = 1_000;

/** A LISTEN connection of its own (a pooled one would lose it), reconnecting while not closed. */
async function listenOnPostgres(
  url: string,
  channel: string,
  onNotification: (payload: string) => void,
): Promise<() => Promise<void>> {
  let closed = false;
  let current: pg.Client | undefined;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (): Promise<void> => {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
    client.on('notification', (message) => {
      if (message.channel === channel) onNotification(message.payload ?? '');
    });
    const lost = () => {
      if (current !== client) return;
      current = undefined;
      void client.end().catch(() => {});
      scheduleReconnect();
    };
    client.on('error', lost);
    client.on('end', lost);
    await client.connect();
    try {
      await client.query(`listen ${client.escapeIdentifier(channel)}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    current = client;
  };
  const scheduleReconnect = () => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      connect().then(
        // Whatever was announced while the connection was down: let every listener look once.
        () => onNotification('*'),
        () => scheduleReconnect(),
      );
    }, LISTEN_RECONNECT_MS);
    retry.unref();
  };

  await connect();
  return async () => {
    closed = true;
    if (retry) clearTimeout(retry);
    const client = current;
    current = undefined;
    await client?.end().catch(() => {});
  };
}

function describeConnectionError(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0)
    return describeConnectionError(error.errors[0]);
  if (error instanceof Error) {
    const code = (error as Error & { code?: string }).code;
    return code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** Rows of a raw SQL query, the same on both drivers (PGlite and node-postgres shape results differently). */
export async function queryRows<T extends Record<string, unknown>>(
  executor: Executor,
  query: SQL,
): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

/** The PostgreSQL error code of a failed query (drizzle wraps driver errors; the code is on `cause`). */
export function getPostgresErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function getConstraintName(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    const constraint = (current as { constraint?: unknown }).constraint;
    if (typeof constraint === 'string') return constraint;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  if (getPostgresErrorCode(error) !== '23505') return false;
  if (!constraint) return true;
  const name = getConstraintName(error);
  // PGlite and node-postgres both report the constraint; fall back to the message when one does not.
  return name ? name === constraint : String((error as Error).message ?? '').includes(constraint);
}

export { sql, schema };
