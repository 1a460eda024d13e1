import { signal } from '@preact/signals';
import { fillMessage, type Vars } from './i18n.format.js';
import { shellMessages } from './messages.js';

export const LOCALES = ['zh-TW', 'th', 'en'] as const;
export type Locale = (typeof LOCALES)[number];

export const LOCALE_NAMES: Record<Locale, string> = { 'zh-TW': '繁體中文', th: 'ไทย', en: 'English' };

const STORAGE_KEY = 'proofline.console.locale';

/** A catalog: English first (it names the keys), then the same keys in zh-TW and th. */
export type Catalog<K extends string> = { en: Record<K, string> } & Record<'zh-TW' | 'th', Record<K, string>>;

/** Declares a page's messages; the type makes sure zh-TW and th have every English key. */
export function defineMessages<const E extends Record<string, string>>(catalog: {
  en: E;
  'zh-TW': Record<keyof E, string>;
  th: Record<keyof E, string>;
}): Catalog<Extract<keyof E, string>> {
  return catalog as Catalog<Extract<keyof E, string>>;
}

/** The locale the browser prefers, among ours: any Chinese → zh-TW, Thai → th, else English. */
export function browserLocale(languages: readonly string[] = navigator.languages ?? [navigator.language]) {
  for (const language of languages) {
    const tag = language.toLowerCase();
    if (tag.startsWith('zh')) return 'zh-TW';
    if (tag.startsWith('th')) return 'th';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

function storedLocale(): Locale | undefined {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return (LOCALES as readonly string[]).includes(value ?? '') ? (value as Locale) : undefined;
  } catch {
    return undefined;
  }
}

/** The language the console speaks: the one the user chose (remembered), else the browser's. */
export const locale = signal<Locale>(storedLocale() ?? browserLocale());

export function setLocale(next: Locale) {
  locale.value = next;
  document.documentElement.lang = next;
  try {
    localStorage.setItem(STORAGE_KEY, next);
  } catch {
    // Private mode without storage: the choice lasts until the page is closed.
  }
}

export type { Vars };

type ShellKey = keyof (typeof shellMessages)['en'];

/**
 * A translator for one page: its own keys first, then the shell's shared words. Reading `locale.value`
 * inside a component's render subscribes it, so switching language re-renders every page.
 */
export function createTranslator<K extends string>(catalog?: Catalog<K>) {
  return (key: K | ShellKey, vars?: Vars): string => {
    const lang = locale.value;
    const own = catalog?.[lang] as Record<string, string> | undefined;
    const shared = shellMessages[lang] as Record<string, string>;
    const text =
      own?.[key] ??
      shared[key] ??
      (catalog?.en as Record<string, string> | undefined)?.[key] ??
      (shellMessages.en as Record<string, string>)[key] ??
      key;
    return fillMessage(lang, text, vars);
  };
}

/** The shell's own translator (shared words only). */
export const t = createTranslator();
