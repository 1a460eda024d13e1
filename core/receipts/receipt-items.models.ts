/**
 * The item rows of a receipt: between the header (date, column titles) and the first total line, each a name,
 * an optional quantity and its amount.
 */
import { findAmounts, misreadAsLookAlike, type AmountToken } from './receipt-amounts.models.js';
import { findDates } from './receipt-dates.models.js';
import { readItemColumns } from './receipt-item-columns.models.js';
import { itemNameConfidence } from './receipt-item-confidence.js';
import { compactText, relabel, type Line } from './receipt-lines.models.js';
import { DISCOUNT_LINE, PAYMENT_LINE } from './receipt-money-labels.models.js';
import { cleanName, letterRatio } from './receipt-store.models.js';
import type { ReceiptItem } from './receipts.types.js';

const ITEM_HEADER =
  /DESCRIPTION|\bITEM\b|\bQTY\b|PRODUCT|รายการ|จำนวน|品名|品項|數量|單價|U\.?\s?P(?:RICE)?\b|AMOUNT\s*$/i;

/** A quantity printed before an item's name ("3 มาม่า"). */
const QUANTITY_PREFIX = /^(\d{1,3})\s+(?=\D)/;

/**
 * A row opening with a quantity and a word (`1 โค้ก 1.25 ล`, its amount read on the next row): an item's name,
 * however many of its characters a size printed in it makes digits.
 */
const QUANTITY_THEN_WORD = /^\d{1,3}\s[\p{L}\p{M}]{2,}/u;

/** A number of ten digits or more on a row of letters: a tax ID or phone of the header, never a product's name. */
const HEADER_NUMBER = /\d{10,}/;

/**
 * A number printed with its unit (`600ml`, `1.25 ล`, `830 มล`, `5 กก`, `1KG`) is the product's size, never its
 * amount: read as one, it took the amount's place (`可口可樂600mlx3` / `195TX` read as 600).
 */
const UNIT_AFTER = /^\s?(?:[mM][lL1](?!\d)|[kK][gG]|[lLg](?![a-zA-Z])|มล|กก|กรัม|ลิตร|ล(?![\u0E01-\u0E4F]))/u;

/** The item count a TW invoice prints under its items (`共 4 項`, its 項 often lost). */
const ITEM_COUNT = /^共\s?(\d{1,3})(?:\s?項|$)/;

/** A whole number right after `x` / `×` is the quantity (`果西打×1`), never an amount. */
const AFTER_TIMES = /[xX×]\s?$/;

/**
 * The quantity printed after a name (`統一布丁x2`, `x 3`, `×1`), a 1 also as OCR bends it (`統一布丁xl`).
 * A capital X before L is a size (`SHIRT XL`), not a bent 1.
 */
const QUANTITY_MARK = /[xX×]\s?(\d{1,3})\b|\b(\d{1,3})\s?[xX×@]|[x×]([lI|])\s*$/;

function quantityMarked(text: string) {
  const mark = QUANTITY_MARK.exec(text);
  if (!mark) return undefined;
  return mark[3] ? 1 : Number(mark[1] ?? mark[2]);
}

/** The row after the header's last (column titles, the date, the tax ID or invoice title): where items start. */
export function itemsStart(lines: Line[], firstTotalLine: number) {
  let start = 0;
  for (let i = 0; i < firstTotalLine; i++) {
    const line = lines[i]!;
    if (
      ITEM_HEADER.test(line.upper) ||
      findDates(line.text).length > 0 ||
      /ใบกำกับ|ใบกํากับ|統一編號/.test(line.compact)
    )
      start = i + 1;
  }
  return start;
}

/** The row's numbers that may be money: neither a size (`UNIT_AFTER`) nor a quantity after `×`. */
function amountTokens(line: Line) {
  return findAmounts(line.text).filter(
    (a) =>
      !UNIT_AFTER.test(line.text.slice(a.end)) &&
      (a.hasDecimals || !AFTER_TIMES.test(line.text.slice(0, a.index))),
  );
}

/**
 * Item rows as read, with the least sure name's confidence and, item by item, how surely its amount was read
 * (`amountConfidence`): the evidence that one amount, and which, is the misread one.
 */
type ItemRows = ReceiptItem[] & { lowestConfidence?: number; amountConfidences?: number[]; rows?: number[] };

/**
 * How surely the row's amount `amount` was read: the least sure of the words that hold its digits (from the row's
 * right end), else the row's own confidence (plain text fixtures, a row read again from another's text).
 */
