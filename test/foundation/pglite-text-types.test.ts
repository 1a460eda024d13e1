import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { PGlite, type QueryOptions, type Transaction } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { date, integer, numeric, pgTable, timestamp } from 'drizzle-orm/pg-core';
import {
  createDatabase,
  PGLITE_START_PARAMS,
  queryRows,
  type DatabaseHandle,
} from '../../core/db/database.js';

const stamps = pgTable('text_type_stamps', {
  id: integer('id').primaryKey(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }),
  atText: timestamp('at_text', { withTimezone: true, mode: 'string' }),
  day: date('day'),
  amounts: numeric('amounts').array(),
  ats: timestamp('ats', { withTimezone: true, mode: 'string' }).array(),
});

const ROW = {
  id: 1,
  at: new Date('2026-12-06T04:05:06.789Z'),
  atText: '2026-12-06 04:05:06.789+00',
  day: '2026-02-28',
  amounts: ['1.10', '2.5'],
  ats: ['2026-01-01 00:00:00+00', '2026-06-30 23:59:59.5+00'],
};

// A PGlite of this file's own (no migrations needed): PGlite's options are what the test watches.
(process.env.TEST_DATABASE_URL ? describe.skip : describe)('drizzle on PGlite keeps its text types', () => {
  let pglite: PGlite;
  let handle: DatabaseHandle;
  const sentOptions: (QueryOptions | undefined)[] = [];

  beforeAll(async () => {
    pglite = await PGlite.create({ startParams: [...PGLITE_START_PARAMS] });
    await pglite.exec(`create table text_type_stamps (id integer primary key, at timestamptz,
      at_text timestamptz, day date, amounts numeric[], ats timestamptz[])`);
    // Watch what each statement brings, loose and inside a transaction.
    const query = pglite.query.bind(pglite);
    const transaction = pglite.transaction.bind(pglite);
    pglite.query = (text, params, options) => {
      sentOptions.push(options);
      return query(text, params, options);
    };
    pglite.transaction = (callback) =>
      transaction((tx) =>
        callback({
          ...tx,
          query: (text, params, options) => {
            sentOptions.push(options);
            return tx.query(text, params, options);
          },
          exec: tx.exec.bind(tx),
          rollback: tx.rollback.bind(tx),
          get closed() {
            return tx.closed;
          },
        } as Transaction),
      );
    handle = await createDatabase({ pglite });
  });
  afterAll(async () => {
    await handle?.close();
  });

  test('when drizzle reads and writes, loose and in a transaction, then no statement brings parsers of its own and the values are as drizzle keeps them', async () => {
    // Act
    await handle.db.insert(stamps).values(ROW);
    const [inTransaction] = await handle.db.transaction((tx) => tx.select().from(stamps));
    const [raw] = await queryRows<Record<string, unknown>>(handle.db, sql`select * from text_type_stamps`);

    // Assert: PGlite copies its whole parser map for a statement that brings parsers (issue 17's answer
    // cost), so none does; and drizzle still gets these types' text, not PGlite's parsed values.
    expect(sentOptions.length).toBeGreaterThanOrEqual(3);
    for (const options of sentOptions) expect(options?.parsers).toBeUndefined();
    expect(inTransaction).toEqual(ROW);
    expect(raw).toMatchObject({
      at: '2026-12-06 04:05:06.789+00',
      day: '2026-02-28',
      ats: '{"2026-01-01 00:00:00+00","2026-06-30 23:59:59.5+00"}',
      amounts: '{1.10,2.5}',
    });
  });
});
