import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { SimDemographics, SimNarrowcast, SimNarrowcastFailure } from './line-simulator.narrowcast.js';
import type { SimAudience } from './line-simulator.audience.js';

/** What the simulated LINE platform knows and what it was sent: kept in memory, inspected over `/__sim/`. */

export type SimChannel = {
  lineChannelId: string;
  channelSecret: string;
  channelAccessToken: string;
  /** Where webhook events for this channel are POSTed. */
  webhookUrl: string | undefined;
  defaultRichMenuId: string | undefined;
};

export type SimUser = {
  userId: string;
  displayName: string;
  pictureUrl: string | undefined;
  language: string;
  statusMessage: string | undefined;
  /** What LINE estimates about the user, for narrowcast's demographic filters (none: never targeted by one). */
  demographics?: SimDemographics;
};

export type SimTimelineEntry = {
  seq: number;
  at: string;
  channelId: string;
  userId: string;
} & (
  | {
      from: 'user';
      event: Record<string, unknown>;
      webhookStatus: number | undefined;
      /** What the chat shows as the user's message for a postback with `displayText` (not sent to the bot). */
      displayText?: string;
    }
  | {
      from: 'bot';
      via: 'reply' | 'push' | 'multicast' | 'narrowcast' | 'broadcast';
      messages: Record<string, unknown>[];
      retryKey: string | undefined;
      requestId: string;
    }
  | { from: 'loading'; seconds: number }
);

/** A timeline entry before the simulator numbers and dates it. */
export type NewSimTimelineEntry = SimTimelineEntry extends infer E
  ? E extends SimTimelineEntry
    ? Omit<E, 'seq' | 'at'>
    : never
  : never;

export type SimReplyToken = {
  channelId: string;
  userId: string;
  issuedAt: number;
  usedAt: number | undefined;
};

export type SimRichMenu = {
  richMenuId: string;
  channelId: string;
  definition: Record<string, unknown>;
  image: { bytes: Buffer; contentType: string } | undefined;
};

export type SimIdToken = {
  sub: string;
  aud: string;
  exp: number;
  iat: number;
  name: string;
  picture?: string;
};

/**
 * A failure on demand for the next `remaining` matching requests: answer `status` without doing
 * anything; or, with `afterAccept`, do the work (accept the retry key, deliver) and then answer
 * `status` (a lost answer); with `holdAfterAccept`, do the work and never answer (the caller waits until
 * it gives up or dies: a crash test kills it there); `delayMs` waits before handling the request (a
 * client time-out).
 */
export type SimFault = {
  method: string;
  path: string;
  status: number;
  remaining: number;
  body?: unknown;
  afterAccept?: boolean;
  holdAfterAccept?: boolean;
  delayMs?: number;
};

/** One send request as received (push, multicast…), for tests that check retries resend the same body. */
export type SimSendRequest = {
  at: string;
  via: 'push' | 'multicast' | 'narrowcast' | 'broadcast';
  channelId: string;
  retryKey: string | undefined;
  body: unknown;
  status: number;
};

/** LINE's limits as the simulator applies them (unset: unlimited). */
export type SimLimits = {
  /** Send requests (push, multicast, narrowcast, broadcast) per second per channel; LINE: 200 for multicast. */
  requestsPerSecond: number | undefined;
  /** Messages per month per channel (counted per recipient, like LINE's quota). */
  monthlyQuota: number | undefined;
};

export function createSimulatorState() {
  return {
    channels: new Map<string, SimChannel>(),
    users: new Map<string, SimUser>(),
    /** `${channelId}:${userId}` of users who follow the channel. */
    friends: new Set<string>(),
    replyTokens: new Map<string, SimReplyToken>(),
    /** `${channelId}:${retryKey}` → the request id LINE accepted it under. */
    retryKeys: new Map<string, string>(),
    contents: new Map<string, { bytes: Buffer; contentType: string; channelId: string }>(),
    timeline: [] as SimTimelineEntry[],
    richMenus: new Map<string, SimRichMenu>(),
    /** Narrowcasts LINE accepted, by request id, with their target and outcome. */
    narrowcasts: new Map<string, SimNarrowcast>(),
    /** Audiences for uploading user IDs (`/v2/bot/audienceGroup/…`), by audience group id. */
    audiences: new Map<number, SimAudience>(),
    nextAudienceId: 1_000_001,
    /** Narrowcasts to fail on demand (`POST /__sim/narrowcast-failures`). */
    narrowcastFailures: [] as SimNarrowcastFailure[],
    /** Events as sent, by webhookEventId, so they can be redelivered. */
    sentEvents: new Map<string, { channelId: string; event: Record<string, unknown> }>(),
    faults: [] as SimFault[],
    limits: { requestsPerSecond: undefined, monthlyQuota: undefined } as SimLimits,
    /** Messages counted against the quota this month, per LINE channel id. */
    quotaUsed: new Map<string, number>(),
    /** Start times of the send requests of the last second, per channel (rate limit). */
    recentSends: new Map<string, number[]>(),
    /** How many bot messages (push, multicast, narrowcast, broadcast) reached each `${channelId}:${userId}`. */
    deliveries: new Map<string, number>(),
    /** The last send requests as received (at most SIM_SEND_LOG_MAX). */
    sendLog: [] as SimSendRequest[],
    idTokenSecret: randomBytes(32),
    seq: 0,
  };
}

export type SimulatorState = ReturnType<typeof createSimulatorState>;

export const SIM_SEND_LOG_MAX = 5_000;

export const DEFAULT_SIM_USERS: SimUser[] = [
  {
    userId: 'U0000000000000000000000000000a001',
    displayName: '王小明',
    pictureUrl: undefined,
    language: 'zh-TW',
    statusMessage: '喝茶中',
  },
  {
    userId: 'U0000000000000000000000000000a002',
    displayName: 'สมชาย ใจดี',
    pictureUrl: undefined,
    language: 'th',
    statusMessage: undefined,
  },
  {
    userId: 'U0000000000000000000000000000a003',
    displayName: 'Alice Chen',
    pictureUrl: undefined,
    language: 'en',
    statusMessage: undefined,
  },
];

export function newRequestId(): string {
  return randomUUID();
}

/** A LINE-like id: digits for message ids, 32 hex chars for reply tokens. */
export function newMessageId(): string {
  return String(BigInt(Date.now()) * 1000n + BigInt(Math.floor(Math.random() * 1000)));
}

export function newReplyToken(): string {
  return randomBytes(16).toString('hex');
}

/** A JWT-shaped ID token (HS256 over the simulator's own secret); only the simulator can verify it. */
export function mintIdToken(state: SimulatorState, claims: SimIdToken): string {
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'HS256' })).toString('base64url');
  const payload = Buffer.from(JSON.stringify({ iss: 'https://access.line.me', ...claims })).toString(
    'base64url',
  );
  const signature = createHmac('sha256', state.idTokenSecret)
    .update(`${header}.${payload}`)
    .digest('base64url');
  return `${header}.${payload}.${signature}`;
}

export function readIdToken(
  state: SimulatorState,
  token: string,
): (SimIdToken & { iss: string }) | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  const [header, payload, signature] = parts as [string, string, string];
  const expected = createHmac('sha256', state.idTokenSecret)
    .update(`${header}.${payload}`)
    .digest('base64url');
  if (expected !== signature) return undefined;
  try {
    return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as SimIdToken & { iss: string };
  } catch {
    return undefined;
  }
}
