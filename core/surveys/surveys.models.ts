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

/**
 * LINE shows at most 13 quick-reply items: a chat question has up to 11 choices, leaving room for "skip"
 * (optional questions) and "open the app" (surveys with questions the chat cannot take).
 */
export const CHAT_SURVEY_MAX_OPTIONS = 11;

/** Keys the chat puts in postback data (≤ 300 chars with the survey and submission ids). */
const CHAT_KEY = /^[A-Za-z0-9_-]{1,40}$/;

/** How a survey is answered in the chat. */
export type ChatSurveyPlan = {
  /** false: a required question only the LIFF app can take, so the whole survey is answered there. */
  inChat: boolean;
  /** The single-choice questions the chat asks, one at a time, in the survey's order. */
  asked: SurveyQuestion[];
  /** Optional questions only the app can take: the chat offers the app beside its choices. */
  moreInApp: boolean;
};

/** A single-choice question with 1–11 choices and plain keys: one quick-reply tap answers it. */
export function isChatQuestion(question: SurveyQuestion): boolean {
  const options = question.options ?? [];
  return (
    question.type === 'single' &&
    CHAT_KEY.test(question.key) &&
    options.length > 0 &&
    options.length <= CHAT_SURVEY_MAX_OPTIONS &&
    options.every((option) => CHAT_KEY.test(option.key))
  );
}

/**
 * The chat asks a survey's chat questions (single choice) when every other question is optional; those
 * others stay unanswered unless the member answers the whole survey in the LIFF app instead. A survey
 * with a required question of another type (or none the chat can ask) is answered in the app only.
 */
export function planChatSurvey(questions: SurveyQuestion[]): ChatSurveyPlan {
  const asked = questions.filter(isChatQuestion);
  const others = questions.filter((question) => !isChatQuestion(question));
  const inChat = asked.length > 0 && others.every((question) => !question.required);
  return { inChat, asked: inChat ? asked : [], moreInApp: others.length > 0 };
}

/** The first chat question not answered (or skipped) yet. */
export function nextChatQuestion(
  plan: ChatSurveyPlan,
  progress: Record<string, string | null>,
): SurveyQuestion | undefined {
  return plan.asked.find((question) => !(question.key in progress));
}
