import { z } from 'zod';
import { catalogs, getList, LOCALES, type Locale } from '../i18n/index.js';

export type Command =
  | { command: 'points' }
  | { command: 'submissions' }
  | { command: 'help' }
  | { command: 'language'; locale: Locale | undefined }
  /** A tap on a chat survey question's quick reply: `option` null skips an optional question. */
  | {
      command: 'survey_answer';
      surveyId: string;
      submissionId: string;
      question: string;
      option: string | null;
    }
  /** Survey postback data that does not hold together (forged, truncated). */
  | { command: 'survey_invalid' }
  /**
   * A purchase date picked for an open proof question: a day's quick reply (`d`) or the date picker
   * (LINE sends the picked day as `params.date`). `date` undefined: the postback carried none.
   */
  | { command: 'proof_date'; questionId: string; date: string | undefined };

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

type CommandWords = {
  points: ReadonlySet<string>;
  submissions: ReadonlySet<string>;
  help: ReadonlySet<string>;
  language: readonly string[];
  /** The locale's names (its catalog's `language.name` and the aliases). */
  languageNames: ReadonlySet<string>;
};

let commandWords: Map<Locale, CommandWords> | undefined;

/**
 * Each locale's command words, normalized once: the catalogs are fixed for the life of the process, and
 * reading them through i18next for every chat message cost more than the rest of parsing it.
 */
function wordsOf(locale: Locale): CommandWords {
  commandWords ??= new Map(
    LOCALES.map((each) => {
      const keywords = (name: string) => getList(each, `keywords.${name}`).map(normalize);
      return [
        each,
        {
          points: new Set(keywords('points')),
          submissions: new Set(keywords('submissions')),
          help: new Set(keywords('help')),
          language: keywords('language'),
          languageNames: new Set([catalogs[each].language.name, ...LANGUAGE_ALIASES[each]].map(normalize)),
        },
      ];
    }),
  );
  return commandWords.get(locale) as CommandWords;
}

function languageOf(text: string): Locale | undefined {
  return LOCALES.find((locale) => wordsOf(locale).languageNames.has(text));
}

/**
 * Recognises a command typed in any of the three languages (`points`, `點數`, `คะแนน`, `language th`,
 * `English`…). Forgiving about case, width, spaces and a leading slash; anything else is not a command.
 */
export function parseCommand(text: string): Command | undefined {
  const normalized = normalize(text);
  if (!normalized || normalized.length > 40) return undefined;
  for (const locale of LOCALES) {
    const words = wordsOf(locale);
    if (words.points.has(normalized)) return { command: 'points' };
    if (words.submissions.has(normalized)) return { command: 'submissions' };
    if (words.help.has(normalized)) return { command: 'help' };
    if (words.language.includes(normalized)) return { command: 'language', locale: undefined };
    for (const word of words.language) {
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

const reference = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const surveyKey = z.string().regex(/^[A-Za-z0-9_-]{1,40}$/);

/** `action=survey&s=<survey>&p=<submission>&q=<question>[&o=<option>]`; no `o`: the question is skipped. */
const surveyPostbackSchema = z.strictObject({
  action: z.literal('survey'),
  s: reference,
  p: reference,
  q: surveyKey,
  o: surveyKey.optional(),
});

/** The postback data of a chat survey choice (≤ 300 chars: ids ≤ 64, keys ≤ 40). */
export function surveyPostbackData(input: {
  surveyId: string;
  submissionId: string;
  question: string;
  option: string | null;
}): string {
  return new URLSearchParams({
    action: 'survey',
    s: input.surveyId,
    p: input.submissionId,
    q: input.question,
    ...(input.option === null ? {} : { o: input.option }),
  }).toString();
}

const proofDatePostbackSchema = z.strictObject({
  action: z.literal('proof_date'),
  q: reference,
  d: z.iso.date().optional(),
});

/** `action=proof_date&q=<question>[&d=<yyyy-mm-dd>]`: without `d`, the date picker's postback. */
export function proofDatePostbackData(input: { questionId: string; date?: string }): string {
  return new URLSearchParams({
    action: 'proof_date',
    q: input.questionId,
    ...(input.date ? { d: input.date } : {}),
  }).toString();
}

/**
 * Postback data of our own buttons: `action=points`, `action=language&locale=th`, survey choices, a
 * proof question's date. Data is what the member's client sends back, so it is checked like any input;
 * `picked` is what a date picker adds (`postback.params`).
 */
export function parsePostback(data: string, picked?: { date?: unknown }): Command | undefined {
  const params = new URLSearchParams(data);
  switch (params.get('action')) {
    case 'proof_date': {
      const parsed = proofDatePostbackSchema.safeParse(Object.fromEntries(params));
      if (!parsed.success || params.getAll('action').length !== 1) return undefined;
      const fromPicker = z.iso.date().safeParse(picked?.date);
      return {
        command: 'proof_date',
        questionId: parsed.data.q,
        date: parsed.data.d ?? (fromPicker.success ? fromPicker.data : undefined),
      };
    }
    case 'survey': {
      const parsed = surveyPostbackSchema.safeParse(Object.fromEntries(params));
      if (!parsed.success || data.length > 300 || params.getAll('action').length !== 1)
        return { command: 'survey_invalid' };
      return {
        command: 'survey_answer',
        surveyId: parsed.data.s,
        submissionId: parsed.data.p,
        question: parsed.data.q,
        option: parsed.data.o ?? null,
      };
    }
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
