import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import pg from 'pg';
import type { Express } from 'express';
import request from 'supertest';
import { createApp } from '../../bot/create-app.js';
import { createWebhookModule } from '../../bot/webhook/index.js';
import {
  brands as brandsTable,
  CHANNEL_CACHE_TTL_MS,
  createBrandsRepository,
  createChannelCache,
  lineChannels,
} from '../../core/brands/index.js';
import { getPostgresErrorCode } from '../../core/db/database.js';
import { sqlLiteral } from '../../core/db/sql-literal.js';
import { createWebhookInbox, webhookEvents } from '../../core/events/index.js';
import { signWebhookBody } from '../../sim/line/index.js';
import { buildTestServices, type TestServices } from '../support/services.js';

const BRAND = {
  id: 'brd_hot',
  slug: 'hot',
  name: 'Hot path',
  country: 'TW' as const,
  defaultLocale: 'zh-TW' as const,
  timezone: 'Asia/Taipei',
};
const CHANNEL = {
  id: 'chn_hot',
  brandId: BRAND.id,
  lineChannelId: '2000000077',
  name: 'Hot channel',
  channelSecret: 'secret-one',
  channelAccessToken: 'token',
};

function webhookBody(webhookEventIds: string[], text = 'hi') {
  return webhookBodyWith(webhookEventIds, text);
}

function webhookBodyWith(webhookEventIds: string[], text: string, extra: Record<string, unknown> = {}) {
  return JSON.stringify({
    destination: 'U00000000000000000000000000000000',
    events: webhookEventIds.map((webhookEventId, i) => ({
      type: 'message',
      webhookEventId,
      timestamp: Date.parse('2026-01-01T00:00:00Z') + i,
      source: { type: 'user', userId: `U${String(i).padStart(32, '0')}` },
      deliveryContext: { isRedelivery: false },
      message: { id: String(i), type: 'text', text },
      ...extra,
    })),
  });
}

/**
 * On PGlite, once with PGlite on the serving thread and once in a worker thread (`PGLITE_THREAD=worker`):
 * durable before the 200 and the prepared inserts hold in both.
 */
const PGLITE_THREADS = process.env.TEST_DATABASE_URL ? (['main'] as const) : (['main', 'worker'] as const);

