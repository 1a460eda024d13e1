import { locale, LOCALE_NAMES, LOCALES, type Locale } from '../i18n';
import { Field } from './field';

/** Text in zh-TW / th / en, as the server stores names and descriptions. */
export type Localized = Partial<Record<Locale, string>>;

/** The text in the console's language, else any language given. */
export function localized(text: Localized | null | undefined): string {
  if (!text) return '';
  return text[locale.value] || text['zh-TW'] || text.en || text.th || '';
}

/** Trimmed, without the empty languages (what the server wants: at least one, never ""). */
export function cleanLocalized(text: Localized | null | undefined): Localized {
  const out: Localized = {};
  for (const lang of LOCALES) {
    const value = text?.[lang]?.trim();
    if (value) out[lang] = value;
  }
  return out;
}

/** "Name (English)", "名稱（English）": the field's label with the language's own name. */
function labelFor(label: string | Record<Locale, string>, lang: Locale): string {
  if (typeof label !== 'string') return label[lang];
  return locale.value === 'zh-TW' ? `${label}（${LOCALE_NAMES[lang]}）` : `${label} (${LOCALE_NAMES[lang]})`;
}

/**
 * One input per language for a localized text (a name, a prize). `error` is the problem with the whole
 * text (`name: needs a text in one language`), shown under the first field; `errors` per language.
 */
export function LocalizedFields({
  label,
  value,
  onChange,
  name,
  error,
  errors = {},
  languages = ['zh-TW', 'en', 'th'],
  multiline = false,
}: {
  label: string | Record<Locale, string>;
  value: Localized | null | undefined;
  onChange: (next: Localized) => void;
  /** Input names: `${name}.${lang}` by default, or one name per language (forms tests rely on). */
  name: string | Record<Locale, string>;
  error?: string | undefined;
  errors?: Partial<Record<Locale, string | undefined>>;
  languages?: readonly Locale[];
  multiline?: boolean;
}) {
  return (
    <>
      {languages.map((lang, index) => {
        const inputName = typeof name === 'string' ? `${name}.${lang}` : name[lang];
        const update = (text: string) => onChange({ ...(value ?? {}), [lang]: text });
        return (
          <Field
            key={lang}
            label={labelFor(label, lang)}
            error={errors[lang] ?? (index === 0 ? error : undefined)}
          >
            {(props) =>
              multiline ? (
                <textarea
                  {...props}
                  name={inputName}
                  rows={2}
                  lang={lang}
                  value={value?.[lang] ?? ''}
                  onInput={(event) => update(event.currentTarget.value)}
                />
              ) : (
                <input
                  {...props}
                  name={inputName}
                  lang={lang}
                  value={value?.[lang] ?? ''}
                  onInput={(event) => update(event.currentTarget.value)}
                />
              )
            }
          </Field>
        );
      })}
    </>
  );
}