function amountConfidence(line: Line, amount: AmountToken) {
  const digits = line.text.slice(amount.index, amount.end).replace(/\D/g, '');
  let held = '';
  let least = Infinity;
  for (const word of [...(line.words ?? [])].reverse()) {
    const wordDigits = word.text.replace(/\D/g, '');
    if (wordDigits === '' || !digits.endsWith(wordDigits + held)) {
      if (held !== '') break;
      continue;
    }
    held = wordDigits + held;
    least = Math.min(least, word.confidence);
    if (held === digits) return least;
  }
  return line.confidence;
}

/**
 * Item rows sit between the header (date, column titles) and the first total line: a name and the
 * rightmost amount, an optional quantity ("3 มาม่า", "x2", "2 @ 15.50"), names wrapped onto the row above.
 */
export function findItems(lines: Line[], firstTotalLine: number, integers: boolean): ItemRows {
  if (firstTotalLine <= 0) return [];
  const items: ItemRows = [];
  items.amountConfidences = [];
  items.rows = [];
  let pendingName: string[] = [];
  for (let i = itemsStart(lines, firstTotalLine); i < firstTotalLine; i++) {
    const line = lines[i]!;
    // The item count (`共 4 項`) closes the item rows: its number is no amount.
    if (ITEM_COUNT.test(line.compact)) break;
    const tokens = amountTokens(line);
    const amounts = tokens.filter((a) => a.hasDecimals || (integers && !a.currencyMark) || a.currencyMark);
    const text = line.compact;
    if (amounts.length === 0) {
      if ((letterRatio(text) > 0.5 || QUANTITY_THEN_WORD.test(text)) && !PAYMENT_LINE.test(line.upper))
        pendingName.push(text);
      continue;
    }
    const last = amounts.at(-1)!;
    const discount = last.negative || DISCOUNT_LINE.test(line.upper);
    // Quantity and unit price printed as columns, checked by their product (`綠茶 2 120 240`).
    const columns = discount ? undefined : readItemColumns(tokens, last);
    const nameEnd = Math.min(
      amounts[0]!.index,
      columns?.quantityToken.index ?? Infinity,
      columns?.unitPrice.index ?? Infinity,
    );
    // The amounts' places are in the row as read (`line.text`), not in its compacted copy.
    let name = compactText(line.text.slice(0, amounts[0]!.index)).trim();
    // The name ends before the quantity column — unless nothing but the quantity is left of the row
    // ("1CTN 63.60 63.60": the unit stays with the row, whose name may be the row above).
    const beforeColumns = line.text.slice(0, nameEnd).trim();
    if (nameEnd < amounts[0]!.index && letterRatio(beforeColumns) >= 0.4 && beforeColumns.length >= 2)
      name = beforeColumns;
    let quantity = 1;
    const qtyPrefix = QUANTITY_PREFIX.exec(name);
    const qtyX = quantityMarked(text);
    if (columns) quantity = columns.quantity;
    else if (qtyX !== undefined) quantity = qtyX;
    else if (qtyPrefix) quantity = Number(qtyPrefix[1]);
    if (qtyPrefix) name = name.slice(qtyPrefix[0].length);
    name = name
      .replace(/\s?(?:[xX×]\s?\d{1,3}|[x×][lI|])\s*$/, '')
      .replace(/TX$/, '')
      .trim();
    // A name wrapped above its price row ("Smoked Duck Spaghetti" / "1x 12.50 12.50").
    // Printed with a quantity before its name on the first of those rows ("3 ข้าวหอมมะลิ 5 กก" / "219.00": the
    // amount pushed onto the next row), the item keeps that quantity when the price row gives none of its own.
    // Only the first: a number opening a later row is the name's own (`GREEN TEA` / `12 PACK CARTON` / `36.00`)
    // — unless the rows above it are a header OCR did not recognise, one of them printing the seller's tax ID
    // or phone (`HEADER_NUMBER`): the item then opens at the last row printed with a quantity.
    if (letterRatio(name) < 0.4 || name.length < 2) {
      const opening = pendingName.some((row) => HEADER_NUMBER.test(row))
        ? Math.max(
            0,
            pendingName.findLastIndex((row) => QUANTITY_PREFIX.test(row)),
          )
        : 0;
      const wrappedQuantity = QUANTITY_PREFIX.exec(pendingName[opening] ?? '');
      // …and a quantity printed after the name (`統一布丁x2` / `289TX`: the amount read as a row of its own).
      const markedAbove = quantityMarked(pendingName.at(-1) ?? '');
      if (wrappedQuantity && !columns && qtyX === undefined && !qtyPrefix) {
        quantity = Number(wrappedQuantity[1]);
        name = pendingName.slice(opening).join(' ').slice(wrappedQuantity[0].length);
      } else name = pendingName.join(' ');
      if (markedAbove !== undefined && !wrappedQuantity && !columns && qtyX === undefined && !qtyPrefix) {
        quantity = markedAbove;
        name = name.replace(/\s?(?:[xX×]\s?\d{1,3}|[x×][lI|])\s*$/, '');
      }
    }
    pendingName = [];
    if (name === '' || PAYMENT_LINE.test(line.upper)) continue;
    const unitPrice = columns?.unitPrice.minor ?? (amounts.length >= 2 ? amounts.at(-2)!.minor : undefined);
    items.lowestConfidence = Math.min(items.lowestConfidence ?? 1, itemNameConfidence(line));
    items.amountConfidences.push(amountConfidence(line, last));
    items.rows.push(i);
    items.push({
      name: cleanName(name),
      quantity,
      unitPriceMinor: unitPrice !== undefined && unitPrice * quantity === last.minor ? unitPrice : undefined,
      amountMinor: discount ? -last.minor : last.minor,
      ...(discount ? { discount: true } : {}),
    });
  }
  return items;
}

