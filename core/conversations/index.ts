export type {
  Answer,
  AnswerRenderer,
  ProofAnswer,
  RenderContext,
  SurveyPrompt,
} from './conversations.types.js';
export { parseCommand, parsePostback, surveyPostbackData, type Command } from './conversations.commands.js';
export {
  handleWebhookEvent,
  type ConversationDeps,
  type ReceiptImageIngester,
} from './conversations.usecases.js';
export { notifyLaterDecisions } from './conversations.notices.js';
