/**
 * Tables and charts offer their numbers as CSV: RFC 4180 quoting, a BOM so spreadsheet programs read
 * CJK and Thai text as UTF-8, and cells that start like a formula (`=`, `+`, `-`, `@`) prefixed with `'`
 * so opening the file cannot run anything.
 */
export function toCsv(header: string[], rows: (string | number | null | undefined)[][]): string {
  const cell = (value: string | number | null | undefined) => {
    if (value === null || value === undefined) return '';
    let text = String(value);
    if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return `\uFEFF${[header, ...rows].map((row) => row.map(cell).join(',')).join('\r\n')}\r\n`;
}

export function downloadCsv(filename: string, csv: string) {
  downloadFile(filename, csv, 'text/csv;charset=utf-8');
}

/** Saves text made in the page (a CSV, a JSON export) as a file. */
export function downloadFile(filename: string, content: string, type: string) {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
