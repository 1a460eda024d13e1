import type { PGlite, QueryOptions, Results, Transaction } from '@electric-sql/pglite';

type Parsers = NonNullable<QueryOptions['parsers']>;

/**
 * The types drizzle's pglite session keeps as text (it passes an identity parser for each with every
 * statement): timestamp, timestamptz, interval, date, and numeric[], timestamp[], timestamptz[],
 * interval[], date[].
 */
export const DRIZZLE_TEXT_TYPE_OIDS: readonly number[] = [
  1114, 1184, 1186, 1082, 1231, 1115, 1185, 1187, 1182,
];

const keepText = (value: string) => value;
const PROBE = '2026-01-02 03:04:05';

/**
 * Gives the PGlite's own parsers the identity parser for drizzle's text types, so a statement need not
 * bring them. Why: for a statement that brings parsers, PGlite copies its whole parser map (~320 types:
 * every base type, every table's row type and their arrays) into a new object to lay them over it, on
 * every statement; that copy was the largest single JavaScript cost of a typed e-invoice's answer
 * (issue 17, `npm run bench -- answer-cpu`). Set after PGlite has registered its array types (it does so
 * while it starts), which would otherwise parse those arrays element by element.
 *
 * A statement sent without parsers (`simpleQuery`) then gets these types as text too, as drizzle's do.
 */
export function keepDrizzleTextTypes(parsers: Parsers): void {
  for (const oid of DRIZZLE_TEXT_TYPE_OIDS) parsers[oid] = keepText;
}

/** Whether a statement's parsers only keep text for types the PGlite already keeps as text. */
export function onlyKeptTextTypes(parsers: Parsers | undefined): boolean {
  if (!parsers) return true;
  for (const key of Object.keys(parsers)) {
    const oid = Number(key);
    if (!DRIZZLE_TEXT_TYPE_OIDS.includes(oid)) return false;
    if (parsers[oid]?.(PROBE) !== PROBE) return false;
  }
  return true;
}

/** The options without parsers the PGlite applies anyway (otherwise as they are). */
export function withoutKeptParsers<T extends QueryOptions | undefined>(options: T): T {
  if (!options?.parsers || !onlyKeptTextTypes(options.parsers)) return options;
  const { parsers: _kept, ...rest } = options;
  return rest as T;
}

type Statements = Pick<Transaction, 'query' | 'exec'>;

function statementsOf<S extends Statements>(target: S) {
  return {
    query: <T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>> =>
      target.query<T>(sql, params, withoutKeptParsers(options)),
    exec: (sql: string, options?: QueryOptions): Promise<Results[]> =>
      target.exec(sql, withoutKeptParsers(options)),
  };
}

/**
 * What drizzle's pglite driver calls (`query`, `exec`, `transaction` and its `tx`), on a PGlite that keeps
 * drizzle's text types itself (`keepDrizzleTextTypes`), with drizzle's parsers left out of each statement.
 */
export function drizzleClientOf(pglite: PGlite): PGlite {
  keepDrizzleTextTypes(pglite.parsers);
  const client = {
    ...statementsOf(pglite),
    transaction: <T>(callback: (tx: Transaction) => Promise<T>) =>
      pglite.transaction((tx) =>
        callback({
          ...statementsOf(tx),
          sql: tx.sql.bind(tx),
          listen: tx.listen.bind(tx),
          rollback: () => tx.rollback(),
          get closed() {
            return tx.closed;
          },
        } as Transaction),
      ),
  };
  return client as unknown as PGlite;
}
