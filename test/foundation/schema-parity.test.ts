import { randomBytes } from 'node:crypto';
import { afterAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { createDatabase, queryRows, type DatabaseHandle } from '../../core/db/database.js';
import { withDatabase } from '../support/database.js';

const serverUrl = process.env.TEST_DATABASE_URL;

/** The schema as PostgreSQL describes it, in a form that does not depend on the server version. */
async function describeSchema(database: DatabaseHandle) {
  const columns = await queryRows(
    database.db,
    sql`select table_name, column_name, data_type, is_nullable, column_default
        from information_schema.columns where table_schema = 'public'
        order by table_name, column_name`,
  );
  const indexes = await queryRows(
    database.db,
    sql`select tablename, indexname, indexdef from pg_indexes where schemaname = 'public' order by tablename, indexname`,
  );
  const constraints = await queryRows(
    database.db,
    sql`select conrelid::regclass::text as table_name, conname, contype, pg_get_constraintdef(oid) as definition
        from pg_constraint where connamespace = 'public'::regnamespace
          -- PostgreSQL 18 (PGlite) also lists NOT NULL as constraints; columns.is_nullable covers them.
          and contype <> 'n'
        order by conrelid::regclass::text, conname`,
  );
  return { columns, indexes, constraints };
}

describe('migrations', () => {
  const handles: DatabaseHandle[] = [];
  const dropDatabases: string[] = [];
  afterAll(async () => {
    for (const handle of handles) await handle.close();
    if (serverUrl && dropDatabases.length > 0) {
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      for (const name of dropDatabases) await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    }
  });

  test('when applied to an empty PGlite, then every table exists and a second run is a no-op', async () => {
    const database = await createDatabase({ pgliteDataDir: 'memory://' });
    handles.push(database);

    await database.migrate();
    await database.migrate();

    const { columns } = await describeSchema(database);
    const tables = new Set(columns.map((column) => column.table_name));
    expect([...tables]).toEqual(
      expect.arrayContaining([
        'brands',
        'members',
        'campaigns',
        'submissions',
        'invoices',
        'points_ledger',
        'webhook_events',
      ]),
    );
  });

  (serverUrl ? test : test.skip)(
    'when applied to an empty PGlite and an empty PostgreSQL server, then both have the same schema',
    async () => {
      const name = `proofline_parity_${randomBytes(5).toString('hex')}`;
      const admin = new pg.Client({ connectionString: serverUrl });
      await admin.connect();
      await admin.query(`create database ${name}`);
      await admin.end();
      dropDatabases.push(name);
      const server = await createDatabase({ url: withDatabase(serverUrl as string, name), poolMax: 2 });
      const embedded = await createDatabase({ pgliteDataDir: 'memory://' });
      handles.push(server, embedded);

      await server.migrate();
      await embedded.migrate();

      const [onServer, onPglite] = [await describeSchema(server), await describeSchema(embedded)];
      expect(onServer.columns.length).toBeGreaterThan(100);
      expect(onPglite.columns).toEqual(onServer.columns);
      expect(onPglite.indexes).toEqual(onServer.indexes);
      expect(onPglite.constraints).toEqual(onServer.constraints);
    },
  );
});
