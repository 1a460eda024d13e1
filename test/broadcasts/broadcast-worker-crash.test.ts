import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { exitOf, waitUntil } from '../support/child-worker.js';
import type { TestSeed } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { startBroadcastCrashKit, type BroadcastCrashKit } from './fixtures/broadcast-crash-kit.js';

const BRAND = 'brd_bck';
const CHANNEL = { lineChannelId: '2600000001', channelAccessToken: 'bck-token' };
/** zh-TW members get a personal message ({displayName}: one request each); English ones share chunks. */
const PERSONAL = 240;
const SHARED = 1_100;
const LEASE_MS = 1_500;
const lineIdOf = (n: number) => `U${(0xc0000 + n).toString(16).padStart(32, '0')}`;

const seed = {
  brands: [
    { id: BRAND, slug: 'bck', name: '好茶', country: 'TW', defaultLocale: 'zh-TW', timezone: 'Asia/Taipei' },
  ],
  lineChannels: [{ id: 'chn_bck', brandId: BRAND, name: 'tw', channelSecret: 's', ...CHANNEL }],
  members: Array.from({ length: PERSONAL + SHARED }, (_, i) => ({
    id: `mbr_bck${String(i + 1).padStart(5, '0')}`,
    brandId: BRAND,
    lineUserId: lineIdOf(i + 1),
    locale: i < PERSONAL ? ('zh-TW' as const) : ('en' as const),
    displayName: `會員${i + 1}`,
  })),
} satisfies TestSeed;

describe('broadcast worker crash (SIGKILL mid-send)', () => {
  let kit: BroadcastCrashKit;

  beforeAll(async () => {
    kit = await startBroadcastCrashKit({
      prefix: 'bc-crash',
      seed,
      channel: CHANNEL,
      friends: seed.members.map((member) => ({ userId: member.lineUserId })),
    });
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await kit?.close();
  });

  test(
    'when the worker is killed with SIGKILL mid-broadcast, then a new one finishes it and LINE delivered each member exactly once',
    async () => {
      // Arrange: the broadcast is frozen into its chunks (each with its retry key) by the web process.
      const id = await kit.createAndStart({
        condition: { type: 'all' },
        messages: [{ type: 'text', text: 'Double points this week' }],
        languages: { 'zh-TW': [{ type: 'text', text: '{displayName}，本週點數加倍' }] },
      });
      await kit.store.handOver();
      const env = { CRASH_TEST_LEASE_MS: String(LEASE_MS), BROADCAST_TEST_RPS: '40' };
      const delivered = async () => (await kit.deliveries()).total;

      // Act: the first worker is killed once part of the broadcast is out …
      const first = kit.startWorker(env);
      const beforeKill = await waitUntil(async () => {
        const total = await delivered();
        return total >= 60 ? total : undefined;
      }, HANG_GUARD_MS);
      first.kill('SIGKILL');
      const firstExit = await exitOf(first);
      const atKill = await delivered();
      // … and a new one takes over what was left, including the chunks its predecessor had leased.
      const secondExit = await exitOf(kit.startWorker(env));

      // Assert: killed mid-way, then every member reached exactly once at LINE.
      expect(firstExit.signal).toBe('SIGKILL');
      expect(beforeKill).toBeLessThan(PERSONAL + SHARED);
      expect(atKill).toBeLessThan(PERSONAL + SHARED);
      expect(secondExit.code).toBe(0);
      const deliveries = await kit.deliveries();
      expect(deliveries.duplicated).toEqual([]);
      expect(deliveries.users).toBe(PERSONAL + SHARED);
      expect(deliveries.total).toBe(PERSONAL + SHARED);
      expect(Object.keys(deliveries.perUser).sort()).toEqual(seed.members.map((m) => m.lineUserId).sort());
      // Every accepted request had its own retry key: none was accepted twice.
      const accepted = (await kit.sendRequests('multicast'))
        .filter((entry) => entry.status === 200)
        .map((entry) => entry.retryKey);
      expect(new Set(accepted).size).toBe(accepted.length);
      expect(accepted).toHaveLength(PERSONAL + Math.ceil(SHARED / 500));

      const reopened = await kit.store.reopen();
      try {
        const [counts] = await queryRows<Record<string, number | string>>(
          reopened.db,
          sql`select (select state from broadcasts where id = ${id}) as state,
                   (select count(*)::int from broadcast_chunks where broadcast_id = ${id} and state = 'sent') as chunks,
                   (select count(*)::int from broadcast_recipients where broadcast_id = ${id} and status = 'sent') as sent`,
        );
        expect(counts).toEqual({ state: 'sent', chunks: accepted.length, sent: PERSONAL + SHARED });
      } finally {
        await reopened.close();
      }
    },
    HANG_GUARD_MS,
  );
});
