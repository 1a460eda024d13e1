import type { ComponentChildren } from 'preact';
import { useMemo, useState } from 'preact/hooks';
import { intlLocale } from '../../format';
import { t as shellT } from '../../i18n';
import { downloadCsv, toCsv } from '../../ui/csv';

export type Column<R> = {
  key: string;
  label: string;
  /** The cell's value: what it sorts by and what the CSV holds. */
  value: (row: R) => string | number | null;
  /** How the cell shows (formatted money, a link); the value otherwise. */
  render?: (row: R) => ComponentChildren;
  /** Right-aligned, tabular figures, sorted as numbers (largest first on the first click). */
  num?: boolean;
};

type Sort = { key: string; dir: 'asc' | 'desc' } | null;

/**
 * A table of an analysis' numbers: click (or Enter on) a column head to sort by it, again to reverse;
 * "Download CSV" saves the rows as shown (sorted), with raw values rather than formatted ones.
 */
export function DataTable<R>({
  rows,
  columns,
  caption,
  csvName,
  initialSort = null,
  empty,
  rowKey,
}: {
  rows: R[];
  columns: Column<R>[];
  caption: string;
  csvName: string;
  initialSort?: Sort;
  empty?: string;
  rowKey?: (row: R, index: number) => string;
}) {
  const [sort, setSort] = useState<Sort>(initialSort);
  const sorted = useMemo(() => {
    if (!sort) return rows;
    const column = columns.find((c) => c.key === sort.key);
    if (!column) return rows;
    const collator = new Intl.Collator(intlLocale(), { numeric: true });
    const factor = sort.dir === 'asc' ? 1 : -1;
    return [...rows].sort((a, b) => {
      const x = column.value(a);
      const y = column.value(b);
      if (x === y) return 0;
      if (x === null) return 1;
      if (y === null) return -1;
      const order =
        typeof x === 'number' && typeof y === 'number' ? x - y : collator.compare(String(x), String(y));
      return order * factor;
    });
  }, [rows, columns, sort]);

  const toggle = (column: Column<R>) =>
    setSort((current) =>
      current?.key === column.key
        ? { key: column.key, dir: current.dir === 'asc' ? 'desc' : 'asc' }
        : { key: column.key, dir: column.num ? 'desc' : 'asc' },
    );

  return (
    <div class="data-table">
      <div class="data-table-head">
        <span class="data-table-caption">{caption}</span>
        <button
          type="button"
          class="ghost small"
          disabled={rows.length === 0}
          onClick={() =>
            downloadCsv(
              `${csvName}.csv`,
              toCsv(
                columns.map((c) => c.key),
                sorted.map((row) => columns.map((c) => c.value(row))),
              ),
            )
          }
        >
          {shellT('common.downloadCsv')}
        </button>
      </div>
      {rows.length === 0 ? (
        <p class="muted">{empty ?? shellT('common.empty')}</p>
      ) : (
        <div class="table-scroll">
          <table class="data sortable">
            <caption class="sr-only">{caption}</caption>
            <thead>
              <tr>
                {columns.map((column) => (
                  <th
                    key={column.key}
                    class={column.num ? 'num' : undefined}
                    aria-sort={
                      sort?.key === column.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'
                    }
                  >
                    <button type="button" class="sort" onClick={() => toggle(column)}>
                      {column.label}
                      <span aria-hidden="true" class="sort-mark">
                        {sort?.key === column.key ? (sort.dir === 'asc' ? '▲' : '▼') : ''}
                      </span>
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {sorted.map((row, index) => (
                <tr key={rowKey ? rowKey(row, index) : index}>
                  {columns.map((column) => (
                    <td key={column.key} class={column.num ? 'num' : undefined}>
                      {column.render ? column.render(row) : column.value(row)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
