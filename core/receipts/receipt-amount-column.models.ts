/**
 * A receipt's amount column read again on its own (issue 15): OCR sometimes misses the column right of the item
 * names (a shaded photo: every item amount lost) or bends some of its amounts (`ย 8.25`, `10,15`), so the items do
 * not add up to the total. The column is cut from the page (`planAmountColumn`, from the word boxes), read alone,
 * and each amount read goes back to the item row at its height (`withColumnAmounts`); the reader keeps the result
 * only when the items then add up to the total exactly.
 */
import type { OcrBox } from '../ocr/index.js';
import { findAmounts } from './receipt-amounts.models.js';
import { BENT_DECIMAL_AT_END, itemsStart } from './receipt-items.models.js';
import { toLines, type ReceiptLineInput } from './receipt-lines.models.js';
import { detectScript } from './receipt-parser.models.js';
import { findMoney } from './receipt-total.models.js';
import type { ParsedReceipt } from './receipts.types.js';

/** A page row with its box (an OCR row); rows without one cannot be placed against the column. */
export type PlacedRow = ReceiptLineInput & { box: OcrBox };

export type AmountColumnPlan = {
  /** The column on the page: right of the item names, from the first item row to the total's row. */
  box: OcrBox;
  /** Indices (into the page's rows) of the item rows, top to bottom. */
  itemRows: number[];
  /** The rows' typical height in page pixels (the crop is scaled by it). */
  rowHeight: number;
};

/** The amount printed on an item or total row: its last word holding digits, when the row's last amount has decimals. */
function amountWord(row: ReceiptLineInput) {
  const last = findAmounts(row.text).at(-1);
  if (!last?.hasDecimals || row.text.slice(last.end).trim() !== '') return undefined;
  return (row.words as readonly { text: string; box?: OcrBox }[] | undefined)?.findLast(
    (word) => /\d/.test(word.text) && word.box,
  )?.box;
}

/**
 * Whether the items read are worth reading the amount column again for: a total was read and the items do not
 * add up to it (none read, an amount missing or misread), none of them already repaired from it.
 */
export function amountColumnWorthRereading(parsed: ParsedReceipt) {
  const total = parsed.fields.totalMinor;
  if (total === undefined || parsed.fields.invoiceNumber !== undefined) return false;
  const items = parsed.fields.items;
  if (items.some((item) => item.repaired)) return false;
  return items.reduce((sum, item) => sum + item.amountMinor, 0) !== total || items.length === 0;
}

/**
 * Where the amount column is on the page: from the left of the amounts read on the item rows and the total's row
 * (one row height of paper before it) to their right (one row height after), from the first item row's top to the
 * total row's bottom. Undefined when the page shows no item rows or no amount to place the column by.
 */
export function planAmountColumn(rows: readonly ReceiptLineInput[]): AmountColumnPlan | undefined {
  const lines = toLines([...rows]);
  const money = findMoney(lines, detectScript(lines));
  const end = money.firstTotalLine;
  if (end <= 0) return undefined;
  const start = itemsStart(lines, end);
  const itemRows = lines.slice(start, end).map((line) => line.index);
  const totalRow = lines[end]!.index;
  const placed = [...itemRows, totalRow].map((index) => rows[index]!.box);
  if (itemRows.length === 0 || placed.some((box) => box === undefined)) return undefined;
  const boxes = placed as OcrBox[];
  const heights = itemRows.map((index) => rows[index]!.box!.y1 - rows[index]!.box!.y0).sort((a, b) => a - b);
  const rowHeight = heights[Math.floor(heights.length / 2)]!;
  const amounts = [...itemRows, totalRow].flatMap((index) => amountWord(rows[index]!) ?? []);
  if (amounts.length === 0 || rowHeight <= 0) return undefined;
  const left = Math.min(...amounts.map((box) => box.x0)) - rowHeight;
  const right = Math.max(...amounts.map((box) => box.x1)) + rowHeight;
  return {
    box: {
      x0: Math.max(0, Math.round(left)),
      y0: Math.max(0, Math.round(Math.min(...boxes.map((box) => box.y0)) - rowHeight * 0.3)),
      x1: Math.round(right),
      y1: Math.round(boxes.at(-1)!.y1 + rowHeight * 0.3),
    },
    itemRows,
    rowHeight,
  };
}

