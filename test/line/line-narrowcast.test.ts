import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { isLineApiError } from '../../core/messaging/index.js';
import { startSimChannel, type SimChannelFixture } from './fixtures/sim-channel.js';
import { matchesDemographic } from '../../sim/line/line-simulator.narrowcast.js';

const CHANNEL = { lineChannelId: '2200000011', channelAccessToken: 'sim-narrowcast-token' };
const userIdOf = (i: number) => `U${(0xc0000 + i).toString(16).padStart(32, '0')}`;
const TEXT = [{ type: 'text', text: '台北女性會員限定：好茶買一送一' }];
/** Women aged 20–39 in Taipei City (LINE's area tw_01). */
const TAIPEI_WOMEN_20_39 = {
  type: 'operator',
  and: [
    { type: 'gender', oneOf: ['female'] },
    { type: 'age', gte: 'age_20', lt: 'age_40' },
    { type: 'area', oneOf: ['tw_01'] },
  ],
};
let keyNo = 0;
const retryKey = () => `423e4567-e89b-42d3-a456-${String(426614174000 + (keyNo += 1)).padStart(12, '0')}`;

/** Narrowcast with LINE's demographic filters through the production adapter, against the simulator. */
describe('LINE narrowcast (adapter ↔ simulator)', () => {
  let fixture: SimChannelFixture;
  const messenger = (sendTimeoutMs?: number) => fixture.messenger(sendTimeoutMs);
  const admin = (method: string, path: string, body?: unknown) => fixture.admin(method, path, body);
  const deliveries = () => fixture.deliveries({ detail: true });

  beforeAll(async () => {
    fixture = await startSimChannel(CHANNEL);
    // 400 friends: even ones women, odd ones men; ages 18–57; every third in Kaohsiung (tw_06), else Taipei.
    await fixture.addFriends(
      Array.from({ length: 400 }, (_, i) => ({
        userId: userIdOf(i),
        demographics: {
          gender: i % 2 === 0 ? 'female' : 'male',
          age: 18 + (i % 40),
          area: i % 3 === 0 ? 'tw_06' : 'tw_01',
          appType: i % 4 === 0 ? 'ios' : 'android',
          friendDays: i,
        },
      })),
    );
  });
  beforeEach(() => fixture.reset());
  afterAll(async () => {
    await fixture?.close();
  });

  const expectedTargets = Array.from({ length: 400 }, (_, i) => i).filter(
    (i) => i % 2 === 0 && 18 + (i % 40) >= 20 && 18 + (i % 40) < 40 && i % 3 !== 0,
  );

  test('when a demographic narrowcast is sent, then 202, the progress goes waiting → succeeded, and only the targets are reached once', async () => {
    const sent = await messenger().narrowcast(CHANNEL, {
      messages: TEXT,
      demographic: TAIPEI_WOMEN_20_39,
      retryKey: retryKey(),
    });
    expect(sent.status).toBe('accepted');
    const requestId = sent.status === 'accepted' ? sent.requestId! : '';

    const first = await messenger().getNarrowcastProgress(CHANNEL, requestId);
    expect(first.phase).toBe('waiting');
    expect((await deliveries()).total).toBe(0);
    const done = await messenger().getNarrowcastProgress(CHANNEL, requestId);
    expect(done).toMatchObject({
      phase: 'succeeded',
      targetCount: expectedTargets.length,
      successCount: expectedTargets.length,
    });
    const reached = await deliveries();
    expect(reached).toMatchObject({ total: expectedTargets.length, duplicated: [] });
    expect(Object.keys(reached.perUser as object).sort()).toEqual(expectedTargets.map(userIdOf).sort());
  });

  test('when LINE loses the answer after accepting, then the retry with the same key is a 409 and no one is reached twice', async () => {
    const key = retryKey();
    await admin('POST', '/__sim/faults', {
      path: '/v2/bot/message/narrowcast',
      status: 500,
      afterAccept: true,
    });
    const lost = await messenger()
      .narrowcast(CHANNEL, { messages: TEXT, demographic: TAIPEI_WOMEN_20_39, retryKey: key })
      .catch((error: unknown) => error);
    expect(isLineApiError(lost) && lost.retryable).toBe(true);

    const again = await messenger().narrowcast(CHANNEL, {
      messages: TEXT,
      demographic: TAIPEI_WOMEN_20_39,
      retryKey: key,
    });
    expect(again.status).toBe('already_accepted');
    const requestId = again.status === 'already_accepted' ? again.acceptedRequestId! : '';
    await messenger().getNarrowcastProgress(CHANNEL, requestId);
    expect((await messenger().getNarrowcastProgress(CHANNEL, requestId)).phase).toBe('succeeded');
    expect(await deliveries()).toMatchObject({ total: expectedTargets.length, duplicated: [] });
  });

  test('when the target is under 50, or LINE is told to fail, then the progress ends failed and nobody is reached', async () => {
    const few = await messenger().narrowcast(CHANNEL, {
      messages: TEXT,
      demographic: { type: 'subscriptionPeriod', lt: 'day_30' },
      retryKey: retryKey(),
    });
    const fewId = few.status === 'accepted' ? few.requestId! : '';
    await messenger().getNarrowcastProgress(CHANNEL, fewId);
    expect(await messenger().getNarrowcastProgress(CHANNEL, fewId)).toMatchObject({
      phase: 'failed',
      errorCode: 2,
      targetCount: 30,
    });

    await admin('POST', '/__sim/narrowcast-failures', { count: 1 });
    const failing = await messenger().narrowcast(CHANNEL, {
      messages: TEXT,
      demographic: TAIPEI_WOMEN_20_39,
      retryKey: retryKey(),
    });
    const failingId = failing.status === 'accepted' ? failing.requestId! : '';
    await messenger().getNarrowcastProgress(CHANNEL, failingId);
    expect(await messenger().getNarrowcastProgress(CHANNEL, failingId)).toMatchObject({
      phase: 'failed',
      errorCode: 1,
      failedDescription: 'An internal error occurred',
    });
    expect((await deliveries()).total).toBe(0);
  });

  test("when the month's quota cannot cover the whole target reach, then LINE answers 429 quota and accepts nothing", async () => {
    await admin('PUT', '/__sim/limits', { monthlyQuota: expectedTargets.length - 1 });
    const refused = await messenger()
      .narrowcast(CHANNEL, { messages: TEXT, demographic: TAIPEI_WOMEN_20_39, retryKey: retryKey() })
      .catch((error: unknown) => error);

    expect(isLineApiError(refused) && refused.limit).toBe('quota');
    expect((await deliveries()).total).toBe(0);
  });

  test('when the filter is not one LINE defines, then 400 names it', async () => {
    const refused = await messenger()
      .narrowcast(CHANNEL, {
        messages: TEXT,
        demographic: { type: 'age', gte: 'age_21' },
        retryKey: retryKey(),
      })
      .catch((error: unknown) => error);
    expect(isLineApiError(refused) && refused.status).toBe(400);
  });

  test.each([
    [{ type: 'appType', oneOf: ['ios'] }, { appType: 'ios' as const }, true],
    [{ type: 'age', gte: 'age_20', lt: 'age_25' }, { age: 25 }, false],
    [{ type: 'operator', not: { type: 'gender', oneOf: ['male'] } }, { gender: 'female' as const }, true],
    [{ type: 'operator', or: [{ type: 'area', oneOf: ['th_01'] }] }, { area: 'tw_01' }, false],
    [{ type: 'gender', oneOf: ['female'] }, undefined, false],
  ])('when %j meets %j, then it is a target: %s', (filter, user, expected) => {
    expect(matchesDemographic(filter, user)).toBe(expected);
  });
});
