import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq, sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  customType,
  date,
  integer,
  interval,
  jsonb,
  numeric,
  pgTable,
  text,
  timestamp,
} from 'drizzle-orm/pg-core';
import {
  getConstraintName,
  getPostgresErrorCode,
  isUniqueViolation,
  PGLITE_START_PARAMS,
  queryRows,
  type DatabaseHandle,
} from '../../core/db/database.js';
import { PgliteThread } from '../../core/db/pglite-thread.js';
import { brands, lineChannels } from '../../core/db/schema.js';
import { projectRoot } from '../../core/shared/paths.js';
import { TEMPLATE_ENV } from '../support/template-env.js';
import { createTestDatabase } from '../support/database.js';

const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({ dataType: () => 'bytea' });

/** A scratch table with every kind of value whose JavaScript form a parser decides. */
const kinds = pgTable('pglite_thread_kinds', {
  id: integer('id').primaryKey(),
  day: date('day', { mode: 'date' }),
  dayText: date('day_text'),
  at: timestamp('at', { mode: 'date' }),
  atZone: timestamp('at_zone', { withTimezone: true, mode: 'date' }),
  atText: timestamp('at_text', { withTimezone: true, mode: 'string' }),
  span: interval('span'),
  amount: numeric('amount', { precision: 12, scale: 2 }),
  big: bigint('big', { mode: 'bigint' }),
  bigNumber: bigint('big_number', { mode: 'number' }),
  flag: boolean('flag'),
  doc: jsonb('doc'),
  bytes: bytea('bytes'),
  tags: text('tags').array(),
  amounts: numeric('amounts').array(),
  days: date('days').array(),
  stamps: timestamp('stamps', { withTimezone: true, mode: 'string' }).array(),
});

const CREATE_KINDS = `create table pglite_thread_kinds (
  id integer primary key, day date, day_text date, at timestamp, at_zone timestamptz, at_text timestamptz,
  span interval, amount numeric(12,2), big bigint, big_number bigint, flag boolean, doc jsonb, bytes bytea,
  tags text[], amounts numeric[], days date[], stamps timestamptz[])`;

const ROWS = [
  {
    id: 1,
    day: new Date('2026-02-28T00:00:00Z'),
    dayText: '2026-02-28',
    at: new Date('2026-12-06T04:05:06.789Z'),
    atZone: new Date('2026-12-06T04:05:06.789Z'),
    atText: '2026-12-06 04:05:06.789+00',
    span: '1 day 02:03:04',
    amount: '12345.67',
    big: 9007199254740993n,
    bigNumber: 42,
    flag: true,
    doc: { name: '好茶', nested: [1, { deep: null }], quote: `it's "so"` },
    bytes: new Uint8Array([0, 1, 2, 254, 255]),
    tags: ['a', 'b,c', '"q"'],
    amounts: ['1.10', '2.5'],
    days: ['2026-01-01', '2026-12-31'],
    stamps: ['2026-01-01 00:00:00+00', '2026-06-30 23:59:59.5+00'],
  },
  { id: 2 },
];

/** Both PGlite modes, the run's migrated template loaded into each. */
const openBoth = async () => ({
  main: await createTestDatabase({}, { pgliteThread: 'main' }),
  worker: await createTestDatabase({}, { pgliteThread: 'worker' }),
});

