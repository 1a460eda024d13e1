import { beforeAll, describe, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillMessage } from '../../console-app/src/i18n.format.js';

const entries =
  '{points, plural, one {# point} other {# points}} · {entries, plural, one {# entry} other {# entries}}';

describe('console messages: placeholders and plurals', () => {
  it('fills simple placeholders and keeps unknown ones as written', () => {
    expect(fillMessage('en', '{name} is working on {item}', { name: 'Ann' })).toBe(
      'Ann is working on {item}',
    );
    expect(fillMessage('en', 'no placeholders')).toBe('no placeholders');
  });

  it('picks the English singular for one and the plural otherwise', () => {
    expect(fillMessage('en', entries, { points: 11, entries: 1 })).toBe('11 points · 1 entry');
    expect(fillMessage('en', entries, { points: 1, entries: 0 })).toBe('1 point · 0 entries');
    expect(fillMessage('en', entries, { points: 1234, entries: 2 })).toBe('1,234 points · 2 entries');
  });

  it('reads a number the caller already formatted, and shows it as given', () => {
    const text = '{count, plural, one {# member} other {# members}}';
    expect(fillMessage('en', text, { count: '1' })).toBe('1 member');
    expect(fillMessage('en', text, { count: '1,000,000' })).toBe('1,000,000 members');
  });

  it('prefers an exact =N option, and nests placeholders inside an option', () => {
    const text = '{count, plural, =0 {nobody yet} one {# member in {place}} other {# members in {place}}}';
    expect(fillMessage('en', text, { count: 0, place: 'Taipei' })).toBe('nobody yet');
    expect(fillMessage('en', text, { count: 1, place: 'Taipei' })).toBe('1 member in Taipei');
  });

  it('uses the one form Thai and Chinese have', () => {
    const text = '{count, plural, other {# คน}}';
    expect(fillMessage('th', text, { count: 1 })).toBe('1 คน');
  });

  it('leaves a plural whose variable is missing or not a number as written', () => {
    const text = 'a {count, plural, one {# x} other {# xs}} b';
    expect(fillMessage('en', text, {})).toBe(text);
    expect(fillMessage('en', text, { count: 'many' })).toBe(text);
  });
});

describe('console catalogs', () => {
  // The catalogs load the console's i18n module, which asks the browser for its languages (Node 20 has
  // no `navigator`; 21+ has one).
  beforeAll(() => {
    if (!('navigator' in globalThis)) {
      Object.defineProperty(globalThis, 'navigator', {
        value: { languages: ['en'], language: 'en' },
        configurable: true,
      });
    }
  });
  const pagesDir = fileURLToPath(new URL('../../console-app/src/pages/', import.meta.url));
  const catalogFiles = [
    fileURLToPath(new URL('../../console-app/src/messages.ts', import.meta.url)),
    ...readdirSync(pagesDir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('messages.ts'))
      .map((file) => join(pagesDir, file)),
  ];
  const variables = (text: string) => [...text.matchAll(/\{(\w+)(?=[,}])/g)].map((match) => match[1]).sort();

  it.each(catalogFiles.map((file) => [relative(pagesDir, file), file]))(
    '%s: zh-TW and th name the same variables as English',
    async (_name, file) => {
      const module = (await import(file)) as Record<string, unknown>;
      const catalogs = Object.values(module).filter(
        (value): value is Record<'en' | 'zh-TW' | 'th', Record<string, string>> =>
          typeof value === 'object' && value !== null && 'en' in value && 'zh-TW' in value && 'th' in value,
      );
      expect(catalogs.length).toBeGreaterThan(0);
      const mismatches: string[] = [];
      for (const catalog of catalogs) {
        for (const [key, english] of Object.entries(catalog.en)) {
          for (const lang of ['zh-TW', 'th'] as const) {
            const other = catalog[lang][key];
            if (other === undefined) mismatches.push(`${lang} ${key}: missing`);
            else if (variables(other).join() !== variables(english).join()) {
              mismatches.push(`${lang} ${key}: ${variables(other).join()} ≠ ${variables(english).join()}`);
            }
          }
        }
      }
      expect(mismatches).toEqual([]);
    },
  );
});
