import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { createBroadcast, startBroadcast } from '../../core/broadcasts/index.js';
import { createDatabase, queryRows, type DatabaseHandle } from '../../core/db/database.js';
import { createLineSdkMessenger } from '../../core/messaging/index.js';
import { systemClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { projectRoot } from '../../core/shared/paths.js';
import { startLineSimulator, type LineSimulator } from '../../sim/line/index.js';
import {
  createPgliteDataDir,
  createTestDatabase,
  seedDatabase,
  type TestDatabase,
  type TestSeed,
} from '../support/database.js';
import { exitOf, startChild, waitUntil } from '../support/child-worker.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const BRAND = 'brd_bck';
const CHANNEL = { lineChannelId: '2600000001', channelAccessToken: 'bck-token' };
/** zh-TW members get a personal message ({displayName}: one request each); English ones share chunks. */
const PERSONAL = 240;
const SHARED = 1_100;
const LEASE_MS = 1_500;
const lineIdOf = (n: number) => `U${(0xc0000 + n).toString(16).padStart(32, '0')}`;

const seed: TestSeed = {
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
};

describe('broadcast worker crash (SIGKILL mid-send)', () => {
  let sim: LineSimulator;
  let database: TestDatabase | DatabaseHandle;
  let childEnv: Record<string, string>;
  let pgliteDir: string | undefined;
  let closed = false;

  beforeAll(async () => {
    // The worker runs in child processes: a database of its own on the server, or a PGlite data
    // directory the processes take turns on (PGlite serves one process at a time).
    if (process.env.TEST_DATABASE_URL) {
      database = await createTestDatabase();
      childEnv = { DATABASE_URL: (database as TestDatabase).url as string };
    } else {
      pgliteDir = mkdtempSync(join(tmpdir(), 'proofline-bc-crash-'));
      await createPgliteDataDir(pgliteDir);
      database = await createDatabase({ pgliteDataDir: pgliteDir });
      childEnv = { PGLITE_DATA_DIR: pgliteDir };
    }
    await seedDatabase(database.db, seed);
    sim = await startLineSimulator();
    sim.state.channels.set(CHANNEL.lineChannelId, {
      ...CHANNEL,
      channelSecret: 's',
      webhookUrl: undefined,
      defaultRichMenuId: undefined,
    });
    await fetch(`${sim.url}/__sim/friends`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        channelId: CHANNEL.lineChannelId,
        users: seed.members!.map((member) => ({ userId: member.lineUserId })),
      }),
    });
  }, HANG_GUARD_MS);

  afterAll(async () => {
    await sim?.close();
    if (!closed) await database?.close();
    if (pgliteDir) rmSync(pgliteDir, { recursive: true, force: true });
  });

  test(
    'when the worker is killed with SIGKILL mid-broadcast, then a new one finishes it and LINE delivered each member exactly once',
    async () => {
      // Arrange: the broadcast is frozen into its chunks (each with its retry key) by the web process.
      const deps = {
        db: database.db,
        clock: systemClock,
        generateId: createIdGenerator(),
        messenger: createLineSdkMessenger({ apiBaseUrl: sim.url, sendTimeoutMs: HANG_GUARD_MS }),
      };
      const actor = { userId: 'crash-test' };
      const { id } = await createBroadcast(deps, {
        brandId: BRAND,
        actor,
        input: {
          condition: { type: 'all' },
          messages: [{ type: 'text', text: 'Double points this week' }],
          languages: { 'zh-TW': [{ type: 'text', text: '{displayName}，本週點數加倍' }] },
          holdoutPercent: 0,
          trackLinks: false,
          ignoreQuietHours: true,
        },
      });
      expect(await startBroadcast(deps, { brandId: BRAND, broadcastId: id, actor })).toMatchObject({
        state: 'sending',
      });
      if (pgliteDir) {
        await database.close();
        closed = true;
      }
      const env = {
        ...process.env,
        ...childEnv,
        LINE_API_BASE_URL: sim.url,
        LINE_DATA_API_BASE_URL: sim.url,
        LOG_LEVEL: 'silent',
        DEMO_SEED: 'false',
        CRASH_TEST_LEASE_MS: String(LEASE_MS),
        BROADCAST_TEST_RPS: '40',
      };
      const script = join(projectRoot, 'test', 'broadcasts', 'fixtures', 'broadcast-worker-child.ts');
      const delivered = async () =>
        ((await fetch(`${sim.url}/__sim/deliveries`).then((r) => r.json())) as { total: number }).total;

      // Act: the first worker is killed once part of the broadcast is out …
      const first = startChild(script, env);
      const beforeKill = await waitUntil(async () => {
        const total = await delivered();
        return total >= 60 ? total : undefined;
      }, HANG_GUARD_MS);
      first.kill('SIGKILL');
      const firstExit = await exitOf(first);
      const atKill = await delivered();
      // … and a new one takes over what was left, including the chunks its predecessor had leased.
      const second = startChild(script, env);
      const secondExit = await exitOf(second);

      // Assert: killed mid-way, then every member reached exactly once at LINE.
      expect(firstExit.signal).toBe('SIGKILL');
      expect(beforeKill).toBeLessThan(PERSONAL + SHARED);
      expect(atKill).toBeLessThan(PERSONAL + SHARED);
      expect(secondExit.code).toBe(0);
      const deliveries = (await fetch(`${sim.url}/__sim/deliveries?detail=1`).then((r) => r.json())) as {
        total: number;
        users: number;
        duplicated: string[];
        perUser: Record<string, number>;
      };
      expect(deliveries.duplicated).toEqual([]);
      expect(deliveries.users).toBe(PERSONAL + SHARED);
      expect(deliveries.total).toBe(PERSONAL + SHARED);
      expect(Object.keys(deliveries.perUser).sort()).toEqual(seed.members!.map((m) => m.lineUserId).sort());
      // Every accepted request had its own retry key: none was accepted twice.
      const { requests } = (await fetch(`${sim.url}/__sim/send-requests?via=multicast`).then((r) =>
        r.json(),
      )) as { requests: { retryKey: string; status: number }[] };
      const accepted = requests.filter((entry) => entry.status === 200).map((entry) => entry.retryKey);
      expect(new Set(accepted).size).toBe(accepted.length);
      expect(accepted).toHaveLength(PERSONAL + Math.ceil(SHARED / 500));

      const reopened = process.env.TEST_DATABASE_URL
        ? await createDatabase({ url: childEnv.DATABASE_URL })
        : await createDatabase({ pgliteDataDir: pgliteDir });
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
