import type { Server } from 'node:http';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import {
  createSimulatorState,
  DEFAULT_SIM_USERS,
  mintIdToken,
  newMessageId,
  newReplyToken,
  newRequestId,
  readIdToken,
  SIM_SEND_LOG_MAX,
  type SimChannel,
  type SimFault,
  type SimSendRequest,
  type SimTimelineEntry,
  type SimulatorState,
} from './line-simulator.state.js';
import { projectRoot } from '../../core/shared/paths.js';
import { sendWebhook } from './webhook-sender.js';
import { addNarrowcastRoutes, type SimDemographics } from './line-simulator.narrowcast.js';

/**
 * A stand-in for the LINE platform over real HTTP: the Messaging API endpoints Proofline uses (reply,
 * push, multicast, narrowcast, broadcast, loading, profile, content, rich menu), LINE Login's ID-token
 * verify, a webhook sender that signs with the channel secret, and the chat page. It answers with
 * LINE's status codes and error bodies and records everything it was sent (`/__sim/…`).
 */

/** A reply token is good for about a minute after its event (LINE docs: use it promptly). */
export const SIM_REPLY_TOKEN_TTL_MS = 60_000;

const SEND_PATHS: Record<string, SimSendRequest['via']> = {
  '/v2/bot/message/push': 'push',
  '/v2/bot/message/multicast': 'multicast',
  '/v2/bot/message/narrowcast': 'narrowcast',
  '/v2/bot/message/broadcast': 'broadcast',
};

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type LineSimulator = {
  url: string;
  state: SimulatorState;
  app: Express;
  close: () => Promise<void>;
};

