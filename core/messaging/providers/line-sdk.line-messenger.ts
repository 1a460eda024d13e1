import { HTTPFetchError, messagingApi } from '@line/bot-sdk';
import { retryOnceOnReset } from '../../shared/connection-reset.js';
import { LineApiError } from '../messaging.errors.js';
import type {
  LineChannelCredentials,
  LineMessenger,
  LineProfile,
  MessageQuota,
  NarrowcastProgress,
} from '../messaging.types.js';

export const LINE_API_BASE_URL = 'https://api.line.me';
export const LINE_DATA_API_BASE_URL = 'https://api-data.line.me';
/** LINE takes at most 500 user ids per multicast. */
export const MULTICAST_MAX_RECIPIENTS = 500;
/** A multicast not answered within this is treated as a time-out (retry with the same key and body). */
export const LINE_SEND_TIMEOUT_MS = 15_000;

type Clients = { api: messagingApi.MessagingApiClient; blob: messagingApi.MessagingApiBlobClient };

/**
 * The LineMessenger on @line/bot-sdk. A request whose keep-alive connection was reset under it (the
 * server closed it as idle as it was reused: "fetch failed") is sent once more at once when it is
 * idempotent: the reads, and the sends that carry an X-Line-Retry-Key (LINE delivers a key once). A reply
 * is not here: its token is single-use, so the sender asks again and reads a refused token as delivered
 * (`sendClaimedMessages`).
 * `apiBaseUrl` / `dataApiBaseUrl` point it at LINE, a proxy or the simulator: the same code path
 * everywhere. One pair of clients per channel access token.
 */
export function createLineSdkMessenger({
  apiBaseUrl = LINE_API_BASE_URL,
  dataApiBaseUrl = LINE_DATA_API_BASE_URL,
  sendTimeoutMs = LINE_SEND_TIMEOUT_MS,
}: {
  apiBaseUrl?: string;
  dataApiBaseUrl?: string;
  /** Time-out of one multicast request. @default 15_000 */
  sendTimeoutMs?: number;
} = {}): LineMessenger {
  const clients = new Map<string, Clients>();
  const clientsFor = (channel: LineChannelCredentials): Clients => {
    let found = clients.get(channel.channelAccessToken);
    if (!found) {
      found = {
        api: new messagingApi.MessagingApiClient({
          channelAccessToken: channel.channelAccessToken,
          baseURL: apiBaseUrl,
        }),
        blob: new messagingApi.MessagingApiBlobClient({
          channelAccessToken: channel.channelAccessToken,
          baseURL: dataApiBaseUrl,
        }),
      };
      clients.set(channel.channelAccessToken, found);
    }
    return found;
  };

  return {
    async reply(channel, { replyToken, messages }) {
      try {
        await clientsFor(channel).api.replyMessage({
          replyToken,
          messages: messages as unknown as messagingApi.Message[],
        });
        return { status: 'sent' };
      } catch (error) {
        if (error instanceof HTTPFetchError && error.status === 400 && /reply token/i.test(error.body))
          return { status: 'invalid_reply_token' };
        throw toLineApiError(error);
      }
    },

    async push(channel, { to, messages, retryKey }) {
      assertMessageCount('push', messages);
      const result = await sendOnce(async () => {
        await retryOnceOnReset(() =>
          clientsFor(channel).api.pushMessage(
            { to, messages: messages as unknown as messagingApi.Message[] },
            retryKey,
          ),
        );
        return { status: 'sent' as const };
      });
      return result.status === 'already_accepted' ? { status: 'already_accepted' } : result;
    },

    async multicast(channel, { to, messages, retryKey }) {
      if (to.length === 0 || to.length > MULTICAST_MAX_RECIPIENTS)
        throw new RangeError(`multicast takes 1 to ${MULTICAST_MAX_RECIPIENTS} user ids, not ${to.length}`);
      assertMessageCount('multicast', messages);
      return sendOnce(async () => {
        const response = await withTimeout(
          retryOnceOnReset(() =>
            clientsFor(channel).api.multicastWithHttpInfo(
              { to, messages: messages as unknown as messagingApi.Message[] },
              retryKey,
            ),
          ),
          sendTimeoutMs,
        );
        return { status: 'sent' as const, requestId: requestIdOf(response.httpResponse) };
      });
    },

    async narrowcast(channel, { messages, demographic, retryKey }) {
      assertMessageCount('narrowcast', messages);
      return sendOnce(async () => {
        const response = await withTimeout(
          retryOnceOnReset(() =>
            clientsFor(channel).api.narrowcastWithHttpInfo(
              {
                messages: messages as unknown as messagingApi.Message[],
                filter: { demographic: demographic as unknown as messagingApi.DemographicFilter },
              },
              retryKey,
            ),
          ),
          sendTimeoutMs,
        );
        return { status: 'accepted' as const, requestId: requestIdOf(response.httpResponse) };
      });
    },

    async getNarrowcastProgress(channel, requestId): Promise<NarrowcastProgress> {
      try {
        const progress = await retryOnceOnReset(() =>
          clientsFor(channel).api.getNarrowcastProgress(requestId),
        );
        return {
          phase: progress.phase,
          successCount: progress.successCount,
          failureCount: progress.failureCount,
          targetCount: progress.targetCount,
          failedDescription: progress.failedDescription,
          errorCode: progress.errorCode,
        };
      } catch (error) {
        throw toLineApiError(error);
      }
    },

    async getMessageQuota(channel): Promise<MessageQuota> {
      try {
        const api = clientsFor(channel).api;
        const [quota, consumption] = await Promise.all([
          retryOnceOnReset(() => api.getMessageQuota()),
          retryOnceOnReset(() => api.getMessageQuotaConsumption()),
        ]);
        return {
          limit: quota.type === 'limited' ? (quota.value ?? 0) : undefined,
          used: consumption.totalUsage ?? 0,
        };
      } catch (error) {
        throw toLineApiError(error);
      }
    },

    async showLoading(channel, { chatId, seconds }) {
      const loadingSeconds = Math.min(60, Math.max(5, Math.ceil(seconds / 5) * 5));
      try {
        await clientsFor(channel).api.showLoadingAnimation({ chatId, loadingSeconds });
      } catch (error) {
        throw toLineApiError(error);
      }
    },

    async getProfile(channel, userId): Promise<LineProfile | undefined> {
      try {
        const profile = await retryOnceOnReset(() => clientsFor(channel).api.getProfile(userId));
        return {
          userId: profile.userId,
          displayName: profile.displayName,
          pictureUrl: profile.pictureUrl,
          language: profile.language,
        };
      } catch (error) {
        if (error instanceof HTTPFetchError && error.status === 404) return undefined;
        throw toLineApiError(error);
      }
    },

    async getMessageContent(channel, messageId) {
      try {
        const response = await retryOnceOnReset(() =>
          clientsFor(channel).blob.getMessageContentWithHttpInfo(messageId),
        );
        const chunks: Buffer[] = [];
        for await (const chunk of response.body) chunks.push(Buffer.from(chunk as Uint8Array));
        return {
          bytes: Buffer.concat(chunks),
          contentType: response.httpResponse.headers.get('content-type') ?? undefined,
        };
      } catch (error) {
        throw toLineApiError(error);
      }
    },

    async createRichMenu(channel, definition) {
      try {
        const { richMenuId } = await clientsFor(channel).api.createRichMenu(
          definition as unknown as messagingApi.RichMenuRequest,
        );
        return richMenuId;
      } catch (error) {
        throw toLineApiError(error);
      }
    },

    async setRichMenuImage(channel, { richMenuId, image, contentType }) {
      try {
        await clientsFor(channel).blob.setRichMenuImage(
          richMenuId,
          new Blob([new Uint8Array(image)], { type: contentType }),
        );
      } catch (error) {
        throw toLineApiError(error);
      }
    },

    async setDefaultRichMenu(channel, richMenuId) {
      try {
        await clientsFor(channel).api.setDefaultRichMenu(richMenuId);
      } catch (error) {
        throw toLineApiError(error);
      }
    },

    async getBotInfo(channel) {
      try {
        const info = await retryOnceOnReset(() => clientsFor(channel).api.getBotInfo());
        return { userId: info.userId, basicId: info.basicId, displayName: info.displayName };
      } catch (error) {
        throw toLineApiError(error);
      }
    },
  };
}

