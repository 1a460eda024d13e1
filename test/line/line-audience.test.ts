import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { manageAudience, messagingApi } from '@line/bot-sdk';
import { startSimChannel, type SimChannelFixture } from './fixtures/sim-channel.js';

const CHANNEL = { lineChannelId: '2200000031', channelAccessToken: 'sim-audience-token' };
const userIdOf = (i: number) => `U${(0xa0000 + i).toString(16).padStart(32, '0')}`;
const TEXT = [{ type: 'text' as const, text: '會員限定：好茶買一送一' }];

/**
 * The simulator's Audience API ("Create audience for uploading user IDs", add, get, delete; JSON and
 * file) and narrowcasts to `recipient: { type: 'audience' }`, driven by LINE's own SDK clients, so the
 * simulator answers what the real API answers to the same calls.
 */
describe('LINE audiences for uploading user IDs (simulator)', () => {
  let fixture: SimChannelFixture;
  let audiences: manageAudience.ManageAudienceClient;
  let files: manageAudience.ManageAudienceBlobClient;
  let messaging: messagingApi.MessagingApiClient;

  beforeAll(async () => {
    fixture = await startSimChannel(CHANNEL);
    const options = { channelAccessToken: CHANNEL.channelAccessToken, baseURL: fixture.sim.url };
    audiences = new manageAudience.ManageAudienceClient(options);
    files = new manageAudience.ManageAudienceBlobClient(options);
    messaging = new messagingApi.MessagingApiClient(options);
    // 100 friends; users 100–119 exist in LINE but are not friends of the account.
    await fixture.addFriends(Array.from({ length: 100 }, (_, i) => ({ userId: userIdOf(i) })));
  });
  beforeEach(() => fixture.reset());
  afterAll(async () => {
    await fixture?.close();
  });

  /** Narrowcasts, then reads the progress twice (waiting, then done). */
  async function narrowcastTo(recipient: messagingApi.Recipient) {
    const sent = await messaging.narrowcastWithHttpInfo({ messages: TEXT, recipient });
    const requestId = sent.httpResponse.headers.get('x-line-request-id')!;
    await messaging.getNarrowcastProgress(requestId);
    return { status: sent.httpResponse.status, progress: await messaging.getNarrowcastProgress(requestId) };
  }

  test('when an audience is created by JSON, added to and read, then its count and jobs are LINE’s shape', async () => {
    const created = await audiences.createAudienceGroupWithHttpInfo({
      description: 'Tea buyers',
      uploadDescription: 'first upload',
      audiences: Array.from({ length: 60 }, (_, i) => ({ id: userIdOf(i) })),
    });
    expect(created.httpResponse.status).toBe(202);
    expect(created.body).toMatchObject({
      audienceGroupId: expect.any(Number),
      type: 'UPLOAD',
      createRoute: 'MESSAGING_API',
      description: 'Tea buyers',
      permission: 'READ_WRITE',
      isIfaAudience: false,
    });
    const id = created.body.audienceGroupId!;
    const added = await audiences.addAudienceToAudienceGroupWithHttpInfo({
      audienceGroupId: id,
      uploadDescription: 'more',
      // 55–64: five already in, five new.
      audiences: Array.from({ length: 10 }, (_, i) => ({ id: userIdOf(55 + i) })),
    });
    expect(added.httpResponse.status).toBe(202);

    const data = await audiences.getAudienceData(id);
    expect(data.audienceGroup).toMatchObject({ audienceGroupId: id, status: 'READY', audienceCount: 65 });
    expect(data.jobs?.map((job) => [job.description, job.type, job.jobStatus, job.audienceCount])).toEqual([
      ['more', 'DIFF_ADD', 'FINISHED', 10],
      ['first upload', 'DIFF_ADD', 'FINISHED', 60],
    ]);
  });

  test('when an audience is uploaded as a file, then each line is a user ID, and more can be added by file', async () => {
    const lines = (from: number, to: number) =>
      Array.from({ length: to - from }, (_, i) => userIdOf(from + i)).join('\n');
    const created = await files.createAudienceForUploadingUserIds(
      new Blob([lines(0, 30)], { type: 'text/plain' }),
      'From a file',
    );
    const id = created.audienceGroupId!;
    await files.addUserIdsToAudience(new Blob([lines(30, 45)], { type: 'text/plain' }), id, 'second file');
    const data = await audiences.getAudienceData(id);
    expect(data.audienceGroup).toMatchObject({ description: 'From a file', audienceCount: 45 });
  });

  test('when a narrowcast targets an audience, then only its members who are friends get it, once, and the reach is reserved', async () => {
    // 80 uploaded: 0–59 friends, 100–119 not.
    const { audienceGroupId } = await audiences.createAudienceGroup({
      description: 'Sixty friends',
      audiences: [
        ...Array.from({ length: 60 }, (_, i) => i),
        ...Array.from({ length: 20 }, (_, i) => 100 + i),
      ].map((i) => ({ id: userIdOf(i) })),
    });
    await fixture.admin('PUT', '/__sim/limits', { monthlyQuota: 1_000 });
    const { status, progress } = await narrowcastTo({ type: 'audience', audienceGroupId });
    expect(status).toBe(202);
    expect(progress).toMatchObject({ phase: 'succeeded', targetCount: 60, successCount: 60 });
    const reached = await fixture.deliveries({ detail: true });
    expect(reached).toMatchObject({ total: 60, duplicated: [] });
    expect(Object.keys(reached.perUser as object).sort()).toEqual(
      Array.from({ length: 60 }, (_, i) => userIdOf(i)).sort(),
    );
    const quota = await messaging.getMessageQuotaConsumption();
    expect(quota.totalUsage).toBe(60);
  });

  test('when an audience is combined with NOT another, then the difference is targeted; under 50, the narrowcast fails with code 2', async () => {
    const first = await audiences.createAudienceGroup({
      description: 'A',
      audiences: Array.from({ length: 90 }, (_, i) => ({ id: userIdOf(i) })),
    });
    const second = await audiences.createAudienceGroup({
      description: 'B',
      audiences: Array.from({ length: 30 }, (_, i) => ({ id: userIdOf(i) })),
    });
    const difference = await narrowcastTo({
      type: 'operator',
      and: [
        { type: 'audience', audienceGroupId: first.audienceGroupId },
        { type: 'operator', not: { type: 'audience', audienceGroupId: second.audienceGroupId } },
      ],
    } as messagingApi.Recipient);
    expect(difference.progress).toMatchObject({ phase: 'succeeded', targetCount: 60 });

    await fixture.admin('DELETE', '/__sim/deliveries');
    const small = await narrowcastTo({ type: 'audience', audienceGroupId: second.audienceGroupId });
    expect(small.progress).toMatchObject({ phase: 'failed', errorCode: 2, targetCount: 30 });
    expect((await fixture.deliveries()).total).toBe(0);
  });

  test('when the audience is unknown, deleted or the body is wrong, then LINE’s errors come back', async () => {
    const refused = await fetch(`${fixture.sim.url}/v2/bot/message/narrowcast`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CHANNEL.channelAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: TEXT, recipient: { type: 'audience', audienceGroupId: 42 } }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      details: [{ property: 'recipient', message: 'recipient.audienceGroupId: audience group not found' }],
    });

    const { audienceGroupId } = await audiences.createAudienceGroup({ description: 'Gone', audiences: [] });
    await audiences.deleteAudienceGroup(audienceGroupId!);
    await expect(audiences.getAudienceData(audienceGroupId!)).rejects.toMatchObject({ status: 404 });

    const noName = await fetch(`${fixture.sim.url}/v2/bot/audienceGroup/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CHANNEL.channelAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ audiences: [{ id: userIdOf(1) }] }),
    });
    expect(noName.status).toBe(400);
    expect(await noName.json()).toMatchObject({ details: [{ property: 'description' }] });
    const tooMany = await fetch(`${fixture.sim.url}/v2/bot/audienceGroup/upload`, {
      method: 'POST',
      headers: { authorization: `Bearer ${CHANNEL.channelAccessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        description: 'x',
        audiences: Array.from({ length: 10_001 }, (_, i) => ({ id: `U${i}` })),
      }),
    });
    expect(tooMany.status).toBe(400);
  });

  test('when a fault is injected on the audience upload, then the SDK sees LINE’s 500 and nothing is created', async () => {
    await fixture.admin('POST', '/__sim/faults', {
      method: 'POST',
      path: '/v2/bot/audienceGroup/upload',
      status: 500,
    });
    await expect(
      audiences.createAudienceGroup({ description: 'Fails', audiences: [{ id: userIdOf(1) }] }),
    ).rejects.toMatchObject({ status: 500 });
    expect([...fixture.sim.state.audiences.values()].some((a) => a.description === 'Fails')).toBe(false);
  });
});
