import { formatMoneyMinor } from '../../core/i18n/money';
import { locale, type Locale } from './i18n';
import { currentBrand } from './session';

/**
 * Dates in the brand's time zone (a Bangkok brand's reviewer in Taipei still sees Bangkok times), money
 * in the brand's currency, numbers by the console's language. Thai dates use the Gregorian calendar so
 * they read like the ISO dates on receipts and in exports.
 */
const INTL_TAGS: Record<Locale, string> = { 'zh-TW': 'zh-TW', th: 'th-TH-u-ca-gregory', en: 'en-GB' };

export function intlLocale(): string {
  return INTL_TAGS[locale.value];
}

export function brandTimeZone(): string {
  return currentBrand.value?.timezone ?? 'Asia/Taipei';
}

export function brandCurrency(): 'TWD' | 'THB' {
  return currentBrand.value?.currency ?? 'TWD';
}

type DateInput = string | number | Date | null | undefined;

function toDate(value: DateInput): Date | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/** `2 Mar 2026, 12:05` in the brand's time zone; '—' for nothing. */
export function formatDateTime(value: DateInput, options: Intl.DateTimeFormatOptions = {}): string {
  const date = toDate(value);
  if (!date) return '—';
  return new Intl.DateTimeFormat(intlLocale(), {
    dateStyle: 'medium',
    timeStyle: 'short',
    timeZone: brandTimeZone(),
    ...options,
  }).format(date);
}

/**
 * A calendar date. An ISO date without a time (`2026-03-02`, as read from a receipt) is that day wherever
 * the brand is, so it is formatted as such, not shifted by a time zone.
 */
export function formatDate(value: DateInput): string {
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const date = new Date(`${value}T00:00:00Z`);
    return new Intl.DateTimeFormat(intlLocale(), { dateStyle: 'medium', timeZone: 'UTC' }).format(date);
  }
  return formatDateTime(value, { dateStyle: 'medium', timeStyle: undefined });
}

/** An amount in minor units (×100) as money, in every language: `NT$1,234` (no cents), `฿89.50`. */
export function formatMoney(minor: number | null | undefined, currency: string = brandCurrency()): string {
  if (minor === null || minor === undefined || !Number.isFinite(minor)) return '—';
  return formatMoneyMinor(minor, currency, intlLocale());
}

export function formatNumber(value: number | null | undefined, options: Intl.NumberFormatOptions = {}) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return new Intl.NumberFormat(intlLocale(), options).format(value);
}

/** 0.873 → `87%` */
export function formatPercent(ratio: number | null | undefined, fractionDigits = 0): string {
  return formatNumber(ratio, { style: 'percent', maximumFractionDigits: fractionDigits });
}

/** A duration as its two largest units, in the console's language: `2 d 4 h`, `35 min`, `12 s`. */
export function formatDuration(ms: number): string {
  const units: [Intl.NumberFormatOptions['unit'], number][] = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
    ['second', 1000],
  ];
  const parts: string[] = [];
  let rest = Math.max(0, Math.floor(ms));
  for (const [unit, size] of units) {
    const count = Math.floor(rest / size);
    if (count > 0 || (unit === 'second' && parts.length === 0)) {
      parts.push(
        new Intl.NumberFormat(intlLocale(), { style: 'unit', unit, unitDisplay: 'narrow' }).format(count),
      );
      rest -= count * size;
    }
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}
