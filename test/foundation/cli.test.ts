import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { PREPARING_MARKER } from '../../bin/commands/first-start.js';
import { DATA_DIR_LOCK_FILE } from '../../core/db/data-dir-lock.js';
import { createDatabase, queryRows } from '../../core/db/database.js';
import { migrationsFolder } from '../../core/shared/paths.js';
import { waitUntil } from '../support/child-worker.js';
import { runCli, runSourceCli, startCli } from '../support/cli.js';
import { createPgliteDataDir } from '../support/database.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const tempDirs: string[] = [];
function tempDir() {
  const dir = mkdtempSync(join(tmpdir(), 'proofline-cli-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

describe('proofline (CLI)', () => {
  // The launcher in bin/ (as `npx proofline` and `npm start` run it: the sources compiled once per
  // change, scripts/compiled-app.js); the other tests spawn that compiled CLI directly (test/support/cli.ts).
  test('when asked for help, then it lists the commands and exits 0', async () => {
    const result = await runSourceCli(['--help']);

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/start/);
    expect(result.stdout).toMatch(/migrate/);
    expect(result.stdout).toMatch(/seed-demo/);
  });

  test('when the command is unknown, then it says so and exits 2', async () => {
    const result = await runSourceCli(['frobnicate']);

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/unknown command "frobnicate"/);
  });

  test('when DATABASE_URL is malformed, then one line names the key and the exit code is 1', async () => {
    const result = await runCli(['migrate'], { DATABASE_URL: 'mysql://nope' });

    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^proofline: configuration error: DATABASE_URL /);
  });

  test('when DATABASE_URL points at no server, then one line names the key and the exit code is 1', async () => {
    const result = await runCli(['start'], { DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });

    expect(result.code).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^proofline: DATABASE_URL: The database cannot be reached: .*ECONNREFUSED/);
  });

  test('when a variable is malformed, then start refuses with a line naming it', async () => {
    const result = await runCli(['start'], { PORT: 'eighty' });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^proofline: configuration error: PORT must be a port number/);
  });

  test('when seeded twice, then the demo brand is created once', async () => {
    // A migrated data dir (the run's template written out): a command on a new, empty dir (initdb and the
    // migrations in the child, 6–8 s of CPU) is proven by the first start below and test/console/brand-cli.
    const env = { PGLITE_DATA_DIR: join(tempDir(), 'db') };
    await createPgliteDataDir(env.PGLITE_DATA_DIR);

    const first = await runCli(['seed-demo'], env);
    const second = await runCli(['seed-demo'], env);

    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ created: true, brand: { slug: 'demo-tea' } });
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({
      created: false,
      brand: { id: JSON.parse(first.stdout).brand.id },
    });
    // Two processes, each opening PGlite cold (a few seconds unloaded, a minute on a busy CI machine).
  });

  test('when started in local mode, then it serves /healthz, stops cleanly on SIGINT, keeps its data and guards its data dir', async () => {
    const dataDir = join(tempDir(), 'db');
    // Without the demo: its seed (two brands and a 6,000-purchase history, ~24 s of CPU of the first start's
    // ~34 s) in the child is what test/browser/consumer-journey's first start proves, on which its journey
    // depends (the demo brands, channels and console account).
    const env = { PGLITE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info', DEMO_SEED: 'false' };

    const app = startCli(['start'], env);
    const [, url] = await app.waitFor(/health:\s+(http:\/\/\S+)\/healthz/);
    // Local mode trusts local-only shortcuts, so only this machine may reach it.
    expect(app.output()).toMatch(/listening on 127\.0\.0\.1:\d+ \(this machine only; HOST overrides\)/);
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${url}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready', database: 'pglite' });
    // A new data dir is created and migrated (not seeded: DEMO_SEED is off here) in a child process (its
    // peak memory is not kept).
    expect(app.output()).toMatch(
      /first start: the database was created and migrated in a child process \(DEMO_SEED is off\)/,
    );
    expect(existsSync(join(dataDir, PREPARING_MARKER))).toBe(false);

    // A second process on the same PGlite directory is refused with a clear message, not corrupted data.
    const intruder = await runCli(['migrate'], { PGLITE_DATA_DIR: dataDir });
    expect(intruder.code).toBe(1);
    expect(intruder.stderr).toMatch(/PGLITE_DATA_DIR: The PGlite data directory .* is in use by process \d+/);

    app.child.kill('SIGINT');
    expect(await app.exited).toBe(0);
    expect(app.output()).toMatch(/stopped/);

    // The data survived the stop: every migration the child applied is recorded in the data dir.
    const database = await createDatabase({ pgliteDataDir: dataDir });
    try {
      const [row] = await queryRows<{ applied: number }>(
        database.db,
        sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
      );
      const journal = JSON.parse(readFileSync(join(migrationsFolder, 'meta', '_journal.json'), 'utf8')) as {
        entries: unknown[];
      };
      expect(row?.applied).toBe(journal.entries.length);
    } finally {
      await database.close();
    }
  });

  test('when a first start is stopped while its child prepares the data dir, then the child stops too', async () => {
    const dataDir = join(tempDir(), 'db');
    const app = startCli(['start'], { PGLITE_DATA_DIR: dataDir, PORT: '0' });
    const parent = app.child.pid as number;
    // The child that creates, migrates and seeds the new data dir holds its lock (its pid in the file).
    const preparer = await waitUntil(async () => {
      const holder = Number.parseInt(readLock(dataDir), 10);
      return Number.isInteger(holder) && holder !== parent ? holder : undefined;
    }, HANG_GUARD_MS);
    try {
      app.child.kill('SIGTERM');
      await app.exited;

      // Once the start has exited, nothing of it is left writing into the data dir, and the directory is
      // marked as half prepared: the next start clears it and prepares it again.
      expect(isAlive(preparer)).toBe(false);
      expect(existsSync(join(dataDir, PREPARING_MARKER))).toBe(true);
    } finally {
      if (isAlive(preparer)) process.kill(preparer, 'SIGKILL');
    }
  });
});

function readLock(dataDir: string): string {
  try {
    return readFileSync(join(dataDir, DATA_DIR_LOCK_FILE), 'utf8');
  } catch {
    return '';
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