export function createLineSimulatorApp({
  state = createSimulatorState(),
  now = () => Date.now(),
}: { state?: SimulatorState; now?: () => number } = {}): Express {
  for (const user of DEFAULT_SIM_USERS)
    if (!state.users.has(user.userId)) state.users.set(user.userId, { ...user });
  const app = express();
  app.disable('x-powered-by');

  // The chat page talks to the admin API from the bot's origin in local mode.
  app.use((req, res, next) => {
    res.setHeader('access-control-allow-origin', '*');
    res.setHeader('access-control-allow-headers', 'content-type, authorization');
    res.setHeader('access-control-allow-methods', 'GET, POST, PUT, DELETE, OPTIONS');
    if (req.method === 'OPTIONS') {
      res.status(204).end();
      return;
    }
    next();
  });

  type NewEntry = SimTimelineEntry extends infer E
    ? E extends SimTimelineEntry
      ? Omit<E, 'seq' | 'at'>
      : never
    : never;
  const record = (entry: NewEntry) => {
    state.seq += 1;
    state.timeline.push({ ...entry, seq: state.seq, at: new Date(now()).toISOString() } as SimTimelineEntry);
    if (entry.from === 'bot' && entry.via !== 'reply') {
      const key = `${entry.channelId}:${entry.userId}`;
      state.deliveries.set(key, (state.deliveries.get(key) ?? 0) + 1);
      state.quotaUsed.set(entry.channelId, (state.quotaUsed.get(entry.channelId) ?? 0) + 1);
    }
  };

  const json = express.json({ limit: '10mb' });

  // Injected faults (tests): the next N matching requests get the given status.
  app.use((req, res, next) => {
    if (req.path.startsWith('/__sim') || req.path.startsWith('/dev')) return next();
    const fault = state.faults.find(
      (candidate) =>
        candidate.remaining > 0 && candidate.method === req.method && req.path.startsWith(candidate.path),
    );
    if (!fault) return next();
    fault.remaining -= 1;
    const act = () => {
      if (fault.afterAccept || fault.holdAfterAccept) {
        // Do the work, then lose the answer: the client sees `status`, LINE has accepted the request.
        res.locals.failAfterAccept = fault;
        next();
      } else
        // The body is read so the request shows in /__sim/send-requests like any other attempt.
        json(req, res, () => {
          const via = SEND_PATHS[req.path];
          if (via) {
            const token = (req.get('authorization') ?? '').replace(/^Bearer /, '');
            const channel = [...state.channels.values()].find((c) => c.channelAccessToken === token);
            state.sendLog.push({
              at: new Date(now()).toISOString(),
              via,
              channelId: channel?.lineChannelId ?? '',
              retryKey: req.get('x-line-retry-key')?.toLowerCase(),
              body: req.body,
              status: fault.status,
            });
          }
          res.status(fault.status).json(fault.body ?? { message: 'Simulated failure' });
        });
    };
    // A slow answer: LINE has read the request at once (what it does with it does not depend on the
    // caller still waiting), then answers after the delay.
    if (fault.delayMs) json(req, res, () => setTimeout(act, fault.delayMs));
    else act();
  });

  // ---- Messaging API -------------------------------------------------------------------------------
  const authenticate = (req: Request, res: Response): SimChannel | undefined => {
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice(7) : '';
    const channel = [...state.channels.values()].find((candidate) => candidate.channelAccessToken === token);
    if (!channel) {
      res.status(401).json({
        message: 'Authentication failed. Confirm that the access token in the authorization header is valid.',
      });
      return undefined;
    }
    return channel;
  };

  const api = express.Router();
  api.use(json);
  api.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if ((error as { type?: string }).type === 'entity.parse.failed') {
      res
        .status(400)
        .json({ message: 'The request body has 1 error(s)', details: [{ message: 'Invalid JSON' }] });
      return;
    }
    next(error);
  });

  api.post('/v2/bot/message/reply', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    if (req.get('x-line-retry-key')) {
      res.status(400).json({ message: 'X-Line-Retry-Key is not supported for this API' });
      return;
    }
    const { replyToken, messages } = req.body as { replyToken?: string; messages?: unknown };
    const problems = validateMessages(messages);
    if (!replyToken) problems.unshift({ message: 'must be specified', property: 'replyToken' });
    if (problems.length > 0) {
      res
        .status(400)
        .json({ message: `The request body has ${problems.length} error(s)`, details: problems });
      return;
    }
    const token = state.replyTokens.get(replyToken as string);
    if (
      !token ||
      token.channelId !== channel.lineChannelId ||
      token.usedAt !== undefined ||
      now() - token.issuedAt > SIM_REPLY_TOKEN_TTL_MS
    ) {
      res.status(400).json({ message: 'Invalid reply token' });
      return;
    }
    token.usedAt = now();
    const requestId = newRequestId();
    record({
      from: 'bot',
      via: 'reply',
      channelId: channel.lineChannelId,
      userId: token.userId,
      messages: messages as Record<string, unknown>[],
      retryKey: undefined,
      requestId,
    });
    res.setHeader('x-line-request-id', requestId);
    res.json({
      sentMessages: (messages as unknown[]).map(() => ({ id: newMessageId(), quoteToken: newReplyToken() })),
    });
  });

  /** Retry-key handling shared by push, multicast, narrowcast and broadcast; false when answered. */
  const acceptRetryKey = (
    req: Request,
    res: Response,
    channel: SimChannel,
  ): { ok: boolean; requestId: string; retryKey?: string } => {
    const requestId = newRequestId();
    const retryKey = req.get('x-line-retry-key');
    if (retryKey === undefined) return { ok: true, requestId };
    if (!UUID_RE.test(retryKey)) {
      res.status(400).json({ message: 'The value of the X-Line-Retry-Key header is invalid' });
      return { ok: false, requestId };
    }
    const accepted = state.retryKeys.get(`${channel.lineChannelId}:${retryKey.toLowerCase()}`);
    if (accepted) {
      res.setHeader('x-line-accepted-request-id', accepted);
      res.setHeader('x-line-request-id', requestId);
      res.status(409).json({ message: 'The retry key is already accepted', sentMessages: [] });
      return { ok: false, requestId };
    }
    return { ok: true, requestId, retryKey: retryKey.toLowerCase() };
  };
  const rememberRetryKey = (channel: SimChannel, retryKey: string | undefined, requestId: string) => {
    if (retryKey) state.retryKeys.set(`${channel.lineChannelId}:${retryKey}`, requestId);
  };

  /**
   * LINE's limits on a send request: 429 "Too many requests" over the per-second rate, 429 "You have
   * reached your monthly limit." when the recipients would exceed the month's quota. False when answered.
   */
  const withinLimits = (res: Response, channel: SimChannel, recipients: number): boolean => {
    const { requestsPerSecond, monthlyQuota } = state.limits;
    if (requestsPerSecond !== undefined) {
      const at = now();
      const recent = (state.recentSends.get(channel.lineChannelId) ?? []).filter((t) => at - t < 1_000);
      if (recent.length >= requestsPerSecond) {
        state.recentSends.set(channel.lineChannelId, recent);
        res.status(429).json({ message: 'Too many requests' });
        return false;
      }
      recent.push(at);
      state.recentSends.set(channel.lineChannelId, recent);
    }
    if (
      monthlyQuota !== undefined &&
      (state.quotaUsed.get(channel.lineChannelId) ?? 0) + recipients > monthlyQuota
    ) {
      res.status(429).json({ message: 'You have reached your monthly limit.' });
      return false;
    }
    return true;
  };
  const friendsAmong = (channel: SimChannel, userIds: string[]) =>
    userIds.filter((userId) => state.friends.has(`${channel.lineChannelId}:${userId}`)).length;
  const logSend = (req: Request, channel: SimChannel, via: SimSendRequest['via'], status: number) => {
    state.sendLog.push({
      at: new Date(now()).toISOString(),
      via,
      channelId: channel.lineChannelId,
      retryKey: req.get('x-line-retry-key')?.toLowerCase(),
      body: req.body,
      status,
    });
    if (state.sendLog.length > SIM_SEND_LOG_MAX)
      state.sendLog.splice(0, state.sendLog.length - SIM_SEND_LOG_MAX);
  };
  /**
   * Answers a send LINE accepted: 200, the injected `afterAccept` fault's status (a lost answer), or
   * nothing at all (`holdAfterAccept`: logged with the status it was accepted with).
   */
  const answerAccepted = (
    req: Request,
    res: Response,
    channel: SimChannel,
    via: SimSendRequest['via'],
    body: unknown,
    acceptedStatus = 200,
  ) => {
    const lost = res.locals.failAfterAccept as SimFault | undefined;
    logSend(req, channel, via, lost && !lost.holdAfterAccept ? lost.status : acceptedStatus);
    if (lost?.holdAfterAccept) return;
    if (lost) res.status(lost.status).json(lost.body ?? { message: 'Simulated failure after acceptance' });
    else res.status(acceptedStatus).json(body);
  };

  api.post('/v2/bot/message/push', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const { to, messages } = req.body as { to?: string; messages?: unknown };
    const problems = validateMessages(messages);
    if (!to) problems.unshift({ message: 'must be specified', property: 'to' });
    if (problems.length > 0) {
      res
        .status(400)
        .json({ message: `The request body has ${problems.length} error(s)`, details: problems });
      return;
    }
    if (!/^[UCR][0-9a-f]{32}$/.test(to as string)) {
      res
        .status(400)
        .json({ message: "The property, 'to', in the request body is invalid (line: -, column: -)" });
      return;
    }
    if (!withinLimits(res, channel, friendsAmong(channel, [to as string]))) return;
    const retry = acceptRetryKey(req, res, channel);
    if (!retry.ok) return;
    rememberRetryKey(channel, retry.retryKey, retry.requestId);
    // LINE accepts a push to a user who blocked the account but does not deliver it.
    if (state.friends.has(`${channel.lineChannelId}:${to}`)) {
      record({
        from: 'bot',
        via: 'push',
        channelId: channel.lineChannelId,
        userId: to as string,
        messages: messages as Record<string, unknown>[],
        retryKey: retry.retryKey,
        requestId: retry.requestId,
      });
    }
    res.setHeader('x-line-request-id', retry.requestId);
    answerAccepted(req, res, channel, 'push', {
      sentMessages: (messages as unknown[]).map(() => ({ id: newMessageId(), quoteToken: newReplyToken() })),
    });
  });

  api.post('/v2/bot/message/multicast', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const { to, messages } = req.body as { to?: unknown; messages?: unknown };
    const problems = validateMessages(messages);
    if (!Array.isArray(to) || to.length === 0)
      problems.unshift({ message: 'must be specified', property: 'to' });
    else if (to.length > 500) problems.unshift({ message: 'Size must be between 1 and 500', property: 'to' });
    if (problems.length > 0) {
      res
        .status(400)
        .json({ message: `The request body has ${problems.length} error(s)`, details: problems });
      return;
    }
    if (!withinLimits(res, channel, friendsAmong(channel, to as string[]))) {
      logSend(req, channel, 'multicast', 429);
      return;
    }
    const retry = acceptRetryKey(req, res, channel);
    if (!retry.ok) {
      logSend(req, channel, 'multicast', res.statusCode);
      return;
    }
    rememberRetryKey(channel, retry.retryKey, retry.requestId);
    for (const userId of to as string[]) {
      if (state.friends.has(`${channel.lineChannelId}:${userId}`))
        record({
          from: 'bot',
          via: 'multicast',
          channelId: channel.lineChannelId,
          userId,
          messages: messages as Record<string, unknown>[],
          retryKey: retry.retryKey,
          requestId: retry.requestId,
        });
    }
    res.setHeader('x-line-request-id', retry.requestId);
    answerAccepted(req, res, channel, 'multicast', {});
  });

  const sendToAllFriends = (
    channel: SimChannel,
    via: 'broadcast',
    messages: Record<string, unknown>[],
    retryKey: string | undefined,
    requestId: string,
  ) => {
    for (const key of state.friends) {
      const [channelId, userId] = key.split(':') as [string, string];
      if (channelId === channel.lineChannelId)
        record({ from: 'bot', via, channelId, userId, messages, retryKey, requestId });
    }
  };

  addNarrowcastRoutes(api, {
    state,
    now,
    authenticate,
    validateMessages,
    acceptRetryKey,
    rememberRetryKey,
    withinLimits,
    logSend,
    answerAccepted,
    deliver: (channel, userId, messages, retryKey, requestId) =>
      record({
        from: 'bot',
        via: 'narrowcast',
        channelId: channel.lineChannelId,
        userId,
        messages,
        retryKey,
        requestId,
      }),
  });

  api.post('/v2/bot/message/broadcast', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const { messages } = req.body as { messages?: unknown };
    const problems = validateMessages(messages);
    if (problems.length > 0) {
      res
        .status(400)
        .json({ message: `The request body has ${problems.length} error(s)`, details: problems });
      return;
    }
    const retry = acceptRetryKey(req, res, channel);
    if (!retry.ok) return;
    rememberRetryKey(channel, retry.retryKey, retry.requestId);
    sendToAllFriends(
      channel,
      'broadcast',
      messages as Record<string, unknown>[],
      retry.retryKey,
      retry.requestId,
    );
    res.setHeader('x-line-request-id', retry.requestId);
    res.json({});
  });

  api.get('/v2/bot/info', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const digits = channel.lineChannelId.replace(/\D/g, '').padStart(32, '0').slice(-32);
    res.json({
      userId: `U${digits}`,
      basicId: `@sim${channel.lineChannelId.slice(-4)}`,
      displayName: `Simulated channel ${channel.lineChannelId}`,
      chatMode: 'bot',
      markAsReadMode: 'manual',
    });
  });

  api.get('/v2/bot/message/quota', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const { monthlyQuota } = state.limits;
    res.json(monthlyQuota === undefined ? { type: 'none' } : { type: 'limited', value: monthlyQuota });
  });

  api.get('/v2/bot/message/quota/consumption', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    res.json({ totalUsage: state.quotaUsed.get(channel.lineChannelId) ?? 0 });
  });

  api.post('/v2/bot/chat/loading/start', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const { chatId, loadingSeconds = 20 } = req.body as { chatId?: string; loadingSeconds?: number };
    if (!chatId || !/^U[0-9a-f]{32}$/.test(chatId)) {
      res.status(400).json({
        message: 'The request body has 1 error(s)',
        details: [{ message: 'invalid chatId', property: 'chatId' }],
      });
      return;
    }
    if (
      !Number.isInteger(loadingSeconds) ||
      loadingSeconds < 5 ||
      loadingSeconds > 60 ||
      loadingSeconds % 5 !== 0
    ) {
      res.status(400).json({
        message: 'The request body has 1 error(s)',
        details: [{ message: 'must be a multiple of 5 between 5 and 60', property: 'loadingSeconds' }],
      });
      return;
    }
    record({ from: 'loading', channelId: channel.lineChannelId, userId: chatId, seconds: loadingSeconds });
    res.status(202).json({});
  });

  api.get('/v2/bot/profile/:userId', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const user = state.users.get(req.params.userId as string);
    if (!user || !state.friends.has(`${channel.lineChannelId}:${user.userId}`)) {
      res.status(404).json({ message: 'Not found' });
      return;
    }
    res.json({
      userId: user.userId,
      displayName: user.displayName,
      pictureUrl: user.pictureUrl,
      statusMessage: user.statusMessage,
      language: user.language,
    });
  });

  // The data host (api-data.line.me) serves content and rich menu images; the simulator is both hosts.
  api.get('/v2/bot/message/:messageId/content', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const content = state.contents.get(req.params.messageId as string);
    if (!content || content.channelId !== channel.lineChannelId) {
      res.status(404).json({ message: 'Not found' });
      return;
    }
    res.setHeader('content-type', content.contentType);
    res.send(content.bytes);
  });

  api.post('/v2/bot/richmenu', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const definition = req.body as {
      size?: { width?: number; height?: number };
      areas?: unknown[];
      name?: string;
      chatBarText?: string;
    };
    const details: { message: string; property: string }[] = [];
    const width = definition.size?.width;
    const height = definition.size?.height;
    if (!width || width < 800 || width > 2500)
      details.push({ message: 'must be between 800 and 2500', property: 'size.width' });
    if (!height || height < 250 || (width && width / height < 1.45))
      details.push({ message: 'aspect ratio must be at least 1.45', property: 'size.height' });
    if (!definition.name || definition.name.length > 300)
      details.push({ message: 'must be specified', property: 'name' });
    if (!definition.chatBarText || definition.chatBarText.length > 14)
      details.push({ message: 'length must be between 1 and 14', property: 'chatBarText' });
    if (!Array.isArray(definition.areas) || definition.areas.length === 0 || definition.areas.length > 20)
      details.push({ message: 'size must be between 1 and 20', property: 'areas' });
    if (details.length > 0) {
      res.status(400).json({ message: 'A rich menu object is invalid', details });
      return;
    }
    const richMenuId = `richmenu-${randomUUID().replace(/-/g, '')}`;
    state.richMenus.set(richMenuId, {
      richMenuId,
      channelId: channel.lineChannelId,
      definition: req.body as Record<string, unknown>,
      image: undefined,
    });
    res.json({ richMenuId });
  });

  api.get('/v2/bot/richmenu/list', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    res.json({
      richmenus: [...state.richMenus.values()]
        .filter((menu) => menu.channelId === channel.lineChannelId)
        .map((menu) => ({ richMenuId: menu.richMenuId, ...menu.definition })),
    });
  });

  app.post(
    '/v2/bot/richmenu/:richMenuId/content',
    express.raw({ type: () => true, limit: '2mb' }),
    (req, res) => {
      const channel = authenticate(req, res);
      if (!channel) return;
      const menu = state.richMenus.get(req.params.richMenuId as string);
      if (!menu || menu.channelId !== channel.lineChannelId) {
        res.status(404).json({ message: 'Not found' });
        return;
      }
      const contentType = (req.get('content-type') ?? '').split(';')[0] as string;
      if (contentType !== 'image/png' && contentType !== 'image/jpeg') {
        res.status(415).json({ message: 'Unsupported Media Type' });
        return;
      }
      if (menu.image) {
        res.status(400).json({ message: 'An image has already been uploaded to the richmenu' });
        return;
      }
      const bytes = req.body as Buffer;
      if (!Buffer.isBuffer(bytes) || bytes.length === 0) {
        res.status(400).json({ message: 'Image is empty' });
        return;
      }
      if (bytes.length > 1024 * 1024) {
        res.status(413).json({ message: 'Image size must be 1 MB or less' });
        return;
      }
      menu.image = { bytes, contentType };
      res.json({});
    },
  );

  api.post('/v2/bot/user/all/richmenu/:richMenuId', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    const menu = state.richMenus.get(req.params.richMenuId as string);
    if (!menu || menu.channelId !== channel.lineChannelId) {
      res.status(404).json({ message: 'Not found' });
      return;
    }
    if (!menu.image) {
      res.status(400).json({ message: 'An image has not been uploaded to the richmenu' });
      return;
    }
    channel.defaultRichMenuId = menu.richMenuId;
    res.json({});
  });

  api.get('/v2/bot/user/all/richmenu', (req, res) => {
    const channel = authenticate(req, res);
    if (!channel) return;
    if (!channel.defaultRichMenuId) {
      res.status(404).json({ message: 'no default richmenu' });
      return;
    }
    res.json({ richMenuId: channel.defaultRichMenuId });
  });

  // LINE Login: verify an ID token (LIFF).
  api.post('/oauth2/v2.1/verify', express.urlencoded({ extended: false }), (req, res) => {
    const { id_token: idToken, client_id: clientId } = (req.body ?? {}) as {
      id_token?: string;
      client_id?: string;
    };
    if (!idToken || !clientId) {
      res.status(400).json({
        error: 'invalid_request',
        error_description: !idToken ? 'id_token is required' : 'client_id is required',
      });
      return;
    }
    const claims = readIdToken(state, idToken);
    if (!claims) {
      res.status(400).json({ error: 'invalid_request', error_description: 'Invalid IdToken.' });
      return;
    }
    if (claims.aud !== clientId) {
      res.status(400).json({ error: 'invalid_request', error_description: 'Invalid IdToken Audience.' });
      return;
    }
    if (claims.exp * 1000 < now()) {
      res.status(400).json({ error: 'invalid_request', error_description: 'IdToken expired.' });
      return;
    }
    res.json({ ...claims, amr: ['linesso'] });
  });

  app.use(api);

  // ---- Admin API (`/__sim/`) ------------------------------------------------------------------------
  const admin = express.Router();
  admin.use(json);

  admin.put('/__sim/channels/:lineChannelId', (req, res) => {
    const { channelSecret, channelAccessToken, webhookUrl } = req.body as Partial<SimChannel>;
    if (!channelSecret || !channelAccessToken) {
      res.status(400).json({ message: 'channelSecret and channelAccessToken are required' });
      return;
    }
    const lineChannelId = req.params.lineChannelId as string;
    const existing = state.channels.get(lineChannelId);
    state.channels.set(lineChannelId, {
      lineChannelId,
      channelSecret,
      channelAccessToken,
      webhookUrl: webhookUrl ?? existing?.webhookUrl,
      defaultRichMenuId: existing?.defaultRichMenuId,
    });
    res.json({ lineChannelId });
  });

  admin.get('/__sim/channels', (_req, res) => {
    res.json({
      channels: [...state.channels.values()].map(({ lineChannelId, webhookUrl, defaultRichMenuId }) => ({
        lineChannelId,
        webhookUrl,
        defaultRichMenuId,
      })),
    });
  });

  admin.get('/__sim/users', (_req, res) => {
    res.json({ users: [...state.users.values()] });
  });

  admin.put('/__sim/users/:userId', (req, res) => {
    const userId = req.params.userId as string;
    if (!/^U[0-9a-f]{32}$/.test(userId)) {
      res.status(400).json({ message: 'userId must be U + 32 hex characters' });
      return;
    }
    const body = req.body as Partial<{
      displayName: string;
      language: string;
      pictureUrl: string;
      statusMessage: string;
      demographics: SimDemographics;
    }>;
    state.users.set(userId, {
      userId,
      displayName: body.displayName ?? userId,
      language: body.language ?? 'en',
      pictureUrl: body.pictureUrl,
      statusMessage: body.statusMessage,
      demographics: body.demographics,
    });
    res.json(state.users.get(userId));
  });

  /**
   * What a user does in LINE, turned into a signed webhook to the bot: `text`, `image` (base64 bytes),
   * `sticker`, `postback` (`data`, and the `displayText` LINE shows in the chat but does not send to the
   * bot), `follow`, `unfollow`. `times` sends the same event again as redeliveries.
   */
  admin.post('/__sim/users/:userId/send', async (req, res) => {
    const userId = req.params.userId as string;
    const body = req.body as {
      channelId?: string;
      type?: string;
      text?: string;
      imageBase64?: string;
      contentType?: string;
      data?: string;
      displayText?: string;
      /** What a date picker adds to its postback (`{ date: 'yyyy-mm-dd' }`). */
      params?: { date?: string; time?: string; datetime?: string };
      times?: number;
      timestamp?: number;
    };
    const channel = state.channels.get(String(body.channelId ?? ''));
    if (!channel || !channel.webhookUrl) {
      res.status(404).json({ message: 'Unknown channel, or no webhook URL set for it' });
      return;
    }
    if (!state.users.has(userId)) {
      res.status(404).json({ message: 'Unknown user' });
      return;
    }
    const friendKey = `${channel.lineChannelId}:${userId}`;
    const timestamp = body.timestamp ?? now();
    const base = {
      webhookEventId: ulidLike(timestamp),
      timestamp,
      mode: 'active',
      source: { type: 'user', userId },
      deliveryContext: { isRedelivery: false },
    };
    let event: Record<string, unknown>;
    switch (body.type) {
      case 'follow':
        state.friends.add(friendKey);
        event = {
          ...base,
          type: 'follow',
          replyToken: issueReplyToken(channel.lineChannelId, userId, timestamp),
          follow: { isUnblocked: false },
        };
        break;
      case 'unfollow':
        state.friends.delete(friendKey);
        event = { ...base, type: 'unfollow' };
        break;
      case 'text':
        if (!body.text) {
          res.status(400).json({ message: 'text is required' });
          return;
        }
        state.friends.add(friendKey);
        event = {
          ...base,
          type: 'message',
          replyToken: issueReplyToken(channel.lineChannelId, userId, timestamp),
          message: { id: newMessageId(), type: 'text', text: body.text, quoteToken: newReplyToken() },
        };
        break;
      case 'image': {
        if (!body.imageBase64) {
          res.status(400).json({ message: 'imageBase64 is required' });
          return;
        }
        state.friends.add(friendKey);
        const messageId = newMessageId();
        state.contents.set(messageId, {
          bytes: Buffer.from(body.imageBase64, 'base64'),
          contentType: body.contentType ?? 'image/jpeg',
          channelId: channel.lineChannelId,
        });
        event = {
          ...base,
          type: 'message',
          replyToken: issueReplyToken(channel.lineChannelId, userId, timestamp),
          message: {
            id: messageId,
            type: 'image',
            contentProvider: { type: 'line' },
            quoteToken: newReplyToken(),
          },
        };
        break;
      }
      case 'sticker':
        state.friends.add(friendKey);
        event = {
          ...base,
          type: 'message',
          replyToken: issueReplyToken(channel.lineChannelId, userId, timestamp),
          message: {
            id: newMessageId(),
            type: 'sticker',
            packageId: '446',
            stickerId: '1988',
            stickerResourceType: 'STATIC',
          },
        };
        break;
      case 'postback':
        if (!body.data || body.data.length > 300) {
          res.status(400).json({ message: 'data is required, at most 300 characters' });
          return;
        }
        event = {
          ...base,
          type: 'postback',
          replyToken: issueReplyToken(channel.lineChannelId, userId, timestamp),
          postback: {
            data: body.data ?? '',
            // A datetimepicker action's postback carries the picked value in `params`, as LINE sends it.
            ...(body.params ? { params: pickedParams(body.params) } : {}),
          },
        };
        break;
      default:
        res.status(400).json({ message: 'type must be text, image, sticker, postback, follow or unfollow' });
        return;
    }
    state.sentEvents.set(String(event.webhookEventId), { channelId: channel.lineChannelId, event });
    // Recorded before delivery: the bot may answer before the webhook call returns.
    record({
      from: 'user',
      channelId: channel.lineChannelId,
      userId,
      event,
      webhookStatus: undefined,
      ...(body.type === 'postback' && body.displayText
        ? { displayText: body.displayText.slice(0, 300) }
        : {}),
    });
    const entry = state.timeline[state.timeline.length - 1] as { webhookStatus?: number };
    const times = Math.max(1, Math.min(20, body.times ?? 1));
    const statuses: number[] = [];
    for (let i = 0; i < times; i++) {
      const delivered = i === 0 ? event : { ...event, deliveryContext: { isRedelivery: true } };
      statuses.push(await deliver(channel, delivered));
    }
    entry.webhookStatus = statuses[0];
    res.json({ webhookEventId: event.webhookEventId, statuses, event });
  });

  /** Sends an event again with isRedelivery: true (LINE's redelivery of an unacknowledged event). */
  admin.post('/__sim/redeliver/:webhookEventId', async (req, res) => {
    const sent = state.sentEvents.get(req.params.webhookEventId as string);
    const channel = sent ? state.channels.get(sent.channelId) : undefined;
    if (!sent || !channel) {
      res.status(404).json({ message: 'Unknown webhookEventId' });
      return;
    }
    const status = await deliver(channel, { ...sent.event, deliveryContext: { isRedelivery: true } });
    res.json({ status });
  });

  admin.get('/__sim/messages', (req, res) => {
    const { channelId, userId, since } = req.query as { channelId?: string; userId?: string; since?: string };
    const after = Number(since ?? 0);
    res.json({
      entries: state.timeline.filter(
        (entry) =>
          entry.seq > after &&
          (!channelId || entry.channelId === channelId) &&
          (!userId || entry.userId === userId),
      ),
    });
  });

  admin.delete('/__sim/messages', (_req, res) => {
    state.timeline.length = 0;
    res.json({});
  });

  admin.post('/__sim/id-tokens', (req, res) => {
    const {
      userId,
      clientId,
      ttlSeconds = 3600,
    } = req.body as { userId?: string; clientId?: string; ttlSeconds?: number };
    const user = userId ? state.users.get(userId) : undefined;
    if (!user || !clientId) {
      res.status(400).json({ message: 'a known userId and clientId are required' });
      return;
    }
    const iat = Math.floor(now() / 1000);
    res.json({
      idToken: mintIdToken(state, {
        sub: user.userId,
        aud: clientId,
        iat,
        exp: iat + ttlSeconds,
        name: user.displayName,
        picture: user.pictureUrl,
      }),
    });
  });

  admin.post('/__sim/faults', (req, res) => {
    const {
      method = 'POST',
      path,
      status,
      count = 1,
      body,
      afterAccept,
      holdAfterAccept,
      delayMs,
    } = req.body as {
      method?: string;
      path?: string;
      status?: number;
      count?: number;
      body?: unknown;
      afterAccept?: boolean;
      holdAfterAccept?: boolean;
      delayMs?: number;
    };
    // A held answer has no status of its own: it is logged with the one LINE accepted it with.
    if (!path || (!status && !holdAfterAccept)) {
      res.status(400).json({ message: 'path and status (or holdAfterAccept) are required' });
      return;
    }
    state.faults.push({
      method,
      path,
      status: status ?? 0,
      remaining: count,
      body,
      afterAccept,
      holdAfterAccept,
      delayMs,
    });
    res.json({});
  });

  /**
   * The next `count` narrowcasts LINE accepts end `failed` (error code 1, "An internal error occurred",
   * unless given): nothing is delivered.
   */
  admin.post('/__sim/narrowcast-failures', (req, res) => {
    const {
      count = 1,
      errorCode = 1,
      failedDescription = 'An internal error occurred',
    } = req.body as { count?: number; errorCode?: number; failedDescription?: string };
    if (!Number.isInteger(count) || count < 1) {
      res.status(400).json({ message: 'count must be a whole number ≥ 1' });
      return;
    }
    state.narrowcastFailures.push({ remaining: count, errorCode, failedDescription });
    res.json({});
  });

  admin.delete('/__sim/faults', (_req, res) => {
    state.faults.length = 0;
    state.narrowcastFailures.length = 0;
    res.json({});
  });

  /** LINE's limits: `requestsPerSecond` (send requests per channel) and `monthlyQuota`; null lifts one. */
  admin.put('/__sim/limits', (req, res) => {
    const body = req.body as { requestsPerSecond?: number | null; monthlyQuota?: number | null };
    for (const key of ['requestsPerSecond', 'monthlyQuota'] as const) {
      const value = body[key];
      if (value === undefined) continue;
      if (value !== null && (!Number.isInteger(value) || value < 0)) {
        res.status(400).json({ message: `${key} must be a whole number ≥ 0, or null` });
        return;
      }
      state.limits[key] = value ?? undefined;
    }
    res.json({ limits: state.limits });
  });

  /** Sets this month's quota usage per channel (a new month: 0). */
  admin.put('/__sim/quota-usage/:lineChannelId', (req, res) => {
    const { totalUsage } = req.body as { totalUsage?: number };
    if (!Number.isInteger(totalUsage) || (totalUsage as number) < 0) {
      res.status(400).json({ message: 'totalUsage must be a whole number ≥ 0' });
      return;
    }
    state.quotaUsed.set(req.params.lineChannelId as string, totalUsage as number);
    res.json({ totalUsage });
  });

  /**
   * How many bot messages (push, multicast, narrowcast, broadcast requests) reached each user of a
   * channel: `total`, `users` (distinct), `duplicated` (users reached more than once) and, with
   * `?detail=1`, the count per user.
   */
  admin.get('/__sim/deliveries', (req, res) => {
    const { channelId, detail } = req.query as { channelId?: string; detail?: string };
    let total = 0;
    let users = 0;
    const duplicated: string[] = [];
    const perUser: Record<string, number> = {};
    for (const [key, count] of state.deliveries) {
      const [channel, userId] = key.split(':') as [string, string];
      if (channelId && channel !== channelId) continue;
      total += count;
      users += 1;
      if (count > 1) duplicated.push(userId);
      if (detail) perUser[userId] = count;
    }
    res.json({ total, users, duplicated, ...(detail ? { perUser } : {}) });
  });

  admin.delete('/__sim/deliveries', (_req, res) => {
    state.deliveries.clear();
    res.json({});
  });

  /** The last send requests as received: `via`, `retryKey`, `body`, `status` (retries resend the same). */
  admin.get('/__sim/send-requests', (req, res) => {
    const { channelId, via } = req.query as { channelId?: string; via?: string };
    res.json({
      requests: state.sendLog.filter(
        (entry) => (!channelId || entry.channelId === channelId) && (!via || entry.via === via),
      ),
    });
  });

  /** Adds many users as friends of a channel at once (bulk set-up for broadcasts and benches). */
  admin.post('/__sim/friends', (req, res) => {
    const { channelId, users } = req.body as {
      channelId?: string;
      users?: { userId: string; displayName?: string; language?: string; demographics?: SimDemographics }[];
    };
    if (!channelId || !state.channels.has(channelId) || !Array.isArray(users)) {
      res.status(400).json({ message: 'a known channelId and users [{ userId }] are required' });
      return;
    }
    for (const user of users) {
      if (!/^U[0-9a-f]{32}$/.test(user.userId ?? '')) {
        res.status(400).json({ message: `userId ${String(user.userId)} must be U + 32 hex characters` });
        return;
      }
    }
    for (const user of users) {
      if (!state.users.has(user.userId))
        state.users.set(user.userId, {
          userId: user.userId,
          displayName: user.displayName ?? user.userId,
          language: user.language ?? 'en',
          pictureUrl: undefined,
          statusMessage: undefined,
        });
      if (user.demographics) state.users.get(user.userId)!.demographics = user.demographics;
      state.friends.add(`${channelId}:${user.userId}`);
    }
    res.json({ added: users.length });
  });

  admin.get('/__sim/richmenus', (_req, res) => {
    res.json({
      richMenus: [...state.richMenus.values()].map((menu) => ({
        richMenuId: menu.richMenuId,
        channelId: menu.channelId,
        definition: menu.definition,
        hasImage: Boolean(menu.image),
        imageBytes: menu.image?.bytes.length ?? 0,
      })),
    });
  });

  app.use(admin);

  app.get(['/', '/dev/chat'], (_req, res) => {
    res.type('html').send(renderChatPage({ simUrl: '' }));
  });

  return app;

  function issueReplyToken(channelId: string, userId: string, issuedAt: number): string {
    const token = newReplyToken();
    state.replyTokens.set(token, { channelId, userId, issuedAt, usedAt: undefined });
    return token;
  }

  async function deliver(channel: SimChannel, event: Record<string, unknown>): Promise<number> {
    const body = JSON.stringify({ destination: `U${'0'.repeat(31)}b`, events: [event] });
    try {
      const result = await sendWebhook({
        url: channel.webhookUrl as string,
        channelSecret: channel.channelSecret,
        body,
      });
      return result.status;
    } catch {
      return 0;
    }
  }
}

