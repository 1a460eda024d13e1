import { catalogs, getList, LOCALES, type Locale } from '../i18n/index.js';

export type Command =
  | { command: 'points' }
  | { command: 'submissions' }
  | { command: 'help' }
  | { command: 'language'; locale: Locale | undefined };

/** Extra ways people name a language, beside each catalog's own `language.name`. */
const LANGUAGE_ALIASES: Record<Locale, string[]> = {
  'zh-TW': ['zh-tw', 'zh', 'tw', '中文', '繁中', '繁體', '國語'],
  th: ['th', 'thai', 'ไทย', 'ภาษาไทย'],
  en: ['en', 'english', '英文', 'อังกฤษ', 'ภาษาอังกฤษ'],
};

function normalize(text: string): string {
  return text
    .normalize('NFKC')
    .trim()
    .toLowerCase()
    .replace(/^[/!#]+/, '')
    .replace(/[\s\u3000]+/g, ' ')
    .replace(/[。.!！?？]+$/u, (match) => (match === '?' || match === '？' ? match : ''));
}

function languageOf(text: string): Locale | undefined {
  for (const locale of LOCALES) {
    const names = [catalogs[locale].language.name, ...LANGUAGE_ALIASES[locale]].map(normalize);
    if (names.includes(text)) return locale;
  }
  return undefined;
}

/**
 * Recognises a command typed in any of the three languages (`points`, `點數`, `คะแนน`, `language th`,
 * `English`…). Forgiving about case, width, spaces and a leading slash; anything else is not a command.
 */
export function parseCommand(text: string): Command | undefined {
  const normalized = normalize(text);
  if (!normalized || normalized.length > 40) return undefined;
  for (const locale of LOCALES) {
    const keywords = (name: string) => getList(locale, `keywords.${name}`).map(normalize);
    if (keywords('points').includes(normalized)) return { command: 'points' };
    if (keywords('submissions').includes(normalized)) return { command: 'submissions' };
    if (keywords('help').includes(normalized)) return { command: 'help' };
    const languageWords = keywords('language');
    if (languageWords.includes(normalized)) return { command: 'language', locale: undefined };
    for (const word of languageWords) {
      if (normalized.startsWith(`${word} `)) {
        const chosen = languageOf(normalized.slice(word.length + 1).trim());
        if (chosen) return { command: 'language', locale: chosen };
      }
    }
  }
  const chosen = languageOf(normalized);
  if (chosen) return { command: 'language', locale: chosen };
  return undefined;
}

/** Postback data of our own buttons: `action=points`, `action=language&locale=th`. */
export function parsePostback(data: string): Command | undefined {
  const params = new URLSearchParams(data);
  switch (params.get('action')) {
    case 'points':
      return { command: 'points' };
    case 'submissions':
      return { command: 'submissions' };
    case 'help':
      return { command: 'help' };
    case 'language': {
      const locale = params.get('locale');
      return { command: 'language', locale: LOCALES.find((candidate) => candidate === locale) };
    }
    default:
      return undefined;
  }
}