/** A number ending a row that is an amount as OCR read it (`14,25`, `8.25`, `13250`, `.`), not a name's (`แพ็ค 10`). */
const AMOUNT_READ_AT_END = /\s+(?:[\d.,;:]*[.,;:][\d.,;:]*|\d{3,})$/;
/**
 * …or bent past reading: whole units and a point or gap, a cent digit or two, and a speck for a cent digit
 * (`56.2¢`, `18.2F`, `105.5(`, `132, 2¢`, `67.7 ะ`, `14 02:`) — never a letter of a name (`1.5 ล`, `830 มล`).
 */
const BENT_AMOUNT_AT_END =
  /\s+\d{1,4}(?:\s?[.,;:]\s?|\s)\d{0,2}\s?[^\s\d\p{L}\u0E31\u0E34-\u0E3A\u0E47-\u0E4E]?$|\s+\d{1,4}[.,;:]\d{1,2}[A-Za-z]$/u;

/** The row as read without the amount ending it, bent (`90 15`) or not: what is left is its name. */
function withoutAmountRead(text: string) {
  let name = text.replace(BENT_DECIMAL_AT_END, '').trimEnd();
  while (AMOUNT_READ_AT_END.test(name) || BENT_AMOUNT_AT_END.test(name))
    name = name.replace(BENT_AMOUNT_AT_END, '').replace(AMOUNT_READ_AT_END, '');
  return name;
}

/** An amount read in the column, at its height on the page. */
export type ColumnAmount = { text: string; confidence: number; middle: number };

/**
 * The amounts of the column's rows as read (each row's last amount with decimals, a point bent to a space or a
 * `;` read as one), at their heights on the page: `toPage` maps a crop's y back to the page's.
 */
export function columnAmounts(
  columnRows: readonly { text: string; confidence: number; box: OcrBox }[],
  toPage: (y: number) => number,
): ColumnAmount[] {
  return columnRows.flatMap((row) => {
    const text = row.text.replace(BENT_DECIMAL_AT_END, '$1.$2');
    const last = findAmounts(text)
      .filter((amount) => amount.hasDecimals && !amount.negative)
      .at(-1);
    if (!last) return [];
    return [
      {
        text: text.slice(last.index, last.end).replace(/\s/g, ''),
        confidence: row.confidence,
        middle: toPage((row.box.y0 + row.box.y1) / 2),
      },
    ];
  });
}

/** Below the sure band: what items a doubtful column reading gave are read at, at most. */
export const DOUBTFUL_COLUMN_ITEMS_CONFIDENCE = 0.85;

/**
 * The items' confidence when the column read again gave their amounts. The reading was kept because its items add
 * up to the total, so that sum cannot also vouch for it (as with a repaired amount): the items stay under 0.9 unless
 * OCR read every amount of the column at 0.9 or more.
 */
export function columnItemsConfidence(
  itemsConfidence: number | undefined,
  amounts: readonly ColumnAmount[],
): number {
  const confidence = itemsConfidence ?? 0;
  const sure = amounts.length > 0 && amounts.every((amount) => amount.confidence >= 0.9);
  return sure ? confidence : Math.min(confidence, DOUBTFUL_COLUMN_ITEMS_CONFIDENCE);
}

/**
 * The page's rows with each item row's amount the one the column read at its height (within half a row of its
 * middle, the nearest, each amount given once), the numbers ending the row as read dropped; item rows no amount
 * lies beside keep theirs. The reader parses the rows again and keeps the items only when they add up to the total.
 */
export function withColumnAmounts(
  rows: readonly PlacedRow[] | readonly ReceiptLineInput[],
  plan: AmountColumnPlan,
  amounts: readonly ColumnAmount[],
): ReceiptLineInput[] {
  const given = new Set<ColumnAmount>();
  const out = [...rows] as ReceiptLineInput[];
  for (const index of plan.itemRows) {
    const row = rows[index]!;
    if (!row.box) continue;
    const middle = (row.box.y0 + row.box.y1) / 2;
    const beside = amounts
      .filter((amount) => !given.has(amount) && Math.abs(amount.middle - middle) <= plan.rowHeight / 2)
      .sort((a, b) => Math.abs(a.middle - middle) - Math.abs(b.middle - middle))[0];
    if (!beside) continue;
    given.add(beside);
    const name = /[\p{L}\p{M}]/u.test(row.text) ? withoutAmountRead(row.text) : '';
    const nameWords = (row.words ?? []).filter((word) => /[\p{L}\p{M}]/u.test(word.text));
    out[index] = {
      ...row,
      text: `${name.trim()} ${beside.text}`,
      words: [...nameWords, { text: beside.text, confidence: beside.confidence }],
    };
  }
  return out;
}
