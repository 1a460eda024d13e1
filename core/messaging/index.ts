export { outboundMessages } from './messaging.table.js';
export type {
  LineBotInfo,
  LineChannelCredentials,
  LineMessage,
  LineMessenger,
  LineProfile,
  MessageQuota,
  MulticastResult,
  NarrowcastProgress,
  NarrowcastResult,
  PushResult,
  ReplyResult,
  RichMenuDefinition,
} from './messaging.types.js';
export { LineApiError, isLineApiError } from './messaging.errors.js';
export { retryKeyFor, REPLY_TOKEN_FRESH_MS, backoffMs } from './messaging.models.js';
export {
  createMessagingRepository,
  type ClaimedMessage,
  type OutboundMessage,
} from './messaging.repository.js';
export {
  deliverOutboundMessages,
  sendClaimedMessages,
  SEND_LEASE_MS,
  enqueueAnswer,
  enqueueAnswers,
  enqueuePush,
  type AnswerToRecord,
  type DeliveryDeps,
  type DeliverySummary,
  type EnqueueResult,
} from './messaging.usecases.js';
export {
  createLineSdkMessenger,
  LINE_API_BASE_URL,
  LINE_DATA_API_BASE_URL,
  LINE_SEND_TIMEOUT_MS,
  MULTICAST_MAX_RECIPIENTS,
} from './providers/line-sdk.line-messenger.js';
export { ensureEnvChannel } from './line-channels.usecases.js';
export { setupDefaultRichMenu } from './richmenu.usecases.js';
export { renderAnswer } from './providers/line-flex.answer-renderer.js';
export { buildLineMessenger } from './line-messenger.config.js';