let seqCounter = 0;
/** Webhook event ids look like ULIDs (26 chars, time first). */
function ulidLike(timestamp: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let time = timestamp;
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = alphabet[time % 32] + out;
    time = Math.floor(time / 32);
  }
  seqCounter = (seqCounter + 1) % 32 ** 4;
  let counter = seqCounter;
  let tail = '';
  for (let i = 0; i < 4; i++) {
    tail = alphabet[counter % 32] + tail;
    counter = Math.floor(counter / 32);
  }
  for (let i = 0; i < 12; i++) tail += alphabet[Math.floor(Math.random() * 32)];
  return out + tail;
}

function validateMessages(messages: unknown): { message: string; property: string }[] {
  if (!Array.isArray(messages) || messages.length === 0)
    return [{ message: 'must be specified', property: 'messages' }];
  if (messages.length > 5) return [{ message: 'Size must be between 1 and 5', property: 'messages' }];
  const problems: { message: string; property: string }[] = [];
  messages.forEach((message: Record<string, unknown>, index) => {
    if (!message || typeof message !== 'object') {
      problems.push({ message: 'must be an object', property: `messages[${index}]` });
      return;
    }
    if (message.type === 'text') {
      if (typeof message.text !== 'string' || message.text.length === 0 || message.text.length > 5000)
        problems.push({ message: 'Length must be between 1 and 5000', property: `messages[${index}].text` });
    } else if (message.type === 'flex') {
      if (
        typeof message.altText !== 'string' ||
        message.altText.length === 0 ||
        message.altText.length > 1500
      )
        problems.push({
          message: 'Length must be between 1 and 1500',
          property: `messages[${index}].altText`,
        });
      const contents = message.contents as { type?: string } | undefined;
      if (!contents || (contents.type !== 'bubble' && contents.type !== 'carousel'))
        problems.push({ message: 'must be a bubble or a carousel', property: `messages[${index}].contents` });
    } else if (
      !['image', 'sticker', 'template', 'imagemap', 'video', 'audio', 'location'].includes(
        String(message.type),
      )
    ) {
      problems.push({ message: 'Unknown message type', property: `messages[${index}].type` });
    }
    const quickReply = message.quickReply as { items?: unknown[] } | undefined;
    if (quickReply && (!Array.isArray(quickReply.items) || quickReply.items.length > 13))
      problems.push({
        message: 'Size must be between 1 and 13',
        property: `messages[${index}].quickReply.items`,
      });
    else if (quickReply)
      quickReply.items?.forEach((item, itemIndex) =>
        problems.push(
          ...quickReplyItemProblems(item, `messages[${index}].quickReply.items[${itemIndex}].action`),
        ),
      );
  });
  return problems;
}

