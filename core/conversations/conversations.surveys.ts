import type { Executor } from '../db/database.js';
import type { IdGenerator } from '../shared/ids.js';
import { isAppError } from '../shared/errors.js';
import type { Logger } from '../shared/logger.js';
import {
  answerSurveyInChat,
  findChatSurveyInvitation,
  type ChatSurveyInvitation,
  type ChatSurveyQuestion,
} from '../surveys/index.js';
import { surveyPostbackData } from './conversations.commands.js';
import type { Answer, SurveyPrompt } from './conversations.types.js';

/**
 * Surveys in the chat. After an accepted proof the answer carries the survey due for it: its first
 * single-choice question as quick replies whose postback data names survey, proof, question and choice,
 * or a link to the LIFF app when a required question is of another type. Each tap records one choice
 * (core/surveys keeps the progress), then the next question is asked, and the last one stores the answer
 * and thanks the member. Forged or stale taps get a polite "not open" and store nothing.
 */

function promptOfQuestion(next: ChatSurveyQuestion): SurveyPrompt {
  const { survey, submissionId, question } = next;
  const data = (option: string | null) =>
    surveyPostbackData({ surveyId: survey.id, submissionId, question: question.key, option });
  return {
    title: survey.title,
    offerApp: next.moreInApp,
    question: {
      label: question.label,
      number: next.number,
      count: next.count,
      options: (question.options ?? []).map((option) => ({ label: option.label, data: data(option.key) })),
      ...(question.required ? {} : { skipData: data(null) }),
    },
  };
}

function promptOf(invitation: ChatSurveyInvitation): SurveyPrompt {
  return invitation.kind === 'question'
    ? promptOfQuestion(invitation)
    : { title: invitation.survey.title, offerApp: true };
}

/** The survey to offer with the answer to this accepted proof, if one is due for it. */
export async function surveyPromptFor(
  db: Executor,
  input: { brandId: string; memberId: string; submissionId: string | undefined },
): Promise<SurveyPrompt | undefined> {
  if (!input.submissionId) return undefined;
  const invitation = await findChatSurveyInvitation(db, { ...input, submissionId: input.submissionId });
  return invitation ? promptOf(invitation) : undefined;
}

/**
 * A survey choice tapped in the chat, decided in the transaction that records the bot's answer: the
 * next question, thanks after the last one, or "closed" (answered already, or not this member's to
 * answer: other member's proof, unknown survey, question or choice).
 */
export async function answerSurveyChoice(
  { db, generateId, logger, now }: { db: Executor; generateId: IdGenerator; logger: Logger; now: Date },
  input: {
    brandId: string;
    memberId: string;
    surveyId: string;
    submissionId: string;
    question: string;
    option: string | null;
  },
): Promise<Answer> {
  try {
    const result = await answerSurveyInChat({ db, generateId }, { ...input, now });
    switch (result.status) {
      case 'next':
        return { kind: 'survey_question', survey: promptOfQuestion(result.next) };
      case 'completed':
        return { kind: 'survey_thanks' };
      case 'already_answered':
        return { kind: 'survey_closed', reason: 'answered' };
    }
  } catch (error) {
    if (isAppError(error) && !error.isInternal) {
      logger.info(
        { code: error.code, surveyId: input.surveyId, memberId: input.memberId },
        'survey choice not taken',
      );
      return { kind: 'survey_closed', reason: 'unavailable' };
    }
    throw error;
  }
}
