/**
 * The LINE Messaging API as Proofline needs it: a port, so core never sees an SDK type. The real
 * adapter (`providers/line-sdk.line-messenger.ts`) uses @line/bot-sdk clients pointed at LINE or at the
 * simulator by base URL; tests use the simulator over HTTP too.
 */

/** A LINE message object (text, flex, image…), as JSON. */
export type LineMessage = Record<string, unknown>;

export type LineChannelCredentials = {
  lineChannelId: string;
  channelAccessToken: string;
};

export type LineProfile = {
  userId: string;
  displayName: string | undefined;
  pictureUrl: string | undefined;
  /** BCP 47 language of the user's LINE app, when LINE shares it. */
  language: string | undefined;
};

export type ReplyResult = { status: 'sent' } | { status: 'invalid_reply_token' };
/** `already_accepted`: LINE answered 409 for the retry key: an earlier attempt was delivered. */
export type PushResult = { status: 'sent' } | { status: 'already_accepted' };

export type RichMenuDefinition = Record<string, unknown>;

/**
 * A multicast LINE accepted: `sent` now, or `already_accepted` (409: an earlier attempt with the same
 * retry key was accepted, under `acceptedRequestId`). Both mean the recipients were sent the messages.
 */
export type MulticastResult =
  | { status: 'sent'; requestId: string | undefined }
  | { status: 'already_accepted'; acceptedRequestId: string | undefined };

/**
 * A narrowcast LINE accepted (202) under `requestId`, or `already_accepted` (409: an earlier attempt
 * with the same retry key was accepted, under `acceptedRequestId`): either way its progress is polled.
 */
export type NarrowcastResult =
  | { status: 'accepted'; requestId: string | undefined }
  | { status: 'already_accepted'; acceptedRequestId: string | undefined };

/** `GET /v2/bot/message/progress/narrowcast`: where LINE is with a narrowcast. */
export type NarrowcastProgress = {
  phase: 'waiting' | 'sending' | 'succeeded' | 'failed';
  successCount: number | undefined;
  failureCount: number | undefined;
  targetCount: number | undefined;
  failedDescription: string | undefined;
  errorCode: number | undefined;
};

/** The bot behind a channel access token (`GET /v2/bot/info`): proves the token works. */
export type LineBotInfo = {
  userId: string;
  basicId: string | undefined;
  displayName: string | undefined;
};

/** What is left of this month's message quota: `limit` undefined when the plan has none. */
export type MessageQuota = { limit: number | undefined; used: number };

export type LineMessenger = {
  reply: (
    channel: LineChannelCredentials,
    input: { replyToken: string; messages: LineMessage[] },
  ) => Promise<ReplyResult>;
  push: (
    channel: LineChannelCredentials,
    input: { to: string; messages: LineMessage[]; retryKey: string },
  ) => Promise<PushResult>;
  /**
   * One multicast request (≤ 500 user ids, ≤ 5 messages) with its X-Line-Retry-Key, sent once: the
   * caller retries (same key, same body) on a retryable LineApiError (5xx, time-out, 429).
   */
  multicast: (
    channel: LineChannelCredentials,
    input: { to: string[]; messages: LineMessage[]; retryKey: string },
  ) => Promise<MulticastResult>;
  /**
   * One narrowcast request (LINE's `filter.demographic`, ≤ 5 messages) with its X-Line-Retry-Key, sent
   * once: the caller retries (same key, same body) on a retryable LineApiError, then polls the progress.
   */
  narrowcast: (
    channel: LineChannelCredentials,
    input: { messages: LineMessage[]; demographic: Record<string, unknown>; retryKey: string },
  ) => Promise<NarrowcastResult>;
  getNarrowcastProgress: (channel: LineChannelCredentials, requestId: string) => Promise<NarrowcastProgress>;
  /** This month's quota and what was used of it (`GET /v2/bot/message/quota` and `/quota/consumption`). */
  getMessageQuota: (channel: LineChannelCredentials) => Promise<MessageQuota>;
  /** The typing indicator in a one-to-one chat, for `seconds` (5–60, a multiple of 5). */
  showLoading: (channel: LineChannelCredentials, input: { chatId: string; seconds: number }) => Promise<void>;
  /** Undefined when LINE does not know the user for this channel (not a friend, or blocked). */
  getProfile: (channel: LineChannelCredentials, userId: string) => Promise<LineProfile | undefined>;
  getMessageContent: (
    channel: LineChannelCredentials,
    messageId: string,
  ) => Promise<{ bytes: Buffer; contentType: string | undefined }>;
  createRichMenu: (channel: LineChannelCredentials, definition: RichMenuDefinition) => Promise<string>;
  setRichMenuImage: (
    channel: LineChannelCredentials,
    input: { richMenuId: string; image: Buffer; contentType: 'image/png' | 'image/jpeg' },
  ) => Promise<void>;
  setDefaultRichMenu: (channel: LineChannelCredentials, richMenuId: string) => Promise<void>;
  /** The channel's bot (`GET /v2/bot/info`); a LineApiError (401) when the access token is not valid. */
  getBotInfo: (channel: LineChannelCredentials) => Promise<LineBotInfo>;
};
