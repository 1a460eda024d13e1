import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createLineSdkMessenger, LineApiError } from '../../core/messaging/index.js';
import type { LineSimulator } from '../../sim/line/index.js';
import { startSimChannel, type SimChannelFixture } from './fixtures/sim-channel.js';

const CHANNEL = { lineChannelId: '2200000001', channelAccessToken: 'sim-token' };
const USER = 'U0000000000000000000000000000a003';
const RETRY_KEY = '123e4567-e89b-42d3-a456-426614174000';

/** The simulator answers as LINE does, reached through the same @line/bot-sdk adapter as production. */
describe('LINE simulator', () => {
  let fixture: SimChannelFixture;
  let sim: LineSimulator;
  const messenger = () => fixture.messenger();
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${CHANNEL.channelAccessToken}`,
        ...headers,
      },
      body: JSON.stringify(body),
    });

  beforeAll(async () => {
    fixture = await startSimChannel(CHANNEL);
    sim = fixture.sim;
    sim.state.friends.add(`${CHANNEL.lineChannelId}:${USER}`);
  });
  afterAll(async () => {
    await fixture?.close();
  });

  test('when the access token is wrong, then LINE answers 401 with its message', async () => {
    const attempt = createLineSdkMessenger({ apiBaseUrl: sim.url }).push(
      { lineChannelId: CHANNEL.lineChannelId, channelAccessToken: 'wrong' },
      { to: USER, messages: [{ type: 'text', text: 'hi' }], retryKey: RETRY_KEY },
    );

    const error = await attempt.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(LineApiError);
    expect(error).toMatchObject({ status: 401, retryable: false });
    expect((error as LineApiError).body).toContain('Authentication failed');
  });

  test('when a push is retried with the same X-Line-Retry-Key, then the second gets 409 and one message is delivered', async () => {
    const before = sim.state.timeline.length;

    const first = await post(
      '/v2/bot/message/push',
      { to: USER, messages: [{ type: 'text', text: 'once' }] },
      { 'x-line-retry-key': RETRY_KEY },
    );
    const second = await post(
      '/v2/bot/message/push',
      { to: USER, messages: [{ type: 'text', text: 'once' }] },
      { 'x-line-retry-key': RETRY_KEY },
    );

    expect(first.status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.headers.get('x-line-accepted-request-id')).toBe(first.headers.get('x-line-request-id'));
    expect(sim.state.timeline.length - before).toBe(1);
  });

  test('when the retry key is not a UUID or is sent on a reply, then LINE answers 400', async () => {
    const badKey = await post(
      '/v2/bot/message/push',
      { to: USER, messages: [{ type: 'text', text: 'x' }] },
      { 'x-line-retry-key': 'nope' },
    );
    const onReply = await post(
      '/v2/bot/message/reply',
      { replyToken: 'x', messages: [{ type: 'text', text: 'x' }] },
      { 'x-line-retry-key': RETRY_KEY },
    );

    expect(badKey.status).toBe(400);
    expect(onReply.status).toBe(400);
  });

  test('when a reply token is used twice or is unknown, then the second reply is "Invalid reply token"', async () => {
    const token = 'aaaabbbbccccddddeeeeffff00001111';
    sim.state.replyTokens.set(token, {
      channelId: CHANNEL.lineChannelId,
      userId: USER,
      issuedAt: Date.now(),
      usedAt: undefined,
    });

    const first = await messenger().reply(CHANNEL, {
      replyToken: token,
      messages: [{ type: 'text', text: 'hi' }],
    });
    const second = await messenger().reply(CHANNEL, {
      replyToken: token,
      messages: [{ type: 'text', text: 'hi' }],
    });

    expect(first).toEqual({ status: 'sent' });
    expect(second).toEqual({ status: 'invalid_reply_token' });
  });

  test('when a reply token is older than a minute, then it is refused', async () => {
    const token = 'aaaabbbbccccddddeeeeffff00002222';
    sim.state.replyTokens.set(token, {
      channelId: CHANNEL.lineChannelId,
      userId: USER,
      issuedAt: Date.now() - 61_000,
      usedAt: undefined,
    });

    const result = await messenger().reply(CHANNEL, {
      replyToken: token,
      messages: [{ type: 'text', text: 'late' }],
    });

    expect(result).toEqual({ status: 'invalid_reply_token' });
  });

  test('when messages are malformed, then LINE answers 400 with details', async () => {
    const tooMany = await post('/v2/bot/message/push', {
      to: USER,
      messages: Array(6).fill({ type: 'text', text: 'x' }),
    });
    const flexWithoutAlt = await post('/v2/bot/message/push', {
      to: USER,
      messages: [{ type: 'flex', contents: { type: 'bubble' } }],
    });

    expect(tooMany.status).toBe(400);
    expect(((await flexWithoutAlt.json()) as { details: { property: string }[] }).details[0]?.property).toBe(
      'messages[0].altText',
    );
  });

  test('when the loading animation is asked for, then 5–60 s in steps of 5 are accepted and recorded', async () => {
    await messenger().showLoading(CHANNEL, { chatId: USER, seconds: 12 });
    const invalid = await post('/v2/bot/chat/loading/start', { chatId: USER, loadingSeconds: 7 });

    expect(sim.state.timeline.at(-1)).toMatchObject({ from: 'loading', seconds: 15 });
    expect(invalid.status).toBe(400);
  });

  test('when a profile is asked for, then friends get theirs with language and strangers 404', async () => {
    const profile = await messenger().getProfile(CHANNEL, USER);
    const stranger = await messenger().getProfile(CHANNEL, 'U0000000000000000000000000000a002');

    expect(profile).toMatchObject({ userId: USER, displayName: 'Alice Chen', language: 'en' });
    expect(stranger).toBeUndefined();
  });

  test('when an ID token is verified, then LINE Login answers its claims, or 400 for a wrong audience', async () => {
    const minted = await fetch(`${sim.url}/__sim/id-tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: USER, clientId: '1650000001' }),
    });
    const { idToken } = (await minted.json()) as { idToken: string };
    const verify = (clientId: string) =>
      fetch(`${sim.url}/oauth2/v2.1/verify`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ id_token: idToken, client_id: clientId }),
      });

    const good = await verify('1650000001');
    const wrongAudience = await verify('1650000002');

    expect(good.status).toBe(200);
    expect(await good.json()).toMatchObject({ sub: USER, aud: '1650000001', iss: 'https://access.line.me' });
    expect(wrongAudience.status).toBe(400);
    expect(await wrongAudience.json()).toEqual({
      error: 'invalid_request',
      error_description: 'Invalid IdToken Audience.',
    });
  });

  test('when a rich menu is set as default before its image is uploaded, then LINE refuses it', async () => {
    const created = await post('/v2/bot/richmenu', {
      size: { width: 2500, height: 843 },
      selected: true,
      name: 'menu',
      chatBarText: 'Menu',
      areas: [
        { bounds: { x: 0, y: 0, width: 2500, height: 843 }, action: { type: 'message', text: 'help' } },
      ],
    });
    const { richMenuId } = (await created.json()) as { richMenuId: string };

    const early = await post(`/v2/bot/user/all/richmenu/${richMenuId}`, {});

    expect(early.status).toBe(400);
    expect(await early.json()).toEqual({ message: 'An image has not been uploaded to the richmenu' });
  });
});