// The thread client is PGlite's: on PostgreSQL these files' other suites cover the statements.
(process.env.TEST_DATABASE_URL ? describe.skip : describe)('PGlite in a worker thread', () => {
  let main: DatabaseHandle;
  let worker: DatabaseHandle;

  beforeAll(async () => {
    ({ main, worker } = await openBoth());
    for (const handle of [main, worker]) {
      await handle.db.execute(sql.raw(CREATE_KINDS));
      await handle.db.insert(kinds).values(ROWS);
      await handle.db.insert(brands).values({
        id: 'brd_thread',
        slug: 'thread',
        name: 'Thread',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
        createdAt: new Date('2026-12-01T01:02:03.456Z'),
        updatedAt: new Date('2026-12-01T01:02:03.456Z'),
      });
    }
  });
  afterAll(async () => {
    await main?.close();
    await worker?.close();
  });

  /** Runs `work` on both handles and returns both answers (errors as the error). */
  const onBoth = async <T>(work: (handle: DatabaseHandle) => Promise<T>) => {
    const run = (handle: DatabaseHandle) => work(handle).catch((error: unknown) => error);
    return { inThread: await run(main), thread: await run(worker) };
  };

  test('when rows of every value kind are read through drizzle, then the thread gives the same JavaScript values as PGlite in-thread', async () => {
    const selected = await onBoth((handle) => handle.db.select().from(kinds).orderBy(kinds.id));
    const raw = await onBoth((handle) =>
      queryRows(handle.db, sql`select * from pglite_thread_kinds order by id`),
    );
    const relational = await onBoth((handle) =>
      handle.db.query.brands.findMany({ where: eq(brands.id, 'brd_thread') }),
    );
    const simple = await onBoth((handle) =>
      handle.simpleQuery('select * from pglite_thread_kinds order by id'),
    );

    expect(selected.thread).toEqual(selected.inThread);
    expect(raw.thread).toEqual(raw.inThread);
    expect(relational.thread).toEqual(relational.inThread);
    expect(simple.thread).toEqual(simple.inThread);
    // And the values are the kinds the columns promise, not just equal to each other.
    const [first] = selected.thread as (typeof kinds.$inferSelect)[];
    expect(first).toMatchObject({ ...ROWS[0], bytes: expect.any(Uint8Array) });
    expect([...(first?.bytes ?? [])]).toEqual([...ROWS[0]!.bytes!]);
    expect(first?.day).toBeInstanceOf(Date);
    expect(typeof first?.big).toBe('bigint');
    const [brand] = relational.thread as (typeof brands.$inferSelect)[];
    expect(brand?.createdAt).toBeInstanceOf(Date);
  });

  test('when a statement fails, then the error crosses with its code, constraint and message, as in-thread', async () => {
    const duplicate = await onBoth((handle) =>
      handle.db
        .insert(kinds)
        .values({ id: 1 })
        .then(() => 'stored'),
    );
    const orphan = await onBoth((handle) =>
      handle.db
        .insert(lineChannels)
        .values({
          id: 'chn_orphan',
          brandId: 'brd_missing',
          lineChannelId: '2000009999',
          name: 'Orphan',
          channelSecret: 's',
          channelAccessToken: 't',
        })
        .then(() => 'stored'),
    );
    const syntax = await onBoth((handle) => handle.simpleQuery('selec 1').then(() => 'ran'));

    for (const { inThread, thread } of [duplicate, orphan, syntax]) {
      expect(thread).toBeInstanceOf(Error);
      expect(getPostgresErrorCode(thread)).toBe(getPostgresErrorCode(inThread));
      expect(getConstraintName(thread)).toBe(getConstraintName(inThread));
      expect((thread as Error).message).toBe((inThread as Error).message);
    }
    expect(getPostgresErrorCode(duplicate.thread)).toBe('23505');
    expect(isUniqueViolation(duplicate.thread, 'pglite_thread_kinds_pkey')).toBe(true);
    expect(getPostgresErrorCode(orphan.thread)).toBe('23503');
    expect(getPostgresErrorCode(syntax.thread)).toBe('42601');
  });

  test('when a transaction throws, or rolls back, or a savepoint inside it is undone, then nothing of it stays, as in-thread', async () => {
    const outcome = await onBoth(async (handle) => {
      const thrown = await handle.db
        .transaction(async (tx) => {
          await tx.insert(kinds).values({ id: 10 });
          throw new Error('changed my mind');
        })
        .catch((error: Error) => error.message);
      const rolledBack = await handle.db
        .transaction(async (tx) => {
          await tx.insert(kinds).values({ id: 11 });
          tx.rollback();
        })
        .catch((error: Error) => error.name);
      const failedCommit = await handle.db
        .transaction(async (tx) => {
          await tx.insert(kinds).values({ id: 12 });
          // A failed statement aborts the transaction: COMMIT then rolls back.
          await tx.execute(sql`select 1/0`).catch(() => undefined);
        })
        .then(
          () => 'committed',
          (error: Error) => error.message,
        );
      await handle.db.transaction(async (tx) => {
        await tx.insert(kinds).values({ id: 13 });
        await tx
          .transaction(async (inner) => {
            await inner.insert(kinds).values({ id: 14 });
            throw new Error('inner only');
          })
          .catch(() => undefined);
      });
      const ids = await handle.db.select({ id: kinds.id }).from(kinds).orderBy(kinds.id);
      await handle.db.delete(kinds).where(eq(kinds.id, 13));
      return { thrown, rolledBack, failedCommit, ids: ids.map(({ id }) => id) };
    });

    expect(outcome.thread).toEqual(outcome.inThread);
    expect(outcome.thread).toMatchObject({ thrown: 'changed my mind', ids: [1, 2, 13] });
    expect((outcome.thread as { failedCommit: string }).failedCommit).not.toBe('committed');
  });

  test('when two transactions and loose statements are sent at once, then each transaction sees only its own statements and the loose ones wait for it, on both threads', async () => {
    const outcome = await onBoth(async (handle) => {
      let releaseA = () => {};
      const aMayFinish = new Promise<void>((resolve) => (releaseA = resolve));
      let aStarted = () => {};
      const aHasStarted = new Promise<void>((resolve) => (aStarted = resolve));
      const seen: Record<string, number[]> = {};
      const idsNow = async (executor: Pick<DatabaseHandle['db'], 'select'>) =>
        (await executor.select({ id: kinds.id }).from(kinds).orderBy(kinds.id)).map(({ id }) => id);

      const a = handle.db
        .transaction(async (tx) => {
          await tx.insert(kinds).values({ id: 20 });
          aStarted();
          await aMayFinish;
          await tx.insert(kinds).values({ id: 21 });
          seen.a = await idsNow(tx);
          throw new Error('a rolls back');
        })
        .catch(() => 'a rolled back');
      await aHasStarted;
      // Sent while A holds the connection: they run after A, in the order sent.
      const loose = idsNow(handle.db).then((ids) => (seen.loose = ids));
      const b = handle.db.transaction(async (tx) => {
        await tx.insert(kinds).values({ id: 30 });
        seen.b = await idsNow(tx);
      });
      const after = idsNow(handle.db).then((ids) => (seen.after = ids));
      releaseA();
      await Promise.all([a, loose, b, after]);
      await handle.db.delete(kinds).where(eq(kinds.id, 30));
      return seen;
    });

    // Which of B and the loose read first takes the connection after A is up to the microtasks before
    // each reaches PGlite's queue (on both threads alike); neither ever sees A's rows.
    for (const seen of [outcome.inThread, outcome.thread] as Record<string, number[]>[]) {
      expect(seen).toEqual({ a: [1, 2, 20, 21], loose: expect.any(Array), b: [1, 2, 30], after: [1, 2, 30] });
      expect([
        [1, 2],
        [1, 2, 30],
      ]).toContainEqual(seen.loose);
    }
  });

  test('when a notification is sent, then the listener on the main thread receives it until it unlistens', async () => {
    const received: string[] = [];
    let heard = () => {};
    const unlisten = await worker.listen('pglite_thread_test', (payload) => {
      received.push(payload);
      heard();
    });
    const first = new Promise<void>((resolve) => (heard = resolve));
    await worker.simpleQuery(`select pg_notify('pglite_thread_test', 'hello')`);
    await first;
    await unlisten();
    await worker.simpleQuery(`select pg_notify('pglite_thread_test', 'after')`);
    await worker.ping();

    expect(received).toEqual(['hello']);
  });
});

