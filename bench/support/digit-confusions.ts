/**
 * `npx tsx bench/support/digit-confusions.ts <bench.json>…`: which digits OCR reads one for another on receipts,
 * counted on the photos of `npm run bench:accuracy -- synthetic --part tuning|wide --json` (design parts only:
 * never the check part). For every printed amount (each item's, and the total) not found as read anywhere on its
 * photo, the one read amount with as many digits that differs from it in one or two places is taken as its
 * misreading, and each differing place counted as printed → read. An amount with no such reading, or more than
 * one, counts nothing. A decimal point lost at the end of a row (`48 25`) is read as one first (the items mend
 * that apart), and a Thai amount (printed with cents) is compared with amounts read with cents only. This is where `LOOK_ALIKE_DIGITS` (core/receipts/receipt-amounts.models.ts) comes from.
 */
import { readFileSync } from 'node:fs';
import { findAmounts } from '../../core/receipts/receipt-amounts.models.js';
import { BENT_DECIMAL_AT_END } from '../../core/receipts/receipt-items.models.js';
import type { Outcome } from './accuracy-report.js';

const pairs = new Map<string, { count: number; photos: Set<string>; groups: Set<string> }>();
const digitsRead = new Map<string, { right: number; wrong: number }>();
let amounts = 0;
let readAsPrinted = 0;
let misread = 0;

for (const file of process.argv.slice(2)) {
  for (const outcome of JSON.parse(readFileSync(file, 'utf8')) as Outcome[]) {
    if (!outcome.items || outcome.part !== 'tuning') continue;
    const printed = [
      ...new Set([...outcome.items.printed.map((item) => item.amountMinor), outcome.items.printedTotalMinor]),
    ].map(String);
    const withCents = outcome.group.includes('th-receipt');
    const read = new Set(
      outcome.items.lines.flatMap((line) =>
        findAmounts(line.replace(BENT_DECIMAL_AT_END, '$1.$2'))
          .filter((amount) => !withCents || amount.hasDecimals)
          .map((amount) => String(amount.minor)),
      ),
    );
    for (const amount of printed) {
      amounts++;
      if (read.has(amount)) {
        readAsPrinted++;
        for (const digit of amount) tally(digit, true);
        continue;
      }
      const readings = [...read].filter(
        (other) => !printed.includes(other) && [1, 2].includes(differingPlaces(amount, other).length),
      );
      if (readings.length !== 1) continue;
      misread++;
      const places = differingPlaces(amount, readings[0]!);
      [...amount].forEach((digit, i) => tally(digit, !places.includes(i)));
      for (const i of places) {
        const key = `${amount[i]}→${readings[0]![i]}`;
        const entry = pairs.get(key) ?? { count: 0, photos: new Set(), groups: new Set() };
        entry.count++;
        entry.photos.add(`${outcome.group}/${outcome.file}`);
        entry.groups.add(outcome.group.split('/')[1]!);
        pairs.set(key, entry);
      }
    }
  }
}

function differingPlaces(a: string, b: string) {
  if (a.length !== b.length) return [];
  return [...a].flatMap((digit, i) => (digit === b[i] ? [] : [i]));
}

function tally(digit: string, right: boolean) {
  const entry = digitsRead.get(digit) ?? { right: 0, wrong: 0 };
  if (right) entry.right++;
  else entry.wrong++;
  digitsRead.set(digit, entry);
}

console.log(
  `${amounts} printed amounts: ${readAsPrinted} read as printed, ${misread} read with one or two digits misread`,
);
console.log('\n| printed → read | places | photos | kinds |\n| --- | --- | --- | --- |');
for (const [key, entry] of [...pairs].sort((a, b) => b[1].count - a[1].count))
  console.log(`| ${key} | ${entry.count} | ${entry.photos.size} | ${[...entry.groups].join(', ')} |`);
console.log('\n| digit | printed places | misread |\n| --- | --- | --- |');
for (const [digit, entry] of [...digitsRead].sort())
  console.log(`| ${digit} | ${entry.right + entry.wrong} | ${entry.wrong} |`);