/** An amount whose decimal point OCR lost or bent at the end of its row (`159 75`, `225; 75`), cents apart. */
export const BENT_DECIMAL_AT_END = /(?<![\d.,])(\d{1,4})(?:\s?[;:]\s?|\s)(\d{2})\s*$/;

/** An amount OCR read with a stray point among its units (`1.02.75` for 102.75) at the end of its row. */
const STRAY_POINT_AT_END = /(?<![\d.,])(\d{1,3})[.,](\d{1,3})\.(\d{2})\s*$/;

/**
 * An amount whose decimal point OCR lost with no gap (`13250` for 132.50) at the end of an item row: a bare
 * whole number of three to six digits, not a size (`UNIT_AFTER`) nor a quantity after `×`.
 */
const LOST_POINT_AT_END = /(?<![\d.,:/-])(\d{1,4})(\d{2})\s*$/;

/** The row with its last number read as cents when it is a bare number that lost its decimal point. */
function withPointPutBack(line: Line): Line {
  const lost = LOST_POINT_AT_END.exec(line.text);
  if (!lost || AFTER_TIMES.test(line.text.slice(0, lost.index))) return line;
  return relabel(line, line.text.replace(LOST_POINT_AT_END, '$1.$2'));
}

type Items = ReturnType<typeof findItems>;
const sumOf = (items: Items) => items.reduce((sum, item) => sum + item.amountMinor, 0);

/**
 * The item rows read again by the receipt's own arithmetic, when their amounts do not add up to the total
 * (`totalMinor`, chosen on its own evidence): the items must add up to it exactly, two items or more, after
 * - the rows' amounts with a lost or bent decimal point (`BENT_DECIMAL_AT_END`) or a stray one (`STRAY_POINT_AT_END`:
 *   `1.02.75`) read as amounts, or
 * - a bare number ending an item row read as cents (`LOST_POINT_AT_END`: `13250` for 132.50), marked `repaired`, or
 * - each row's amount read with the name a row above or below it (`withAmountsMoved`), or else
 * - one item's amount a digit or two from what the others leave of the total, each of them a digit OCR reads
 *   for the other (`misreadAsLookAlike`: 189.95 for 183.25), the only item for which that holds, taken as
 *   misread and marked `repaired` — only when OCR was least sure of that amount (`unsureOfAmount`). Any two
 *   amounts of four digits are a digit or two apart somewhere: a row lost rather than misread (12.90 + 8.50 of a
 *   23.50 total) would otherwise rewrite a right amount (15.00), and look-alikes alone still would (of 24.40: 15.90).
 * Otherwise the rows as `findItems` read them. Only the items change: the total was chosen without this.
 */
