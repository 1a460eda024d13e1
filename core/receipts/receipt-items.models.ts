/**
 * The item rows of a receipt: between the header (date, column titles) and the first total line, each a name,
 * an optional quantity and its amount.
 */
import { findAmounts } from './receipt-amounts.models.js';
import { findDates } from './receipt-dates.models.js';
import { readItemColumns } from './receipt-item-columns.models.js';
import { itemNameConfidence } from './receipt-item-confidence.js';
import type { Line } from './receipt-lines.models.js';
import { DISCOUNT_LINE, PAYMENT_LINE } from './receipt-money-labels.models.js';
import { cleanName, letterRatio } from './receipt-store.models.js';
import type { ReceiptItem } from './receipts.types.js';

const ITEM_HEADER =
  /DESCRIPTION|\bITEM\b|\bQTY\b|PRODUCT|รายการ|จำนวน|品名|品項|數量|單價|U\.?\s?P(?:RICE)?\b|AMOUNT\s*$/i;

/** A quantity printed before an item's name ("3 มาม่า"). */
const QUANTITY_PREFIX = /^(\d{1,3})\s+(?=\D)/;

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
    // The item opens at the last of those rows printed with a quantity before its name ("3 ข้าวหอมมะลิ 5 กก"
    // / "219.00": the amount pushed onto the next row; rows above it are the header's), which is the item's
    // when the price row gives none of its own.
    if (letterRatio(name) < 0.4 || name.length < 2) {
      const opening = pendingName.findLastIndex((row) => QUANTITY_PREFIX.test(row));
      const wrappedQuantity = opening >= 0 ? QUANTITY_PREFIX.exec(pendingName[opening]!) : null;
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
