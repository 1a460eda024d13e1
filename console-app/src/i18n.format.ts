/**
 * Filling a message's placeholders: `{name}` takes a variable as it is, and the ICU plural form
 * `{count, plural, one {# member} other {# members}}` picks the words the language uses for that number
 * (`#` is the number, formatted), so English never says "1 entries". zh-TW and Thai have one form only,
 * and their messages need no plural at all.
 */
export type Vars = Record<string, string | number>;

const pluralRules = new Map<string, Intl.PluralRules>();

function pluralCategory(locale: string, value: number): string {
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  return rules.select(value);
}

/** The options of a plural argument, `one {…} other {…}`, read with their nested braces. */
function pluralOptions(body: string): Map<string, string> {
  const options = new Map<string, string>();
  let index = 0;
  while (index < body.length) {
    const keyMatch = /^\s*(=\d+|[a-z]+)\s*\{/.exec(body.slice(index));
    if (!keyMatch) break;
    let depth = 1;
    const start = index + keyMatch[0].length;
    let end = start;
    while (end < body.length && depth > 0) {
      if (body[end] === '{') depth += 1;
      else if (body[end] === '}') depth -= 1;
      end += 1;
    }
    options.set(keyMatch[1]!, body.slice(start, end - 1));
    index = end;
  }
  return options;
}

function pluralText(
  locale: string,
  raw: string | number | undefined,
  body: string,
  vars: Vars,
): string | undefined {
  // A number the caller already formatted ("1,234") counts as the number it shows.
  const value = typeof raw === 'number' ? raw : Number(String(raw).replace(/[,\s]/g, ''));
  if (raw === undefined || !Number.isFinite(value)) return undefined;
  const options = pluralOptions(body);
  const chosen =
    options.get(`=${value}`) ?? options.get(pluralCategory(locale, value)) ?? options.get('other');
  if (chosen === undefined) return undefined;
  const shown = typeof raw === 'number' ? new Intl.NumberFormat(locale).format(raw) : String(raw);
  return fillMessage(locale, chosen.replace(/#/g, shown), vars);
}

/** The message with its placeholders filled; a placeholder without a variable stays as written. */
export function fillMessage(locale: string, text: string, vars?: Vars): string {
  if (!vars) return text;
  let out = '';
  let index = 0;
  while (index < text.length) {
    const open = text.indexOf('{', index);
    if (open < 0) break;
    out += text.slice(index, open);
    const plural = /^\{(\w+),\s*plural,/.exec(text.slice(open));
    if (plural) {
      let depth = 1;
      let end = open + 1;
      while (end < text.length && depth > 0) {
        if (text[end] === '{') depth += 1;
        else if (text[end] === '}') depth -= 1;
        end += 1;
      }
      const whole = text.slice(open, end);
      const body = text.slice(open + plural[0].length, end - 1);
      out += pluralText(locale, vars[plural[1]!], body, vars) ?? whole;
      index = end;
      continue;
    }
    const simple = /^\{(\w+)\}/.exec(text.slice(open));
    if (simple) {
      const value = vars[simple[1]!];
      out += value === undefined ? simple[0] : String(value);
      index = open + simple[0].length;
      continue;
    }
    out += '{';
    index = open + 1;
  }
  return out + text.slice(index);
}
