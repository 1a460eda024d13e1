/**
 * The item rows of a receipt: between the header (date, column titles) and the first total line, each a name,
 * an optional quantity and its amount.
 */
import { findAmounts, misreadAsLookAlike } from './receipt-amounts.models.js';
import { findDates } from './receipt-dates.models.js';
import { readItemColumns } from './receipt-item-columns.models.js';
import { itemNameConfidence } from './receipt-item-confidence.js';
import { relabel, type Line } from './receipt-lines.models.js';
import { DISCOUNT_LINE, PAYMENT_LINE } from './receipt-money-labels.models.js';
import { cleanName, letterRatio } from './receipt-store.models.js';
import type { ReceiptItem } from './receipts.types.js';

const ITEM_HEADER =
  /DESCRIPTION|\bITEM\b|\bQTY\b|PRODUCT|รายการ|จำนวน|品名|品項|數量|單價|U\.?\s?P(?:RICE)?\b|AMOUNT\s*$/i;

/** A quantity printed before an item's name ("3 มาม่า"). */
const QUANTITY_PREFIX = /^(\d{1,3})\s+(?=\D)/;

/** A number of ten digits or more on a row of letters: a tax ID or phone of the header, never a product's name. */
const HEADER_NUMBER = /\d{10,}/;

/**
 * Item rows sit between the header (date, column titles) and the first total line: a name and the
 * rightmost amount, an optional quantity ("3 มาม่า", "x2", "2 @ 15.50"), names wrapped onto the row above.
 */
export function findItems(
  lines: Line[],
  firstTotalLine: number,
  integers: boolean,
): ReceiptItem[] & { lowestConfidence?: number } {
  if (firstTotalLine <= 0) return [];
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
  const items: ReceiptItem[] & { lowestConfidence?: number } = [];
  let pendingName: string[] = [];
  for (let i = start; i < firstTotalLine; i++) {
    const line = lines[i]!;
    const amounts = findAmounts(line.text).filter(
      (a) => a.hasDecimals || (integers && !a.currencyMark) || a.currencyMark,
    );
    const text = line.compact;
    if (amounts.length === 0) {
      if (letterRatio(text) > 0.5 && !PAYMENT_LINE.test(line.upper)) pendingName.push(text);
      continue;
    }
    const last = amounts.at(-1)!;
    const discount = last.negative || DISCOUNT_LINE.test(line.upper);
    // Quantity and unit price printed as columns, checked by their product (`綠茶 2 120 240`).
    const columns = discount ? undefined : readItemColumns(findAmounts(line.text), last);
    const nameEnd = Math.min(
      amounts[0]!.index,
      columns?.quantityToken.index ?? Infinity,
      columns?.unitPrice.index ?? Infinity,
    );
    let name = text.slice(0, amounts[0]!.index).trim();
    // The name ends before the quantity column — unless nothing but the quantity is left of the row
    // ("1CTN 63.60 63.60": the unit stays with the row, whose name may be the row above).
    const beforeColumns = line.text.slice(0, nameEnd).trim();
    if (nameEnd < amounts[0]!.index && letterRatio(beforeColumns) >= 0.4 && beforeColumns.length >= 2)
      name = beforeColumns;
    let quantity = 1;
    const qtyPrefix = QUANTITY_PREFIX.exec(name);
    const qtyX = /[xX×]\s?(\d{1,3})\b|\b(\d{1,3})\s?[xX×@]/.exec(text);
    if (columns) quantity = columns.quantity;
    else if (qtyX) quantity = Number(qtyX[1] ?? qtyX[2]);
    else if (qtyPrefix) quantity = Number(qtyPrefix[1]);
    if (qtyPrefix) name = name.slice(qtyPrefix[0].length);
    name = name
      .replace(/\s?[xX×]\s?\d{1,3}\s*$/, '')
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
      if (wrappedQuantity && !columns && !qtyX && !qtyPrefix) {
        quantity = Number(wrappedQuantity[1]);
        name = pendingName.slice(opening).join(' ').slice(wrappedQuantity[0].length);
      } else name = pendingName.join(' ');
    }
    pendingName = [];
    if (name === '' || PAYMENT_LINE.test(line.upper)) continue;
    const unitPrice = columns?.unitPrice.minor ?? (amounts.length >= 2 ? amounts.at(-2)!.minor : undefined);
    items.lowestConfidence = Math.min(items.lowestConfidence ?? 1, itemNameConfidence(line));
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

type Items = ReturnType<typeof findItems>;
const sumOf = (items: Items) => items.reduce((sum, item) => sum + item.amountMinor, 0);

/**
 * The item rows read again by the receipt's own arithmetic, when their amounts do not add up to the total
 * (`totalMinor`, chosen on its own evidence): the items must add up to it exactly, two items or more, after
 * - the rows' amounts with a lost or bent decimal point (`BENT_DECIMAL_AT_END`) read as amounts, and/or
 * - one item's amount a digit or two from what the others leave of the total, each of them a digit OCR reads
 *   for the other (`misreadAsLookAlike`: 189.95 for 183.25), the only item for which that holds, taken as
 *   misread and marked `repaired`. Any two amounts of four digits are a digit or two apart somewhere: a row
 *   lost rather than misread (12.90 + 8.50 of a 23.50 total) would otherwise rewrite a right amount (15.00).
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
    i < firstTotalLine && BENT_DECIMAL_AT_END.test(line.text)
      ? relabel(line, line.text.replace(BENT_DECIMAL_AT_END, '$1.$2'))
      : line,
  );
  const readings = unbent.some((line, i) => line !== lines[i])
    ? [items, findItems(unbent, firstTotalLine, integers)]
    : [items];
  for (const reading of readings) if (reading.length >= 2 && sumOf(reading) === totalMinor) return reading;
  for (const reading of readings) {
    if (reading.length < 2) continue;
    const sum = sumOf(reading);
    const misread = reading.flatMap((item, i) => {
      const left = totalMinor - (sum - item.amountMinor);
      return !item.discount && left > 0 && misreadAsLookAlike(item.amountMinor, left) ? [{ i, left }] : [];
    });
    if (misread.length !== 1) continue;
    const { i, left } = misread[0]!;
    const repaired: Items = reading.map((item, j) =>
      j === i ? { ...item, amountMinor: left, unitPriceMinor: undefined, repaired: true } : item,
    );
    repaired.lowestConfidence = reading.lowestConfidence;
    return repaired;
  }
  return items;
}
