import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { asc } from 'drizzle-orm';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { createWebhookModule } from '../../bot/webhook/index.js';
import { createDatabase } from '../../core/db/database.js';
import { webhookEvents } from '../../core/events/index.js';
import { createSequentialIdGenerator } from '../../core/shared/ids.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { signWebhookBody } from '../../sim/line/index.js';
import { runCli } from '../support/cli.js';
import { createPgliteDataDir, seedDatabase } from '../support/database.js';
import { buildTestServices, type TestServices } from '../support/services.js';

const BRAND = {
  id: 'brd_nul',
  slug: 'nul-brand',
  name: 'Nul',
  country: 'TW' as const,
  defaultLocale: 'zh-TW' as const,
  timezone: 'Asia/Taipei',
};
const CHANNEL = {
  id: 'chn_nul',
  brandId: BRAND.id,
  lineChannelId: '2000000777',
  name: 'Nul channel',
  channelSecret: 'nul-secret',
  channelAccessToken: 'token',
};
const USER = 'U00000000000000000000000000000b01';
const NOW = Date.parse('2026-12-01T00:00:00Z');

function textEvent(webhookEventId: string, text: string, timestamp = NOW) {
  return {
    type: 'message',
    webhookEventId,
    timestamp,
    mode: 'active',
    replyToken: `rt-${webhookEventId}`,
    source: { type: 'user', userId: USER },
    deliveryContext: { isRedelivery: false },
    message: { id: `m-${webhookEventId}`, type: 'text', text },
  };
}

/** The hostile delivery: two good events around three that break storage. */
function hostileDelivery(prefix: string): string {
  return JSON.stringify({
    destination: 'U00000000000000000000000000000000',
    events: [
      textEvent(`${prefix}GOOD1`, 'hello'),
      textEvent(`${prefix}NUL`, 'a\u0000b'),
      textEvent(`${prefix}SURROGATE`, 'x\ud800y'),
      textEvent(`${prefix}FARTIME`, 'late', Number.MAX_SAFE_INTEGER),
      textEvent(`${prefix}GOOD2`, 'bye'),
    ],
  });
}

function post(app: Parameters<typeof request>[0], body: string) {
  return request(app)
    .post(`/webhook/${CHANNEL.lineChannelId}`)
    .set('content-type', 'application/json')
    .set('x-line-signature', signWebhookBody(body, CHANNEL.channelSecret))
    .send(body);
}

describe('a signed webhook delivery with an event that breaks storage', () => {
  let services: TestServices;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    services = await buildTestServices({ seed: { brands: [BRAND], lineChannels: [CHANNEL] } });
    app = createApp(services, [createWebhookModule(services)]);
  });
  afterAll(async () => {
    await services?.database.close();
  });

  test('when it holds U+0000, a lone surrogate and an impossible timestamp, then every event is stored and it answers 200', async () => {
    const response = await post(app, hostileDelivery('A_'));

    expect(response.status).toBe(200);
    const rows = await services.database.db.select().from(webhookEvents).orderBy(asc(webhookEvents.id));
    const byId = Object.fromEntries(rows.map((row) => [row.webhookEventId, row]));
    expect(Object.keys(byId).sort()).toEqual(['A_FARTIME', 'A_GOOD1', 'A_GOOD2', 'A_NUL', 'A_SURROGATE']);
    // Good events untouched, stored to be answered.
    expect(byId.A_GOOD1).toMatchObject({ state: 'pending', rawJson: null });
    expect((byId.A_GOOD2?.payload as { message: { text: string } }).message.text).toBe('bye');
    // Text made storable, the original kept as escaped text.
    expect(byId.A_NUL).toMatchObject({ state: 'pending' });
    expect((byId.A_NUL?.payload as { message: { text: string } }).message.text).toBe('ab');
    expect(JSON.parse(byId.A_NUL?.rawJson ?? '').message.text).toBe('a\u0000b');
    expect((byId.A_SURROGATE?.payload as { message: { text: string } }).message.text).toBe('x\uFFFDy');
    expect(JSON.parse(byId.A_SURROGATE?.rawJson ?? '').message.text).toBe('x\ud800y');
    // The impossible time is parked with its reason; its raw JSON keeps the number.
    expect(byId.A_FARTIME).toMatchObject({ state: 'failed' });
    expect(byId.A_FARTIME?.lastError).toContain('timestamp');
    expect(JSON.parse(byId.A_FARTIME?.rawJson ?? '').timestamp).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('when LINE redelivers it, then it answers 200 again and nothing is stored twice', async () => {
    const before = (await services.database.db.select().from(webhookEvents)).length;

    const response = await post(app, hostileDelivery('A_'));

    expect(response.status).toBe(200);
    expect((await services.database.db.select().from(webhookEvents)).length).toBe(before);
  });

  test('when an event is not LINE shape at all, then it is parked with the reason and its neighbours are stored', async () => {
    const body = JSON.stringify({
      events: [textEvent('B_GOOD', 'ok'), { type: 'message', timestamp: 'yesterday' }],
    });

    const response = await post(app, body);
    const again = await post(app, body);

    expect([response.status, again.status]).toEqual([200, 200]);
    const rows = await services.database.db.select().from(webhookEvents);
    expect(rows.filter((row) => row.webhookEventId === 'B_GOOD')).toHaveLength(1);
    const parked = rows.filter((row) => row.webhookEventId.startsWith('invalid:'));
    expect(parked).toHaveLength(1);
    expect(parked[0]).toMatchObject({ state: 'failed' });
    expect(parked[0]?.lastError).toMatch(/webhookEventId|timestamp/);
  });
});

describe('proofline events list-failed', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'proofline-nul-cli-'));
  });
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('when a delivery held an impossible timestamp, then list-failed shows the event and why', async () => {
    // The CLI is another process: a PGlite directory (or this file's server database) both can open.
    const serverDb = process.env.TEST_DATABASE_URL ? await buildTestServices() : undefined;
    const dataDir = join(dir, 'pglite');
    if (!serverDb) await createPgliteDataDir(dataDir);
    const database = serverDb?.database ?? (await createDatabase({ pgliteDataDir: dataDir }));
    try {
      await database.migrate();
      await seedDatabase(database.db, { brands: [BRAND], lineChannels: [CHANNEL] });
      const web = createApp(
        {
          database,
          logger: createSilentLogger(),
          clock: createTestClock(),
          generateId: createSequentialIdGenerator(),
        } as unknown as TestServices,
        [
          createWebhookModule({
            database,
            logger: createSilentLogger(),
            clock: createTestClock(),
            generateId: createSequentialIdGenerator(),
          }),
        ],
      );
      expect((await post(web, hostileDelivery('C_'))).status).toBe(200);
    } finally {
      if (!serverDb) await database.close();
    }
    try {
      const env: Record<string, string> = serverDb?.database.url
        ? { DATABASE_URL: serverDb.database.url, DEMO_SEED: 'false' }
        : { PGLITE_DATA_DIR: dataDir, DATA_DIR: dir, DEMO_SEED: 'false' };
      const listed = await runCli(['events', 'list-failed', '--brand', BRAND.slug], env);

      expect(listed.code).toBe(0);
      expect(listed.stdout).toContain('C_FARTIME');
      expect(listed.stdout).toContain('timestamp');
      expect(listed.stdout).not.toContain('C_GOOD1');
    } finally {
      await serverDb?.database.close();
    }
  });
});
