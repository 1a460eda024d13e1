export type {
  Answer,
  AnswerRenderer,
  ProofAnswer,
  ProofQuestionAnswer,
  RenderContext,
  SurveyPrompt,
} from './conversations.types.js';
export {
  parseCommand,
  parsePostback,
  proofDatePostbackData,
  surveyPostbackData,
  type Command,
} from './conversations.commands.js';
export {
  handleWebhookEvent,
  type ConversationDeps,
  type ReceiptImageIngester,
} from './conversations.usecases.js';
export {
  createEventContextReader,
  createMemberUpserter,
  createOpenQuestionReader,
  createSeenProofReader,
  type EventContextReader,
  type MemberUpserter,
  type OpenQuestionReader,
  type SeenProofReader,
} from './conversations.context.js';
export { recordAnswers, type AnswerToSend, type StagedAnswer } from './conversations.answers.js';
export { notifyLaterDecisions } from './conversations.notices.js';
export { proofQuestions, type ProofQuestionState } from './conversations.table.js';
export {
  createProofQuestionsRepository,
  PROOF_QUESTION_TTL_MS,
  type ProofQuestion,
} from './conversations.questions.js';
