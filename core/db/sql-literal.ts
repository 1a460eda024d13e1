/**
 * A string as a PostgreSQL string literal, for the few hot statements sent as plain text (no
 * parameters): the same quoting as node-postgres' `escapeLiteral` — quotes and backslashes doubled,
 * and an `E'…'` literal when there is a backslash, so it is read the same whatever
 * `standard_conforming_strings` says. Text PostgreSQL cannot hold (U+0000) must be removed before.
 */
export function sqlLiteral(value: string): string {
  const quoted = `'${value.replaceAll("'", "''")}'`;
  return value.includes('\\') ? ` E${quoted.replaceAll('\\', '\\\\')}` : quoted;
}

/** A nullable text value as a literal (`null` when absent). */
export function sqlTextOrNull(value: string | null | undefined): string {
  return value === null || value === undefined ? 'null' : sqlLiteral(value);
}
