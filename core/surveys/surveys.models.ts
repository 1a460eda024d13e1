import type { SurveyQuestion } from './surveys.table.js';

export type SurveyAnswerValue = string | string[] | number;
export type SurveyAnswers = Record<string, SurveyAnswerValue>;
export type SurveyAnswerIssue = {
  question: string;
  code: 'required' | 'unknown_question' | 'not_an_option' | 'wrong_type' | 'out_of_range' | 'too_long';
};

/** Free-text answers are capped: long enough for a comment, short enough not to become a data dump. */
export const SURVEY_TEXT_MAX_LENGTH = 500;

/**
 * Checks answers against the questions: required questions answered, choices among the options, scales
 * in range, text trimmed and capped. Returns the cleaned answers (empty optional answers dropped) or the
 * issues, one per question; never throws on user input.
 */
export function validateSurveyAnswers(
  questions: SurveyQuestion[],
  raw: Record<string, unknown>,
): { ok: true; answers: SurveyAnswers } | { ok: false; issues: SurveyAnswerIssue[] } {
  const issues: SurveyAnswerIssue[] = [];
  const answers: SurveyAnswers = {};
  const keys = new Set(questions.map((q) => q.key));
  for (const key of Object.keys(raw))
    if (!keys.has(key)) issues.push({ question: key, code: 'unknown_question' });

  for (const question of questions) {
    const value = raw[question.key];
    const empty =
      value === undefined ||
      value === null ||
      (typeof value === 'string' && value.trim() === '') ||
      (Array.isArray(value) && value.length === 0);
    if (empty) {
      if (question.required) issues.push({ question: question.key, code: 'required' });
      continue;
    }
    const options = new Set((question.options ?? []).map((o) => o.key));
    switch (question.type) {
      case 'single':
        if (typeof value !== 'string') issues.push({ question: question.key, code: 'wrong_type' });
        else if (!options.has(value)) issues.push({ question: question.key, code: 'not_an_option' });
        else answers[question.key] = value;
        break;
      case 'multiple':
        if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
          issues.push({ question: question.key, code: 'wrong_type' });
        } else if (value.some((v) => !options.has(v as string))) {
          issues.push({ question: question.key, code: 'not_an_option' });
        } else {
          answers[question.key] = [...new Set(value as string[])];
        }
        break;
      case 'scale': {
        const number = typeof value === 'string' ? Number(value) : value;
        const { min, max } = question.scale ?? { min: 1, max: 5 };
        if (typeof number !== 'number' || !Number.isInteger(number))
          issues.push({ question: question.key, code: 'wrong_type' });
        else if (number < min || number > max) issues.push({ question: question.key, code: 'out_of_range' });
        else answers[question.key] = number;
        break;
      }
      case 'text':
        if (typeof value !== 'string') issues.push({ question: question.key, code: 'wrong_type' });
        else if (value.trim().length > SURVEY_TEXT_MAX_LENGTH)
          issues.push({ question: question.key, code: 'too_long' });
        else answers[question.key] = value.trim();
        break;
    }
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, answers };
}