describe.each(PGLITE_THREADS)(
  'webhook hot path: channel cache and group commit (PGlite thread: %s)',
  (pgliteThread) => {
    let services: TestServices;
    let app: Express;
    let monotonicNow = 0;

    const rowsOf = async (webhookEventId: string) =>
      services.database.db
        .select()
        .from(webhookEvents)
        .where(eq(webhookEvents.webhookEventId, webhookEventId));
    const post = (body: string, secret: string, lineChannelId = CHANNEL.lineChannelId) =>
      request(app)
        .post(`/webhook/${lineChannelId}`)
        .set('content-type', 'application/json')
        .set('x-line-signature', signWebhookBody(body, secret))
        .send(body);
    /** A group-commit inbox of its own, and the seeded channel as the webhook route passes it. */
    const newInboxOfSeededChannel = async () => {
      const inbox = createWebhookInbox({
        db: services.database.db,
        generateId: services.generateId,
        clock: services.clock,
      });
      const [channel] = await services.database.db
        .select()
        .from(lineChannels)
        .where(eq(lineChannels.id, CHANNEL.id));
      if (!channel) throw new Error('seeded channel missing');
      return { inbox, channel };
    };
    /** What `proofline channel add` does to an existing channel: a new secret, from another process. */
    const rotateSecret = async (channelSecret: string) => {
      await createBrandsRepository({
        db: services.database.db,
        generateId: services.generateId,
      }).upsertChannel({
        brandId: BRAND.id,
        lineChannelId: CHANNEL.lineChannelId,
        name: CHANNEL.name,
        channelSecret,
        channelAccessToken: CHANNEL.channelAccessToken,
        managedByEnv: false,
      });
    };

    beforeAll(async () => {
      services = await buildTestServices({
        seed: { brands: [BRAND], lineChannels: [CHANNEL] },
        pgliteThread,
      });
      const channels = createChannelCache({
        db: services.database.db,
        generateId: services.generateId,
        now: () => monotonicNow,
      });
      app = createApp(services, [createWebhookModule(services, { channels })]);
    });
    afterAll(async () => {
      await services.database.close();
    });

    test('when many deliveries arrive at once, with one event redelivered 10 times among them, then every event is stored exactly once and all get 200', async () => {
      const distinct = Array.from({ length: 40 }, (_, i) => `EVT_BURST_${i}`);
      const bodies = [
        ...distinct.map((id) => webhookBody([id])),
        ...Array.from({ length: 10 }, () => webhookBody(['EVT_BURST_REDELIVERED'])),
        webhookBody(['EVT_BURST_0', 'EVT_BURST_MULTI_A', 'EVT_BURST_MULTI_B']),
      ];

      const responses = await Promise.all(bodies.map((body) => post(body, CHANNEL.channelSecret)));

      expect(responses.map((response) => response.status)).toEqual(Array(bodies.length).fill(200));
      for (const id of [...distinct, 'EVT_BURST_REDELIVERED', 'EVT_BURST_MULTI_A', 'EVT_BURST_MULTI_B'])
        expect(await rowsOf(id)).toHaveLength(1);
      const burstRows = (await services.database.db.select().from(webhookEvents)).filter((row) =>
        row.webhookEventId.startsWith('EVT_BURST_'),
      );
      expect(burstRows).toHaveLength(43);
    });

    test('when deliveries are written together, then each learns how many of its own events were new', async () => {
      const { inbox, channel } = await newInboxOfSeededChannel();

      const results = await Promise.all([
        inbox.receive({ channel, rawBody: webhookBody(['EVT_COUNT_A', 'EVT_COUNT_B']) }),
        inbox.receive({ channel, rawBody: webhookBody(['EVT_COUNT_A']) }),
        inbox.receive({ channel, rawBody: webhookBody(['EVT_BURST_1', 'EVT_COUNT_C']) }),
      ]);

      expect(results).toEqual([
        { received: 2, stored: 2 },
        { received: 1, stored: 0 },
        { received: 2, stored: 1 },
      ]);
    });

    test('when one delivery of a batch cannot be stored, then it fails alone and the others are stored', async () => {
      const { inbox, channel } = await newInboxOfSeededChannel();

      // A channel id PostgreSQL cannot hold (U+0000): this delivery's insert fails in the database. (Text
      // of the events themselves no longer fails that way: it is made storable, test/safety.)
      const results = await Promise.allSettled([
        inbox.receive({ channel, rawBody: webhookBody(['EVT_ISO_1']) }),
        inbox.receive({
          channel: { ...channel, id: 'chn_\u0000bad' },
          rawBody: webhookBody(['EVT_ISO_BAD']),
        }),
        inbox.receive({ channel, rawBody: webhookBody(['EVT_ISO_2', 'EVT_ISO_3']) }),
      ]);

      expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(await rowsOf('EVT_ISO_BAD')).toHaveLength(0);
      for (const id of ['EVT_ISO_1', 'EVT_ISO_2', 'EVT_ISO_3']) expect(await rowsOf(id)).toHaveLength(1);
    });

    test('when an event holds quotes, backslashes and SQL, then it is stored exactly as LINE sent it', async () => {
      const text = "it's \\'); drop table webhook_events; -- \\\\n $$ $tag$ E'\\x' 日本 🍵";
      const extra = { "key'with\\quote": ["a'b", 'c\\d', null, 1.5, true], nested: { "'": '\\' } };
      const body = webhookBodyWith(['EVT_QUOTE_1'], text, extra);

      expect((await post(body, CHANNEL.channelSecret)).status).toBe(200);

      const [row] = await rowsOf('EVT_QUOTE_1');
      const [sent] = (JSON.parse(body) as { events: Record<string, unknown>[] }).events;
      expect(row?.payload).toEqual(sent);
      expect(row?.rawJson).toBeNull();
    });

    test('when a string is made a SQL literal, then it is quoted as node-postgres quotes it', () => {
      for (const value of ['', 'plain', "a'b", 'a\\b', "x'\\'y\\\\", "''", "日本\\'", '$$'])
        expect(sqlLiteral(value)).toBe(pg.escapeLiteral(value));
    });

    test('when the 200 arrives, then the event is already committed: a second connection reads it', async () => {
      // PostgreSQL: a connection of its own sees only committed rows. PGlite has one connection, which
      // runs one statement at a time: the read waits behind nothing and sees what the insert committed.
      const reader = services.database.url
        ? new pg.Client({ connectionString: services.database.url })
        : undefined;
      await reader?.connect();
      try {
        const ids = Array.from({ length: 20 }, (_, i) => `EVT_DURABLE_${i}`);
        const seenAtAck = await Promise.all(
          ids.map(async (id) => {
            const response = await post(webhookBody([id]), CHANNEL.channelSecret);
            expect(response.status).toBe(200);
            if (!reader) return (await rowsOf(id)).length;
            const result = await reader.query('select 1 from webhook_events where webhook_event_id = $1', [
              id,
            ]);
            return result.rowCount;
          }),
        );
        expect(seenAtAck).toEqual(ids.map(() => 1));
      } finally {
        await reader?.end();
      }
    });

    // A prepared statement lives on the connection that prepared it: only PGlite's one connection uses them.
    (process.env.TEST_DATABASE_URL ? test.skip : test)(
      'when the inbox prepares its insert (PGlite), then one statement is prepared once for batches of every size, over 16 too, and every event is stored once',
      async () => {
        const statements: string[] = [];
        const inbox = createWebhookInbox(
          {
            db: services.database.db,
            generateId: services.generateId,
            clock: services.clock,
            simpleQuery: async <T extends Record<string, unknown>>(text: string) => {
              statements.push(text.trimStart().split(/\s/, 1)[0] ?? '');
              return services.database.simpleQuery<T>(text);
            },
          },
          { preparedInserts: true },
        );
        const [channel] = await services.database.db
          .select()
          .from(lineChannels)
          .where(eq(lineChannels.id, CHANNEL.id));
        if (!channel) throw new Error('seeded channel missing');
        const many = Array.from({ length: 17 }, (_, i) => `EVT_PREP_MANY_${i}`);

        const results = [];
        for (const ids of [['EVT_PREP_A', 'EVT_PREP_B'], ['EVT_PREP_B', 'EVT_PREP_C'], ['EVT_PREP_D'], many])
          results.push(await inbox.receive({ channel, rawBody: webhookBody(ids) }));

        expect(results).toEqual([
          { received: 2, stored: 2 },
          { received: 2, stored: 1 },
          { received: 1, stored: 1 },
          { received: 17, stored: 17 },
        ]);
        expect(statements).toEqual(['prepare', 'execute', 'execute', 'execute', 'execute']);
        for (const id of ['EVT_PREP_A', 'EVT_PREP_B', 'EVT_PREP_C', 'EVT_PREP_D', ...many])
          expect(await rowsOf(id)).toHaveLength(1);
      },
    );

    // PostgreSQL: node-postgres prepares a named statement once on each pooled connection.
    (process.env.TEST_DATABASE_URL ? test : test.skip)(
      'when the inbox is given the named statement (PostgreSQL), then batches of every size go through one name and one text, and every event is stored once',
      async () => {
        const { namedQuery } = services.database;
        if (!namedQuery) throw new Error('the PostgreSQL handle has no namedQuery');
        const sent: { name: string; text: string; values: number }[] = [];
        const inbox = createWebhookInbox({
          db: services.database.db,
          generateId: services.generateId,
          clock: services.clock,
          simpleQuery: services.database.simpleQuery,
          namedQuery: async <T extends Record<string, unknown>>(
            name: string,
            text: string,
            values: unknown[],
          ) => {
            sent.push({ name, text, values: values.length });
            return namedQuery<T>(name, text, values);
          },
        });
        const [channel] = await services.database.db
          .select()
          .from(lineChannels)
          .where(eq(lineChannels.id, CHANNEL.id));
        if (!channel) throw new Error('seeded channel missing');
        const many = Array.from({ length: 17 }, (_, i) => `EVT_NAMED_MANY_${i}`);

        const results = [];
        for (const ids of [['EVT_NAMED_A', 'EVT_NAMED_B'], ['EVT_NAMED_B', 'EVT_NAMED_C'], many])
          results.push(await inbox.receive({ channel, rawBody: webhookBody(ids) }));

        expect(results).toEqual([
          { received: 2, stored: 2 },
          { received: 2, stored: 1 },
          { received: 17, stored: 17 },
        ]);
        expect(sent).toHaveLength(3);
        expect(new Set(sent.map(({ name, text }) => `${name}\n${text}`)).size).toBe(1);
        expect(sent.map(({ values }) => values)).toEqual([1, 1, 1]);
        for (const id of ['EVT_NAMED_A', 'EVT_NAMED_B', 'EVT_NAMED_C', ...many])
          expect(await rowsOf(id)).toHaveLength(1);
      },
    );

    test('when events are stored from the JSON of their batch, then each payload and column reads back as it came', async () => {
      const { inbox, channel } = await newInboxOfSeededChannel();
      const hotInbox = createWebhookInbox(
        {
          db: services.database.db,
          generateId: services.generateId,
          clock: services.clock,
          simpleQuery: services.database.simpleQuery,
          namedQuery: services.database.namedQuery,
        },
        { preparedInserts: services.database.driver === 'pglite' },
      );
      const tricky = "it's a \\ back\\slash, \"quotes\", 🍵 茶 ชา, $1 and '' and \\u0041";
      const event = (webhookEventId: string) => ({
        type: 'message',
        webhookEventId,
        timestamp: 1733450000123,
        mode: 'active',
        replyToken: 'reply-token',
        source: { type: 'user', userId: 'U_ROUNDTRIP' },
        deliveryContext: { isRedelivery: true },
        message: { id: '1', type: 'text', text: tricky, nested: { list: [1, 2.5, null, true] } },
      });
      for (const [target, webhookEventId] of [
        [inbox, 'EVT_ROUNDTRIP_PLAIN'],
        [hotInbox, 'EVT_ROUNDTRIP_HOT'],
      ] as const)
        await target.receive({
          channel,
          rawBody: JSON.stringify({ destination: 'U0', events: [event(webhookEventId)] }),
          requestId: 'req-roundtrip',
        });

      for (const webhookEventId of ['EVT_ROUNDTRIP_PLAIN', 'EVT_ROUNDTRIP_HOT']) {
        const [row] = await rowsOf(webhookEventId);
        expect(row).toMatchObject({
          brandId: channel.brandId,
          channelId: channel.id,
          eventType: 'message',
          lineUserId: 'U_ROUNDTRIP',
          payload: event(webhookEventId),
          rawJson: null,
          requestId: 'req-roundtrip',
          isRedelivery: true,
          state: 'pending',
          lastError: null,
        });
        expect(row?.occurredAt.toISOString()).toBe('2024-12-06T01:53:20.123Z');
        expect(row?.id).toMatch(/^evt_/);
      }
    });

    test('when a brand or channel that webhook events name is deleted or renumbered, then it is refused as the foreign keys refused it', async () => {
      // The inbox's table has no foreign keys (its insert is the hot path); a trigger guards the parents.
      const db = services.database.db;
      const brands = createBrandsRepository({ db, generateId: services.generateId });
      const brand = await brands.createBrand({ ...BRAND, slug: 'guarded' });
      const channel = await brands.upsertChannel({
        brandId: brand.id,
        lineChannelId: '2000000079',
        name: 'Guarded channel',
        channelSecret: 'guarded-secret',
        channelAccessToken: 'token',
        managedByEnv: false,
      });
      const unused = await brands.upsertChannel({
        brandId: brand.id,
        lineChannelId: '2000000080',
        name: 'Unused channel',
        channelSecret: 'unused-secret',
        channelAccessToken: 'token',
        managedByEnv: false,
      });
      await createWebhookInbox({ db, generateId: services.generateId, clock: services.clock }).receive({
        channel,
        rawBody: webhookBody(['EVT_GUARD_1']),
      });
      const refusal = (statement: Promise<unknown>) =>
        statement.then(
          () => 'done',
          (error: unknown) => getPostgresErrorCode(error),
        );

      expect(await refusal(db.delete(lineChannels).where(eq(lineChannels.id, channel.id)))).toBe('23503');
      expect(
        await refusal(
          db.update(lineChannels).set({ id: 'chn_renumbered' }).where(eq(lineChannels.id, channel.id)),
        ),
      ).toBe('23503');
      // A brand that only an event names (a brand's channels would refuse its delete by their own foreign key).
      const lone = await brands.createBrand({ ...BRAND, slug: 'lone' });
      await db.insert(webhookEvents).values({
        id: 'evt_guard_lone',
        brandId: lone.id,
        channelId: channel.id,
        webhookEventId: 'EVT_GUARD_LONE',
        eventType: 'message',
        payload: {},
        occurredAt: new Date(),
      });
      expect(await refusal(db.delete(brandsTable).where(eq(brandsTable.id, lone.id)))).toBe('23503');
      // What no event names is deleted as before, and a change of another column passes.
      expect(
        await refusal(
          db.update(lineChannels).set({ name: 'Renamed' }).where(eq(lineChannels.id, channel.id)),
        ),
      ).toBe('done');
      expect(await refusal(db.delete(lineChannels).where(eq(lineChannels.id, unused.id)))).toBe('done');
      expect(await rowsOf('EVT_GUARD_1')).toHaveLength(1);
    });

    test('when the 200 is sent, then the statement storing its event has already returned: no response is sent while it is held', async () => {
      // Deterministic on both databases: the inbox's statement (autocommit: it has committed when it
      // returns) is held after it returns, and the responses of the deliveries whose events it holds are
      // looked at then. A 200 sent before the commit (not awaiting the write, or awaiting only its
      // queueing, or a batch answered when another batch commits) is caught here.
      const responses = new Map<string, ServerResponse>();
      const seenAtCommit: { id: string; sent: boolean }[] = [];
      const held = async <T>(statement: string, rows: T) => {
        await new Promise((resolve) => setImmediate(resolve));
        for (const [id, res] of responses)
          if (statement.includes(`"${id}"`))
            seenAtCommit.push({ id, sent: res.headersSent || res.writableEnded });
        return rows;
      };
      const { namedQuery } = services.database;
      const database = {
        ...services.database,
        simpleQuery: async <T extends Record<string, unknown>>(text: string) =>
          held(text, await services.database.simpleQuery<T>(text)),
        // PostgreSQL: the insert is a named statement, its rows the one parameter.
        namedQuery: namedQuery
          ? async <T extends Record<string, unknown>>(name: string, text: string, values: unknown[]) =>
              held(values.map(String).join(' '), await namedQuery<T>(name, text, values))
          : undefined,
      };
      const heldApp = createApp(services, [createWebhookModule({ ...services, database })]);
      const server = (req: IncomingMessage, res: ServerResponse) => {
        responses.set(String(req.headers['x-test-event']), res);
        heldApp(req, res);
      };
      const ids = Array.from({ length: 8 }, (_, i) => `EVT_HELD_${i}`);

      const answers = await Promise.all(
        ids.map((id) => {
          const body = webhookBody([id]);
          return request(server)
            .post(`/webhook/${CHANNEL.lineChannelId}`)
            .set('content-type', 'application/json')
            .set('x-test-event', id)
            .set('x-line-signature', signWebhookBody(body, CHANNEL.channelSecret))
            .send(body);
        }),
      );

      expect(answers.map((answer) => answer.status)).toEqual(ids.map(() => 200));
      expect(seenAtCommit.map(({ id }) => id).sort()).toEqual([...ids].sort());
      expect(seenAtCommit.filter(({ sent }) => sent)).toEqual([]);
      for (const id of ids) expect(await rowsOf(id)).toHaveLength(1);
    });

    test('when a delivery is not the plain kind the fast path serves (chunked, a query string), then express serves it alike', async () => {
      const chunkedBody = webhookBody(['EVT_CHUNKED_1']);
      const chunked = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const server = createServer(app).listen(0, '127.0.0.1', () => {
          const { port } = server.address() as AddressInfo;
          const req = httpRequest(
            {
              port,
              host: '127.0.0.1',
              method: 'POST',
              path: `/webhook/${CHANNEL.lineChannelId}`,
              headers: {
                'content-type': 'application/json',
                'x-line-signature': signWebhookBody(chunkedBody, CHANNEL.channelSecret),
                'transfer-encoding': 'chunked',
              },
            },
            (res) => {
              let text = '';
              res.on('data', (chunk: Buffer) => (text += chunk.toString()));
              res.on('end', () => server.close(() => resolve({ status: res.statusCode ?? 0, text })));
            },
          );
          req.on('error', reject);
          req.write(chunkedBody.slice(0, 10));
          req.end(chunkedBody.slice(10));
        });
      });
      const queryBody = webhookBody(['EVT_QUERY_1']);
      const withQuery = await request(app)
        .post(`/webhook/${CHANNEL.lineChannelId}?from=line`)
        .set('content-type', 'application/json')
        .set('x-line-signature', signWebhookBody(queryBody, CHANNEL.channelSecret))
        .send(queryBody);
      const forged = await request(app)
        .post(`/webhook/${CHANNEL.lineChannelId}?from=line`)
        .set('content-type', 'application/json')
        .set('x-line-signature', signWebhookBody(queryBody, 'not-the-secret'))
        .send(queryBody);
      const forgedFast = await post(queryBody, 'not-the-secret');

      expect(chunked).toEqual({ status: 200, text: '{}' });
      expect(withQuery.status).toBe(200);
      expect(withQuery.text).toBe('{}');
      expect(forged.status).toBe(401);
      expect(forgedFast.status).toBe(401);
      expect(forgedFast.body).toEqual(forged.body);
      for (const id of ['EVT_CHUNKED_1', 'EVT_QUERY_1']) expect(await rowsOf(id)).toHaveLength(1);
    });

    test('when the channel secret is rotated, then the new secret works at once and the old one is refused once the cache entry expires', async () => {
      const first = webhookBody(['EVT_ROT_1']);
      expect((await post(first, 'secret-one')).status).toBe(200);

      await rotateSecret('secret-two');
      // Signed with the new secret while the old one is cached: refreshed on the mismatch, accepted.
      expect((await post(webhookBody(['EVT_ROT_2']), 'secret-two')).status).toBe(200);
      // The old secret is refused right after that refresh.
      expect((await post(webhookBody(['EVT_ROT_OLD_1']), 'secret-one')).status).toBe(401);

      await rotateSecret('secret-three');
      // A rotated-out secret may be accepted while its cache entry lives, never longer than the TTL:
      // after it the entry is read again and the old secret is refused, with nothing stored.
      monotonicNow += CHANNEL_CACHE_TTL_MS + 1;
      const stale = await post(webhookBody(['EVT_ROT_OLD_2']), 'secret-two');
      expect(stale.status).toBe(401);
      expect((await post(webhookBody(['EVT_ROT_3']), 'secret-three')).status).toBe(200);

      expect(await rowsOf('EVT_ROT_OLD_1')).toHaveLength(0);
      expect(await rowsOf('EVT_ROT_OLD_2')).toHaveLength(0);
      for (const id of ['EVT_ROT_1', 'EVT_ROT_2', 'EVT_ROT_3']) expect(await rowsOf(id)).toHaveLength(1);
    });

    test('when a channel is added after a delivery to it was refused as unknown, then the next delivery is accepted', async () => {
      const body = webhookBody(['EVT_LATE_1']);
      expect((await post(body, 'late-secret', '2000000078')).status).toBe(404);

      await createBrandsRepository({
        db: services.database.db,
        generateId: services.generateId,
      }).upsertChannel({
        brandId: BRAND.id,
        lineChannelId: '2000000078',
        name: 'Late channel',
        channelSecret: 'late-secret',
        channelAccessToken: 'token',
        managedByEnv: false,
      });

      expect((await post(body, 'late-secret', '2000000078')).status).toBe(200);
      expect(await rowsOf('EVT_LATE_1')).toHaveLength(1);
    });

    test('when a cached channel is asked for by many requests at once, then the database is read once', async () => {
      let reads = 0;
      const channels = createChannelCache({
        db: services.database.db,
        generateId: services.generateId,
        now: () => monotonicNow,
      });
      const original = services.database.db.select.bind(services.database.db);
      const spied = Object.create(services.database.db) as typeof services.database.db;
      spied.select = ((...args: Parameters<typeof original>) => {
        reads++;
        return original(...args);
      }) as typeof original;
      const counted = createChannelCache({
        db: spied,
        generateId: services.generateId,
        now: () => monotonicNow,
      });

      const found = await Promise.all(Array.from({ length: 20 }, () => counted.get(CHANNEL.lineChannelId)));
      await counted.get(CHANNEL.lineChannelId);
      monotonicNow += CHANNEL_CACHE_TTL_MS + 1;
      await counted.get(CHANNEL.lineChannelId);

      expect(new Set(found.map((channel) => channel?.id))).toEqual(new Set([CHANNEL.id]));
      expect(reads).toBe(2);
      expect(await channels.get('2999999999')).toBeUndefined();
    });
  },
);
