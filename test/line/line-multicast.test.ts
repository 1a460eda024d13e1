import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { LineApiError } from '../../core/messaging/index.js';
import type { LineSimulator } from '../../sim/line/index.js';
import { startSimChannel, type SimChannelFixture } from './fixtures/sim-channel.js';

const CHANNEL = { lineChannelId: '2200000009', channelAccessToken: 'sim-multicast-token' };
const userIdOf = (i: number) => `U${(0xb0000 + i).toString(16).padStart(32, '0')}`;
const RETRY_KEY = '223e4567-e89b-42d3-a456-426614174001';
const TEXT = [{ type: 'text', text: 'Tea week: double points' }];

/** Multicast and quota through the production adapter, against the simulator's LINE behaviour. */
describe('LINE multicast and quota (adapter ↔ simulator)', () => {
  let fixture: SimChannelFixture;
  let sim: LineSimulator;
  const messenger = (sendTimeoutMs?: number) => fixture.messenger(sendTimeoutMs);
  const admin = (method: string, path: string, body?: unknown) => fixture.admin(method, path, body);

  beforeAll(async () => {
    fixture = await startSimChannel(CHANNEL);
    sim = fixture.sim;
    await fixture.addFriends(Array.from({ length: 600 }, (_, i) => ({ userId: userIdOf(i) })));
  });
  beforeEach(() => fixture.reset());
  afterAll(async () => {
    await fixture?.close();
  });

  test('when 500 users are multicast with a retry key, then each is reached once and the key is on the request', async () => {
    const to = Array.from({ length: 500 }, (_, i) => userIdOf(i));
    const result = await messenger().multicast(CHANNEL, { to, messages: TEXT, retryKey: RETRY_KEY });

    expect(result.status).toBe('sent');
    const deliveries = await admin('GET', `/__sim/deliveries?channelId=${CHANNEL.lineChannelId}`);
    expect(deliveries).toMatchObject({ total: 500, users: 500, duplicated: [] });
    const { requests } = (await admin('GET', '/__sim/send-requests?via=multicast')) as {
      requests: { retryKey: string; body: unknown }[];
    };
    expect(requests.at(-1)).toMatchObject({ retryKey: RETRY_KEY, body: { to, messages: TEXT } });
  });

  test('when the same retry key comes again, then LINE answers 409 and the adapter reports already accepted', async () => {
    const key = '323e4567-e89b-42d3-a456-426614174002';
    const to = [userIdOf(1)];
    await messenger().multicast(CHANNEL, { to, messages: TEXT, retryKey: key });
    const again = await messenger().multicast(CHANNEL, { to, messages: TEXT, retryKey: key });

    expect(again.status).toBe('already_accepted');
    expect(again.status === 'already_accepted' && again.acceptedRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await admin('GET', `/__sim/deliveries?channelId=${CHANNEL.lineChannelId}`)).toMatchObject({
      total: 1,
    });
  });

  test('when more than 500 ids or more than 5 messages are given, then the adapter refuses before calling LINE', async () => {
    const to = Array.from({ length: 501 }, (_, i) => userIdOf(i));
    await expect(messenger().multicast(CHANNEL, { to, messages: TEXT, retryKey: RETRY_KEY })).rejects.toThrow(
      RangeError,
    );
    const six = Array.from({ length: 6 }, () => TEXT[0]!);
    await expect(
      messenger().multicast(CHANNEL, { to: [userIdOf(0)], messages: six, retryKey: RETRY_KEY }),
    ).rejects.toThrow(RangeError);
  });

  test('when LINE answers 500 after accepting, then a retry with the same key is a 409 and no one is reached twice', async () => {
    const key = '423e4567-e89b-42d3-a456-426614174003';
    const to = [userIdOf(10), userIdOf(11)];
    await admin('POST', '/__sim/faults', {
      path: '/v2/bot/message/multicast',
      status: 500,
      afterAccept: true,
    });

    const first = await messenger()
      .multicast(CHANNEL, { to, messages: TEXT, retryKey: key })
      .catch((error: unknown) => error);
    const second = await messenger().multicast(CHANNEL, { to, messages: TEXT, retryKey: key });

    expect(first).toBeInstanceOf(LineApiError);
    expect(first).toMatchObject({ status: 500, retryable: true });
    expect(second.status).toBe('already_accepted');
    expect(await admin('GET', `/__sim/deliveries?channelId=${CHANNEL.lineChannelId}`)).toMatchObject({
      total: 2,
      duplicated: [],
    });
  });

  test('when LINE is slower than the time-out, then the adapter fails with a retryable error without status', async () => {
    await admin('POST', '/__sim/faults', { path: '/v2/bot/message/multicast', status: 500, delayMs: 800 });
    const error = await messenger(300)
      .multicast(CHANNEL, {
        to: [userIdOf(20)],
        messages: TEXT,
        retryKey: '523e4567-e89b-42d3-a456-426614174004',
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: undefined, retryable: true });
  });

  test('when the rate limit is hit, then LINE answers 429 "rate" and the request is not accepted', async () => {
    await admin('PUT', '/__sim/limits', { requestsPerSecond: 1 });
    const key = '623e4567-e89b-42d3-a456-426614174005';
    await messenger().multicast(CHANNEL, {
      to: [userIdOf(30)],
      messages: TEXT,
      retryKey: '723e4567-e89b-42d3-a456-426614174006',
    });
    const error = await messenger()
      .multicast(CHANNEL, { to: [userIdOf(31)], messages: TEXT, retryKey: key })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ status: 429, limit: 'rate', retryable: true });
    expect(sim.state.retryKeys.has(`${CHANNEL.lineChannelId}:${key}`)).toBe(false);
  });

  test('when the month quota cannot cover the recipients, then LINE answers 429 "quota" and the quota endpoints tell why', async () => {
    await admin('PUT', '/__sim/limits', { monthlyQuota: 100 });
    await admin('PUT', `/__sim/quota-usage/${CHANNEL.lineChannelId}`, { totalUsage: 90 });

    expect(await messenger().getMessageQuota(CHANNEL)).toEqual({ limit: 100, used: 90 });
    const error = await messenger()
      .multicast(CHANNEL, {
        to: Array.from({ length: 11 }, (_, i) => userIdOf(40 + i)),
        messages: TEXT,
        retryKey: '823e4567-e89b-42d3-a456-426614174007',
      })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 429, limit: 'quota' });

    await admin('PUT', '/__sim/limits', { monthlyQuota: null });
    expect(await messenger().getMessageQuota(CHANNEL)).toEqual({ limit: undefined, used: 90 });
  });
});
