import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { getBroadcastReport } from '../../core/broadcasts/index.js';
import { exitOf, waitUntil } from '../support/child-worker.js';
import type { TestSeed } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { startBroadcastCrashKit, type BroadcastCrashKit } from './fixtures/broadcast-crash-kit.js';
import { demographicsOf, TAIPEI_WOMEN, taipeiWomenAmong } from './fixtures/narrowcast-audience.js';

const BRAND = 'brd_ncc';
const CHANNEL = { lineChannelId: '2600000002', channelAccessToken: 'ncc-token' };
const FRIENDS = 300;
const LEASE_MS = 1_500;
const lineIdOf = (n: number) => `U${(0xe0000 + n).toString(16).padStart(32, '0')}`;
const taipeiWomen = taipeiWomenAmong(FRIENDS).map(lineIdOf);
const TEXT = [{ type: 'text' as const, text: '台北女性會員限定：好茶買一送一' }];

// 200 of the 300 friends are members we know; LINE picks the recipients from all its friends.
const seed = {
  brands: [
    { id: BRAND, slug: 'ncc', name: '好茶', country: 'TW', defaultLocale: 'zh-TW', timezone: 'Asia/Taipei' },
  ],
  lineChannels: [{ id: 'chn_ncc', brandId: BRAND, name: 'tw', channelSecret: 's', ...CHANNEL }],
  members: Array.from({ length: 200 }, (_, i) => ({
    id: `mbr_ncc${String(i).padStart(4, '0')}`,
    brandId: BRAND,
    lineUserId: lineIdOf(i),
    locale: 'zh-TW' as const,
  })),
} satisfies TestSeed;

describe('narrowcast worker crash (SIGKILL between LINE accepting and the worker recording it)', () => {
  let kit: BroadcastCrashKit;

  beforeAll(async () => {
    kit = await startBroadcastCrashKit({
      prefix: 'nc-crash',
      seed,
      channel: CHANNEL,
      friends: Array.from({ length: FRIENDS }, (_, i) => ({
        userId: lineIdOf(i),
        demographics: demographicsOf(i),
      })),
    });
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await kit?.close();
  });

  test(
    'when the worker is SIGKILLed after LINE accepted the narrowcast and before it recorded that, then the next worker gets 409 with the accepted request id, LINE sent it once, and the broadcast ends with its progress',
    async () => {
      // Arrange: the narrowcast's one chunk and its retry key are stored by the web process; LINE will
      // accept the first request and never answer it, so the worker is still waiting when it is killed.
      const id = await kit.createAndStart({ demographic: TAIPEI_WOMEN, messages: TEXT });
      await kit.admin('POST', '/__sim/faults', {
        path: '/v2/bot/message/narrowcast',
        holdAfterAccept: true,
      });
      await kit.store.handOver();
      const env = {
        CRASH_TEST_LEASE_MS: String(LEASE_MS),
        BROADCAST_TEST_NARROWCAST_POLL_MS: '0',
      };

      // Act: the first worker is killed as soon as LINE has accepted its narrowcast …
      const first = kit.startWorker(env);
      const acceptedFirst = await waitUntil(async () => {
        const requests = await kit.sendRequests('narrowcast');
        return requests.length > 0 ? requests : undefined;
      }, HANG_GUARD_MS);
      first.kill('SIGKILL');
      const firstExit = await exitOf(first);
      // (it had not recorded anything: the chunk is still leased to it, with no request id)
      const atKill = await kit.store.reopen();
      const reportAtKill = await getBroadcastReport({ db: atKill.db }, { brandId: BRAND, broadcastId: id });
      await atKill.close();
      // … and a new one takes the chunk over once the lease lapses.
      const secondExit = await exitOf(kit.startWorker(env));

      // Assert: LINE accepted one narrowcast; the retry was a 409 with the same key and body.
      expect(firstExit.signal).toBe('SIGKILL');
      expect(acceptedFirst.map((entry) => entry.status)).toEqual([202]);
      expect(reportAtKill).toMatchObject({
        state: 'sending',
        chunks: [{ state: 'sending', attempts: 1 }],
        narrowcast: { requestId: null },
      });
      expect(secondExit.code).toBe(0);
      const requests = await kit.sendRequests('narrowcast');
      expect(requests.map((entry) => entry.status)).toEqual([202, 409]);
      expect(requests[1]!.retryKey).toBe(requests[0]!.retryKey);
      expect(requests[1]!.body).toEqual(requests[0]!.body);
      const acceptedByLine = [...kit.sim.state.narrowcasts.keys()];
      expect(acceptedByLine).toHaveLength(1);

      // The broadcast followed the request LINE accepted (known only from the 409's
      // x-line-accepted-request-id) to its end, with LINE's counts.
      const reopened = await kit.store.reopen();
      try {
        const done = await getBroadcastReport({ db: reopened.db }, { brandId: BRAND, broadcastId: id });
        expect(done).toMatchObject({
          state: 'sent',
          recipients: taipeiWomen.length,
          sent: taipeiWomen.length,
          failed: 0,
          chunks: [{ state: 'sent', attempts: 2 }],
          narrowcast: {
            requestId: acceptedByLine[0],
            phase: 'succeeded',
            targetCount: taipeiWomen.length,
            successCount: taipeiWomen.length,
            failureCount: 0,
            error: null,
          },
        });
      } finally {
        await reopened.close();
      }
      // Each target reached once, nobody else.
      const reached = await kit.deliveries();
      expect(reached).toMatchObject({ total: taipeiWomen.length, duplicated: [] });
      expect(Object.keys(reached.perUser).sort()).toEqual([...taipeiWomen].sort());
    },
    HANG_GUARD_MS,
  );
});