/** LINE takes 1 to 5 message objects per send request: refused here before calling LINE. */
export const MAX_MESSAGES_PER_REQUEST = 5;

function assertMessageCount(request: string, messages: readonly unknown[]) {
  if (messages.length === 0 || messages.length > MAX_MESSAGES_PER_REQUEST)
    throw new RangeError(
      `${request} takes 1 to ${MAX_MESSAGES_PER_REQUEST} messages, not ${messages.length}`,
    );
}

function requestIdOf(response: { headers: Headers }) {
  return response.headers.get('x-line-request-id') ?? undefined;
}

/**
 * One send request with an X-Line-Retry-Key. LINE's 409 means an earlier attempt with this key was
 * accepted (under `x-line-accepted-request-id`): the messages went out, so it is not an error. Anything
 * else becomes a LineApiError for the caller's retry decision.
 */
async function sendOnce<T>(
  send: () => Promise<T>,
): Promise<T | { status: 'already_accepted'; acceptedRequestId: string | undefined }> {
  try {
    return await send();
  } catch (error) {
    if (error instanceof HTTPFetchError && error.status === 409)
      return {
        status: 'already_accepted',
        acceptedRequestId: error.headers.get('x-line-accepted-request-id') ?? undefined,
      };
    throw toLineApiError(error);
  }
}

/** Rejects with a LineApiError without a status (a time-out) when `promise` takes longer than `ms`. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new LineApiError({ status: undefined, body: `timed out after ${ms} ms` })),
      ms,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function toLineApiError(error: unknown): LineApiError {
  if (error instanceof LineApiError) return error;
  if (error instanceof HTTPFetchError)
    return new LineApiError({ status: error.status, body: error.body, cause: error });
  return new LineApiError({ status: undefined, body: (error as Error)?.message, cause: error });
}
