/** At most this many days are drawn one by one; a longer span keeps only the days that have something. */
export const MAX_FILLED_DAYS = 800;

const DAY_MS = 86_400_000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The rows of a by-day series with the days in between that have no row put in (`empty(day)`), so that a
 * chart's x axis is time: a quiet week is a gap of zeros, not two neighbouring bars. `rows` are sorted by
 * `day` (YYYY-MM-DD); a span over `MAX_FILLED_DAYS`, or a day that is not a date, leaves them as they are.
 */
export function withEveryDay<T extends { day: string }>(rows: readonly T[], empty: (day: string) => T): T[] {
  const first = rows[0]?.day;
  const last = rows[rows.length - 1]?.day;
  if (!first || !last || !DAY.test(first) || !DAY.test(last)) return [...rows];
  const start = Date.parse(`${first}T00:00:00Z`);
  const span = Math.round((Date.parse(`${last}T00:00:00Z`) - start) / DAY_MS) + 1;
  if (!(span > rows.length) || span > MAX_FILLED_DAYS) return [...rows];
  const byDay = new Map(rows.map((row) => [row.day, row]));
  return Array.from({ length: span }, (_, i) => {
    const day = new Date(start + i * DAY_MS).toISOString().slice(0, 10);
    return byDay.get(day) ?? empty(day);
  });
}