export function itemsAddingUpTo(
  lines: Line[],
  firstTotalLine: number,
  integers: boolean,
  items: Items,
  totalMinor: number,
): Items {
  if (items.length > 0 && sumOf(items) === totalMinor) return items;
  const unbent = lines.map((line, i) =>
    i < firstTotalLine && (BENT_DECIMAL_AT_END.test(line.text) || STRAY_POINT_AT_END.test(line.text))
      ? relabel(line, line.text.replace(BENT_DECIMAL_AT_END, '$1.$2').replace(STRAY_POINT_AT_END, '$1$2.$3'))
      : line,
  );
  const readings = unbent.some((line, i) => line !== lines[i])
    ? [items, findItems(unbent, firstTotalLine, integers)]
    : [items];
  for (const reading of readings) if (reading.length >= 2 && sumOf(reading) === totalMinor) return reading;
  // A decimal point lost with no gap (`13250`): the bare number read as cents, kept only when the items then add
  // up, each such item `repaired` (the total made it so: the sum backs nothing).
  const pointed = integers
    ? unbent
    : unbent.map((line, i) => (i < firstTotalLine ? withPointPutBack(line) : line));
  if (pointed.some((line, i) => line !== unbent[i])) {
    const reading = findItems(pointed, firstTotalLine, integers);
    if (reading.length >= 2 && sumOf(reading) === totalMinor) {
      const repaired: Items = reading.map((item, k) =>
        pointed[reading.rows![k]!] !== unbent[reading.rows![k]!] ? { ...item, repaired: true } : item,
      );
      repaired.lowestConfidence = reading.lowestConfidence;
      return repaired;
    }
  }
  // The amount column a row off its names (a photo turned or sheared): kept only when the items then add up
  // to the total, as many as the invoice's item count says when it prints one.
  const count = printedItemCount(lines, firstTotalLine);
  for (const offset of [1, -1] as const) {
    const moved = findItems(withAmountsMoved(lines, firstTotalLine, offset), firstTotalLine, integers);
    if ((count === undefined ? moved.length >= 2 : moved.length === count) && sumOf(moved) === totalMinor)
      return moved;
  }
  for (const reading of readings) {
    if (reading.length < 2) continue;
    const sum = sumOf(reading);
    const misread = reading.flatMap((item, i) => {
      const left = totalMinor - (sum - item.amountMinor);
      return !item.discount && left > 0 && misreadAsLookAlike(item.amountMinor, left) ? [{ i, left }] : [];
    });
    if (misread.length !== 1) continue;
    const { i, left } = misread[0]!;
    if (!unsureOfAmount(reading, i)) continue;
    const repaired: Items = reading.map((item, j) =>
      j === i ? { ...item, amountMinor: left, unitPriceMinor: undefined, repaired: true } : item,
    );
    repaired.lowestConfidence = reading.lowestConfidence;
    return repaired;
  }
  return items;
}

/**
 * OCR itself was unsure of item `i`'s amount: read under the bar of a sure reading, and less surely than every other
 * item's. Look-alike digits alone do not tell a misread amount from a right one whose row was lost (12.90 + 8.50 of
 * 24.40, a 3.00 row lost: 12.90 is 15.90 with a 2 read for a 5). Design photos (decision 007, review F1): the right
 * repairs kept were read at 0.55 and 0.80, the least sure of their receipts'; the wrong one refused (237.00 read
 * right, made 337.00 because a 114.25 row was read 14.25) at 0.91; a right one lost (19.50 for 79.50) at 0.92.
 */
function unsureOfAmount(reading: Items, i: number) {
  const confidences = reading.amountConfidences ?? [];
  const own = confidences[i] ?? 1;
  return own < SURE_AMOUNT && confidences.every((other, j) => j === i || other > own);
}

/** The word confidence under which OCR's reading of an amount is not sure (the bar of a field read as sure). */
const SURE_AMOUNT = 0.9;

/** The count of items printed under them (`共 4 項`), when it is. */
function printedItemCount(lines: Line[], firstTotalLine: number) {
  for (let i = 0; i < firstTotalLine; i++) {
    const count = ITEM_COUNT.exec(lines[i]!.compact);
    if (count) return Number(count[1]);
  }
  return undefined;
}

/**
 * The item rows with each row's amount (at its end) given to the row `offset` below it (1) or above it (-1):
 * on a turned or sheared photo OCR reads the amount column higher than its names, as rows of their own
 * (`44TX` / `義美小泡芙×1`), or lower, on the next name's row (`光泉米x3` / `林鳯營鮮乳x3 156TX`), up to the
 * item count's row.
 */
function withAmountsMoved(lines: Line[], firstTotalLine: number, offset: 1 | -1): Line[] {
  const start = itemsStart(lines, firstTotalLine);
  const countRow = lines.findIndex(
    (line, i) => i >= start && i < firstTotalLine && ITEM_COUNT.test(line.compact),
  );
  const end = countRow >= 0 ? countRow + 1 : firstTotalLine;
  const split = lines.slice(start, end).map((line) => {
    const last = amountTokens(line).at(-1);
    const atEnd = last && /^\s?(?:TX?)?\s*$/i.test(line.text.slice(last.end));
    return atEnd
      ? { name: line.text.slice(0, last.index).trim(), amount: line.text.slice(last.index) }
      : { name: line.text, amount: '' };
  });
  const moved = split.map(({ name }, i) => {
    const amount = split[i - offset]?.amount ?? '';
    return relabel(lines[start + i]!, `${ITEM_COUNT.test(name) ? '' : name} ${amount}`);
  });
  return [...lines.slice(0, start), ...moved, ...lines.slice(end)];
}
