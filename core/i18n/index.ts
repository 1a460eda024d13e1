import { createInstance, type i18n, type TOptions } from 'i18next';
import { en, type Catalog } from './locales/en.js';
import { th } from './locales/th.js';
import { zhTW } from './locales/zh-TW.js';

export type { Catalog };

export const LOCALES = ['zh-TW', 'th', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

/** Reason codes as stored on submissions, flat: `rules.<rule>.<reason>`, `verification.<reason>`, … */
function withFlatReasons(catalog: Catalog): Catalog {
  const reasons: Record<string, string> = {};
  const walk = (prefix: string, node: unknown) => {
    if (typeof node === 'string') reasons[prefix] = node;
    else if (node && typeof node === 'object')
      for (const [key, value] of Object.entries(node)) walk(`${prefix}.${key}`, value);
  };
  walk('rules', catalog.rules);
  walk('verification', catalog.verification);
  walk('einvoice_platform', catalog.einvoice_platform);
  walk('review', catalog.review);
  return { ...catalog, reasons };
}

export const catalogs: Record<Locale, Catalog> = {
  'zh-TW': withFlatReasons(zhTW),
  th: withFlatReasons(th),
  en: withFlatReasons(en),
};

/**
 * A stored reason code (`rules.min_amount.below_minimum`, `verification.not_uploaded`) in words; an
 * unknown code falls back to its rule's general text, then to a general one.
 */
export function describeReason(
  locale: Locale,
  code: string,
  params: Record<string, string | number | null> = {},
): string {
  const values = Object.fromEntries(Object.entries(params).map(([name, value]) => [name, value ?? '']));
  const t = getTranslator(locale);
  if (hasKey(locale, code)) return t(code, values);
  const [section, rule] = code.split('.');
  if (section === 'rules' && rule && hasKey(locale, `rules.${rule}.failed`))
    return t(`rules.${rule}.failed`, values);
  return t('result.rejected.reasonUnknown');
}

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value);
}

/** The language of a BCP 47 tag when Proofline speaks it (Chinese of any script → zh-TW), else undefined. */
export function localeOfLanguageTag(tag: string): Locale | undefined {
  const primary = tag.toLowerCase().split(/[-_]/)[0];
  if (primary === 'zh') return 'zh-TW';
  if (primary === 'th') return 'th';
  if (primary === 'en') return 'en';
  return undefined;
}

/**
 * The member's language from a LINE profile's `language` (BCP 47, e.g. `zh-Hant-TW`, `th`, `en-US`):
 * Chinese of any script → zh-TW, Thai → th, English → en; anything else → the brand's default.
 */
export function localeFromLineLanguage(language: string | undefined, fallback: Locale): Locale {
  return (language && localeOfLanguageTag(language)) || fallback;
}

/**
 * A request's language: `lang` when it names one, else the first language of Accept-Language (by q) that
 * Proofline speaks (any Chinese → zh-TW), else `fallback`.
 */
export function negotiateLocale(
  { lang, acceptLanguage }: { lang: unknown; acceptLanguage: string | undefined },
  fallback: Locale,
): Locale {
  if (isLocale(lang)) return lang;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((param) => param.trim()).find((param) => param.startsWith('q='));
      return { tag: tag.toLowerCase(), q: q ? Number(q.slice(2)) || 0 : 1, index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    const locale = localeOfLanguageTag(tag);
    if (locale) return locale;
  }
  return fallback;
}

export type Translate = (key: string, options?: TOptions) => string;

let shared: i18n | undefined;

function getInstance(): i18n {
  if (!shared) {
    const instance = createInstance();
    void instance.init({
      resources: Object.fromEntries(
        LOCALES.map((locale) => [
          locale,
          { translation: catalogs[locale] as unknown as Record<string, unknown> },
        ]),
      ),
      lng: 'en',
      fallbackLng: 'en',
      initAsync: false,
      interpolation: { escapeValue: false },
      returnObjects: true,
    });
    shared = instance;
  }
  return shared;
}

/** A translate function bound to one locale (i18next with the three catalogs, loaded synchronously). */
export function getTranslator(locale: Locale): Translate {
  const fixed = fixedT(locale);
  return (key, options) => String(fixed(key, options ?? {}));
}

type FixedT = (key: string, options?: TOptions) => unknown;
const fixedByLocale = new Map<Locale, FixedT>();

/** i18next's translate function for `locale`, made once (the catalogs never change while running). */
function fixedT(locale: Locale): FixedT {
  let fixed = fixedByLocale.get(locale);
  if (!fixed) {
    fixed = getInstance().getFixedT(locale) as unknown as FixedT;
    fixedByLocale.set(locale, fixed);
  }
  return fixed;
}

/** The catalogs' lists, looked up once each: an answer's card reads its steps and keywords every time. */
const lists = new Map<string, readonly string[]>();

/** A list from the catalog (steps, keywords) in one locale. */
export function getList(locale: Locale, key: string): string[] {
  const cacheKey = `${locale}\n${key}`;
  let list = lists.get(cacheKey);
  if (!list) {
    const value = fixedT(locale)(key, { returnObjects: true });
    list = Array.isArray(value) ? value.map(String) : [];
    lists.set(cacheKey, list);
  }
  return [...list];
}

/** True when the catalog has the key in this locale or in English. */
export function hasKey(locale: Locale, key: string): boolean {
  return getInstance().exists(key, { lng: locale });
}
