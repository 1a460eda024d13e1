import type { AmountToken } from './receipt-amounts.models.js';

/**
 * An item row printed in columns — name, quantity, unit price, amount (`綠茶 2 120 240`, `2 x 3.50 7.00`,
 * `2 @120 240`, `120 2 240`) — read by its own arithmetic: the quantity is the small whole number that,
 * times the number beside it, is the row's amount to the minor unit. Nothing is taken on its position alone.
 */
export function readItemColumns(
  tokens: readonly AmountToken[],
  amount: AmountToken,
): { quantity: number; unitPrice: AmountToken; quantityToken: AmountToken } | undefined {
  const before = tokens.filter((token) => token.end <= amount.index && !token.negative).slice(-2);
  if (before.length < 2) return undefined;
  const [first, second] = before as [AmountToken, AmountToken];
  // Quantity then unit price (the usual order), then unit price then quantity.
  for (const [quantityToken, unitPrice] of [
    [first, second],
    [second, first],
  ] as const) {
    const quantity = asQuantity(quantityToken);
    if (quantity !== undefined && unitPrice.minor > 0 && quantity * unitPrice.minor === amount.minor)
      return { quantity, unitPrice, quantityToken };
  }
  return undefined;
}

/** A quantity is printed as a small whole number without a currency mark: 1–999. */
function asQuantity(token: AmountToken) {
  if (token.hasDecimals || token.currencyMark || token.minor % 100 !== 0) return undefined;
  const units = token.minor / 100;
  return units >= 1 && units <= 999 ? units : undefined;
}
