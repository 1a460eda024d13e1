/**
 * Money as people in Taiwan and Thailand read it, in any of the three languages: New Taiwan dollars as
 * `NT$50` (no minor units: the coins stop at NT$1; Intl writes a bare `$50.00` in zh-TW), baht as `฿50.00`
 * (satang kept; Intl writes `THB 50.00` in English). Other currencies are left to Intl. No imports: the
 * console bundles this file as it is.
 */

type CurrencyStyle = { symbol: string; fractionDigits: number };

const CURRENCY_STYLES: Record<string, CurrencyStyle> = {
  TWD: { symbol: 'NT$', fractionDigits: 0 },
  THB: { symbol: '฿', fractionDigits: 2 },
};

const formatters = new Map<string, Intl.NumberFormat>();

function formatterFor(tag: string, currency: string, fractionDigits: number | undefined): Intl.NumberFormat {
  const key = `${tag}|${currency}|${fractionDigits ?? ''}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.NumberFormat(tag, {
      style: 'currency',
      currency,
      ...(fractionDigits === undefined
        ? {}
        : { minimumFractionDigits: fractionDigits, maximumFractionDigits: fractionDigits }),
    });
    formatters.set(key, formatter);
  }
  return formatter;
}

/**
 * An amount in minor units (×100, as stored) as money in a BCP 47 language tag (`zh-TW`, `th-TH`, `en-GB`):
 * `NT$1,234`, `฿89.50`. A TWD amount with cents (a typed threshold of 12.5) keeps them, `NT$12.50`, rather
 * than show a rounded sum it is not.
 */
export function formatMoneyMinor(minor: number, currency: string, tag: string): string {
  const amount = minor / 100;
  const style = CURRENCY_STYLES[currency];
  if (!style) {
    try {
      return formatterFor(tag, currency, undefined).format(amount);
    } catch {
      return `${currency} ${amount.toFixed(2)}`;
    }
  }
  const fractionDigits = Number.isInteger(amount * 10 ** style.fractionDigits) ? style.fractionDigits : 2;
  return formatterFor(tag, currency, fractionDigits)
    .formatToParts(amount)
    .map((part) => (part.type === 'currency' ? style.symbol : part.value))
    .join('')
    .replace(/(NT\$|฿)\s+/u, '$1');
}
