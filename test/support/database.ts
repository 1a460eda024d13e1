import { mkdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import {
  createDatabase,
  PGLITE_START_PARAMS,
  type Database,
  type DatabaseHandle,
  type DatabaseOptions,
} from '../../core/db/database.js';
import * as schema from '../../core/db/schema.js';
import { migrationsFolder } from '../../core/shared/paths.js';
import { extractTemplate, TemplateMemoryFS } from './pglite-template.js';
import { TEMPLATE_ENV } from './template-env.js';
import { HANG_GUARD_MS } from './timing.js';

type Tables = typeof schema;
type TableName = {
  [K in keyof Tables]: Tables[K] extends { $inferInsert: unknown } ? K : never;
}[keyof Tables];

/** Seed rows keyed by table, inserted in foreign-key order. */
export type TestSeed = { [K in TableName]?: Tables[K] extends { $inferInsert: infer R } ? R[] : never };

const INSERT_ORDER: TableName[] = [
  'brands',
  'lineChannels',
  'members',
  'consents',
  'memberTags',
  'campaigns',
  'invoices',
  'invoiceItems',
  'receiptImages',
  'submissions',
  'pointsLedger',
  'rewards',
  'redemptions',
  'couponCodes',
  'instantPrizes',
  'instantPlays',
  'lotteryEntries',
  'draws',
  'drawWinners',
  'surveys',
  'surveyAnswers',
  'webhookEvents',
  'outboundMessages',
  'segments',
  'broadcasts',
  'broadcastChunks',
  'consoleUsers',
  'consoleMemberships',
  'consoleSessions',
  'auditLog',
  'exportJobs',
  'analyticsProducts',
  'analyticsProductMappings',
  'analyticsStores',
  'analyticsLineItems',
];

export type TestDatabase = DatabaseHandle & {
  /** `pglite` or `postgres`: the suites run on both (TEST_DATABASE_URL selects the server). */
  driver: DatabaseHandle['driver'];
  /** The connection URL of this file's own database, when on the server (for child processes). */
  url?: string;
};

/**
 * A fresh, migrated database for one test file: PGlite by default, or with TEST_DATABASE_URL a database
 * of its own on the PostgreSQL server, so files can run in parallel. Close it in afterAll.
 */
export async function createTestDatabase(
  seed: TestSeed = {},
  { onStatement, pgliteThread }: Pick<DatabaseOptions, 'onStatement' | 'pgliteThread'> = {},
): Promise<TestDatabase> {
  const handle = process.env.TEST_DATABASE_URL
    ? await createServerDatabase(onStatement)
    : await createPgliteDatabase(onStatement, pgliteThread);
  await seedDatabase(handle.db, seed);
  return handle;
}

export async function seedDatabase(db: Database, seed: TestSeed): Promise<void> {
  for (const name of INSERT_ORDER) {
    const rows = seed[name] as unknown[] | undefined;
    if (rows && rows.length > 0) {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      await db.insert(schema[name] as any).values(rows as any);
    }
  }
}

/**
 * `TEST_PGLITE_THREAD=worker` (or `pgliteThread: 'worker'`) runs the file's PGlite in a worker thread
 * (`core/db/pglite-thread.ts`), the run's migrated template loaded into it: the suites that touch the
 * database then check that mode too.
 */
async function createPgliteDatabase(
  onStatement: DatabaseOptions['onStatement'],
  pgliteThread = process.env.TEST_PGLITE_THREAD === 'worker' ? 'worker' : 'main',
): Promise<TestDatabase> {
  if (pgliteThread === 'worker') {
    const templatePath = process.env[TEMPLATE_ENV.pgliteTemplatePath];
    const handle = await createDatabase({
      pgliteThread: 'worker',
      pgliteLoadDataDir: templatePath,
      onStatement,
    });
    if (!templatePath) await handle.migrate();
    return handle;
  }
  return createDatabase({ pglite: await openMigratedPglite(), onStatement });
}

/**
 * A PGlite with the migrated schema, in memory, with the server settings the app gives its own PGlite
 * (PGLITE_START_PARAMS: a 16 MB buffer pool, not PGlite's 128 MB touched at start): the run's migrated
 * template written into its file system (TemplateMemoryFS, ~0.5 s of CPU against ~1.5 s through
 * `loadDataDir`); outside jest's global setup (a script), migrated here.
 */
async function openMigratedPglite(): Promise<PGlite> {
  const templatePath = process.env[TEMPLATE_ENV.pgliteTemplatePath];
  const startParams = [...PGLITE_START_PARAMS];
  if (templatePath) return PGlite.create({ fs: new TemplateMemoryFS(templatePath), startParams });
  const pglite = await PGlite.create({ startParams });
  await migrate(drizzle(pglite), { migrationsFolder });
  return pglite;
}

/**
 * Fills `dir` with a migrated PGlite data directory, for files whose child processes open the database
 * themselves (open it with createDatabase): the run's template written out as files (no PGlite started
 * here), or outside jest's global setup a PGlite on `dir`, migrated.
 */
export async function createPgliteDataDir(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const templatePath = process.env[TEMPLATE_ENV.pgliteTemplatePath];
  if (templatePath) {
    extractTemplate(templatePath, dir);
    return;
  }
  const pglite = await PGlite.create({ dataDir: dir, startParams: [...PGLITE_START_PARAMS] });
  await migrate(drizzle(pglite), { migrationsFolder });
  await pglite.close();
}

async function createServerDatabase(onStatement: DatabaseOptions['onStatement']): Promise<TestDatabase> {
  const serverUrl = process.env.TEST_DATABASE_URL as string;
  const template = process.env[TEMPLATE_ENV.postgresTemplateName];
  const name = template
    ? `${template.replace('_tpl_', '_t_')}_${randomBytes(4).toString('hex')}`
    : `proofline_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(
          template ? `create database ${name} template ${template}` : `create database ${name}`,
        );
        break;
      } catch (error) {
        // 55006: the template is briefly in use by a parallel CREATE DATABASE; try again.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  const url = withDatabase(serverUrl, name);
  // 100 concurrent requests share 8 connections: at load 30 a queued query can wait past the production
  // 5 s before its turn, which is back-pressure, not what the tests test (a hang guard instead).
  const handle = await createDatabase({ url, poolMax: 8, connectionTimeoutMs: HANG_GUARD_MS, onStatement });
  if (!template) await handle.migrate();
  return {
    ...handle,
    url,
    close: async () => {
      await handle.close();
      const dropper = new pg.Client({ connectionString: serverUrl });
      await dropper.connect();
      await dropper.query(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
