import type { Server } from 'node:http';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import {
  createSimulatorState,
  DEFAULT_SIM_USERS,
  newMessageId,
  newReplyToken,
  newRequestId,
  readIdToken,
  SIM_SEND_LOG_MAX,
  type SimChannel,
  type SimFault,
  type SimSendRequest,
  type NewSimTimelineEntry,
  type SimTimelineEntry,
  type SimulatorState,
} from './line-simulator.state.js';
import { createSimulatorAdminRouter } from './line-simulator.admin.js';
import { validateMessages } from './line-simulator.validation.js';
import { addAudienceRoutes } from './line-simulator.audience.js';
import { addNarrowcastRoutes } from './line-simulator.narrowcast.js';
import { addRichMenuRoutes } from './line-simulator.richmenu.js';
import { renderChatPage } from './chat-page.js';

export { renderChatPage } from './chat-page.js';

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

  const record = (entry: NewSimTimelineEntry) => {
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

  addAudienceRoutes(api, { state, now, authenticate });

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

  addRichMenuRoutes(app, api, { state, authenticate });

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

  app.use(createSimulatorAdminRouter({ state, now, json, record }));

  app.get(['/', '/dev/chat'], (_req, res) => {
    res.type('html').send(renderChatPage({ simUrl: '' }));
  });

  return app;
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