(process.env.TEST_DATABASE_URL ? describe.skip : describe)('PGlite thread lifetime', () => {
  test('when the handle is closed, then the thread ends, waiting calls finish first and later calls are refused', async () => {
    const thread = await PgliteThread.create({
      loadDataDir: process.env[TEMPLATE_ENV.pgliteTemplatePath],
      startParams: PGLITE_START_PARAMS,
    });
    const slow = thread.query<{ done: number }>('select 1 as done from pg_sleep(0.2)');
    await thread.close();

    expect((await slow).rows).toEqual([{ done: 1 }]);
    expect(thread.closed).toBe(true);
    await expect(thread.query('select 1')).rejects.toThrow('PGlite is closed');
  });

  test('when the PGlite of the thread cannot start, then create fails with the reason PGlite gives', async () => {
    await expect(
      PgliteThread.create({ startParams: [...PGLITE_START_PARAMS, '-c', 'shared_buffers=lots'] }),
    ).rejects.toThrow(/initialize|shared_buffers/);
  });

  test('when a script opens a thread database and never closes it, then the process still ends by itself', async () => {
    // No hung process: an idle thread does not keep node alive (an in-thread PGlite does not either).
    const dir = mkdtempSync(join(tmpdir(), 'pglite-thread-'));
    const script = join(dir, 'open.mjs');
    const compiled = process.env[TEMPLATE_ENV.compiledDir] ?? join(projectRoot, 'dist');
    const moduleUrl = pathToFileURL(join(compiled, 'core', 'db', 'database.js')).href;
    writeFileSync(
      script,
      `const { createDatabase } = await import(${JSON.stringify(moduleUrl)});
const handle = await createDatabase({ pgliteThread: 'worker', pgliteDataDir: 'memory://' });
const rows = await handle.simpleQuery('select 41 + 1 as answer');
console.log(JSON.stringify(rows));`,
    );
    const child = spawn(process.execPath, [script], { cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

    expect({ code, out: out.trim(), err }).toEqual({ code: 0, out: '[{"answer":42}]', err: '' });
  });
});
