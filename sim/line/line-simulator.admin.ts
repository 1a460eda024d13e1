import express, { type RequestHandler, type Router } from 'express';
import {
  mintIdToken,
  newMessageId,
  newReplyToken,
  type NewSimTimelineEntry,
  type SimChannel,
  type SimulatorState,
} from './line-simulator.state.js';
import { sendWebhook } from './webhook-sender.js';
import type { SimDemographics } from './line-simulator.narrowcast.js';

/**
 * The simulator's admin API (`/__sim/…`): channels and users, what a user does in LINE sent to the bot
 * as a signed webhook (and redelivered), the timeline and send log, ID tokens, injected faults, limits
 * and quota usage, deliveries per user, rich menus.
 */
export function createSimulatorAdminRouter({
  state,
  now,
  json,
  record,
}: {
  state: SimulatorState;
  now: () => number;
  json: RequestHandler;
  record: (entry: NewSimTimelineEntry) => void;
}): Router {
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
   * `sticker`, `location` (`latitude`, `longitude`, optional `title` and `address`, as LINE's location message
   * carries them), `postback` (`data`, and the `displayText` LINE shows in the chat but does not send to the
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
      latitude?: number;
      longitude?: number;
      title?: string;
      address?: string;
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
    // A message the user sends: LINE gives it a reply token.
    const messageEvent = (message: Record<string, unknown>) => ({
      ...base,
      type: 'message',
      replyToken: issueReplyToken(channel.lineChannelId, userId, timestamp),
      message,
    });
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
        event = messageEvent({
          id: newMessageId(),
          type: 'text',
          text: body.text,
          quoteToken: newReplyToken(),
        });
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
        event = messageEvent({
          id: messageId,
          type: 'image',
          contentProvider: { type: 'line' },
          quoteToken: newReplyToken(),
        });
        break;
      }
      case 'sticker':
        state.friends.add(friendKey);
        event = messageEvent({
          id: newMessageId(),
          type: 'sticker',
          packageId: '446',
          stickerId: '1988',
          stickerResourceType: 'STATIC',
        });
        break;
      case 'location': {
        const problem = locationProblem(body);
        if (problem) {
          res.status(400).json({ message: problem });
          return;
        }
        state.friends.add(friendKey);
        event = messageEvent({
          id: newMessageId(),
          type: 'location',
          ...(body.title !== undefined ? { title: body.title } : {}),
          ...(body.address !== undefined ? { address: body.address } : {}),
          latitude: body.latitude,
          longitude: body.longitude,
        });
        break;
      }
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
        res
          .status(400)
          .json({ message: 'type must be text, image, sticker, location, postback, follow or unfollow' });
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

  return admin;

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

/** Only the picker's own keys, each in LINE's format; anything else is left out. */
function pickedParams(params: { date?: unknown; time?: unknown; datetime?: unknown }) {
  const picked: Record<string, string> = {};
  if (typeof params.date === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(params.date)) picked.date = params.date;
  if (typeof params.time === 'string' && /^\d{2}:\d{2}$/.test(params.time)) picked.time = params.time;
  if (typeof params.datetime === 'string' && /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(params.datetime))
    picked.datetime = params.datetime;
  return picked;
}

/** What is wrong with a location the user shares (a place on the map: degrees in range, text fields strings). */
function locationProblem(body: {
  latitude?: unknown;
  longitude?: unknown;
  title?: unknown;
  address?: unknown;
}) {
  const degrees = (value: unknown, limit: number) =>
    typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= limit;
  if (!degrees(body.latitude, 90) || !degrees(body.longitude, 180))
    return 'latitude (-90 to 90) and longitude (-180 to 180) are required numbers';
  if (
    (body.title !== undefined && typeof body.title !== 'string') ||
    (body.address !== undefined && typeof body.address !== 'string')
  )
    return 'title and address, when given, are strings';
  return undefined;
}