/** Only the picker's own keys, each in LINE's format; anything else is left out. */
function pickedParams(params: { date?: unknown; time?: unknown; datetime?: unknown }) {
  const picked: Record<string, string> = {};
  if (typeof params.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(params.date)) picked.date = params.date;
  if (typeof params.time === 'string' && /^\d{2}:\d{2}$/.test(params.time)) picked.time = params.time;
  if (typeof params.datetime === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(params.datetime))
    picked.datetime = params.datetime;
  return picked;
}

/**
 * LINE's limits on a quick-reply action: label 1–20 characters, postback data and displayText ≤ 300; a
 * datetimepicker's data ≤ 300, a known mode, and initial/min/max in that mode's format with min ≤ max.
 */
function quickReplyItemProblems(item: unknown, property: string): { message: string; property: string }[] {
  const action = (item as { action?: Record<string, unknown> } | null)?.action;
  if (!action || typeof action !== 'object') return [{ message: 'must be specified', property }];
  const problems: { message: string; property: string }[] = [];
  const length = (value: unknown) => (typeof value === 'string' ? [...value].length : -1);
  const label = length(action.label);
  if (label < 1 || label > 20)
    problems.push({ message: 'Length must be between 1 and 20', property: `${property}.label` });
  if (action.type === 'postback') {
    const data = length(action.data);
    if (data < 1 || data > 300)
      problems.push({ message: 'Length must be between 1 and 300', property: `${property}.data` });
    if (
      action.displayText !== undefined &&
      (length(action.displayText) < 1 || length(action.displayText) > 300)
    )
      problems.push({ message: 'Length must be between 1 and 300', property: `${property}.displayText` });
  }
  if (action.type === 'datetimepicker') {
    const data = length(action.data);
    if (data < 1 || data > 300)
      problems.push({ message: 'Length must be between 1 and 300', property: `${property}.data` });
    const formats: Record<string, RegExp> = {
      date: /^\d{4}-\d{2}-\d{2}$/,
      time: /^\d{2}:\d{2}$/,
      datetime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/,
    };
    const format = formats[String(action.mode)];
    if (!format) problems.push({ message: 'must be date, time or datetime', property: `${property}.mode` });
    for (const key of ['initial', 'min', 'max'] as const) {
      const value = action[key];
      if (value !== undefined && (typeof value !== 'string' || (format && !format.test(value))))
        problems.push({ message: 'invalid format', property: `${property}.${key}` });
    }
    if (typeof action.min === 'string' && typeof action.max === 'string' && action.min > action.max)
      problems.push({ message: 'min must not be after max', property: `${property}.min` });
  }
  return problems;
}

