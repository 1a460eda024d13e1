export type { Answer, AnswerRenderer, ProofAnswer, RenderContext } from './conversations.types.js';
export { parseCommand, parsePostback, type Command } from './conversations.commands.js';
export {
  handleWebhookEvent,
  type ConversationDeps,
  type ReceiptImageIngester,
} from './conversations.usecases.js';
export { notifyLaterDecisions } from './conversations.notices.js';
