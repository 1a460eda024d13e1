import { catalogs, en, LOCALES, type Locale, type MessageKey } from './messages.js';

export { LOCALES, type Locale, type MessageKey } from './messages.js';

let current: Locale = 'zh-TW';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

export function setLocale(locale: Locale) {
  current = locale;
  document.documentElement.lang = locale;
}

export function getLocale(): Locale {
  return current;
}

/** A message in the current language, with `{name}` placeholders filled in. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const template = catalogs[current][key] ?? en[key];
  return template.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
}

/** A server-side localized text ({ 'zh-TW': …, th: …, en: … }) in the current language. */
export function pick(text: Partial<Record<Locale, string>> | null | undefined): string {
  if (!text) return '';
  return text[current] ?? text.en ?? Object.values(text)[0] ?? '';
}

export function formatDate(value: string | Date): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium' }).format(new Date(value));
}

/** Money in minor units (×100) in the member's language: `฿1,234.50`, `NT$180`. */
export function formatMoney(amountMinor: number, currency: string | null): string {
  const amount = amountMinor / 100;
  if (!currency) return new Intl.NumberFormat(current).format(amount);
  return new Intl.NumberFormat(current, {
    style: 'currency',
    currency,
    maximumFractionDigits: Number.isInteger(amount) ? 0 : 2,
  }).format(amount);
}

/** A calendar date (YYYY-MM-DD) as printed for the member; Thai shows the Buddhist-era year. */
export function formatCalendarDate(isoDate: string): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(`${isoDate}T00:00:00Z`),
  );
}

export function formatDateTime(value: string | Date): string {
  return new Intl.DateTimeFormat(current, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(value),
  );
}