// Read from the source tree (projectRoot), so the built simulator in dist/ finds it too.
const chatPageTemplate = readFileSync(join(projectRoot, 'sim', 'line', 'chat-page.html'), 'utf8');

/** The chat page, pointed at a simulator (`simUrl` empty: the page's own origin). */
/**
 * The chat page. `liffEndpoint` plays the part of the LIFF endpoint URL registered in the LINE console:
 * given one, a `https://liff.line.me/{liffId}/{path}` link the bot sends opens that page (`{path}`, query
 * and fragment kept) with `liffId` and the chat's simulated user signed in, as the LINE app opens a LIFF
 * app for the user it is logged in as.
 */
export function renderChatPage({
  simUrl,
  bootstrapUrl,
  liffEndpoint,
}: {
  simUrl: string;
  bootstrapUrl?: string;
  liffEndpoint?: string;
}): string {
  const config = { simUrl, bootstrapUrl: bootstrapUrl ?? null, liffEndpoint: liffEndpoint ?? null };
  return chatPageTemplate.replace(
    '/*__CHAT_CONFIG__*/',
    `window.CHAT_CONFIG = ${JSON.stringify(config).replace(/</g, '\\u003c')};`,
  );
}

/** Starts the simulator on 127.0.0.1 (port 0: any free port). */
export async function startLineSimulator({
  port = 0,
  now,
}: { port?: number; now?: () => number } = {}): Promise<LineSimulator> {
  const state = createSimulatorState();
  const app = createLineSimulatorApp({ state, now });
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(port, '127.0.0.1');
    // As the bot's server (bot/server.ts): idle connections outlive the clients' (undici's fetch, the
    // bot's LINE client), else a reused connection the server is closing fails with ECONNRESET.
    listening.keepAliveTimeout = 65_000;
    listening.headersTimeout = 66_000;
    listening.once('listening', () => resolve(listening));
    listening.once('error', reject);
  });
  const address = server.address();
  const actualPort = typeof address === 'object' && address ? address.port : port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    state,
    app,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
