// Plain ESM on purpose: jest loads global setup outside its module mapper, so it cannot import the
// project's TypeScript. Keep the env keys in step with test/support/template-env.ts.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { migratedPgliteTemplate } from './pglite-template-cache.mjs';
import { compileForChildProcesses } from './test-cli.mjs';

const migrationsFolder = fileURLToPath(new URL('../../core/db/migrations', import.meta.url));

/**
 * Hands every test file a migrated database to start from: a PGlite data-dir dump (loading it costs
 * ~0.6 s against 3 s for initdb + migrations), made once per change of the migrations and kept between
 * runs (pglite-template-cache.mjs), and, with TEST_DATABASE_URL, a template database on the PostgreSQL
 * server, migrated once per run, that each file copies with CREATE DATABASE … TEMPLATE.
 */
export default async function globalSetup() {
  process.env.PROOFLINE_TEST_COMPILED = await compileForChildProcesses();
  const dir = mkdtempSync(join(tmpdir(), 'proofline-test-'));
  process.env.PROOFLINE_TEST_PGLITE_TEMPLATE = await migratedPgliteTemplate();
  process.env.PROOFLINE_TEST_TMP = dir;

  const serverUrl = process.env.TEST_DATABASE_URL;
  if (serverUrl) {
    const templateName = `proofline_tpl_${process.pid}_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`create database ${templateName}`);
    await admin.end();
    const url = new URL(serverUrl);
    url.pathname = `/${templateName}`;
    const templatePool = new pg.Pool({ connectionString: url.toString(), max: 1 });
    await migratePg(drizzlePg(templatePool), { migrationsFolder });
    await templatePool.end();
    process.env.PROOFLINE_TEST_PG_TEMPLATE = templateName;
  }
}
