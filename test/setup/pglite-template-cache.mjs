// Plain ESM on purpose (loaded by the global setup, outside jest's module mapper).
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';

const root = fileURLToPath(new URL('../..', import.meta.url));
const migrationsFolder = join(root, 'core', 'db', 'migrations');
/** Under .tmp/ (ignored by git, eslint, prettier), like the compiled app (scripts/compiled-app.js). */
const CACHE_DIR = join(root, '.tmp', 'pglite-template');
/** Templates kept besides the ones used in the last day (a running test run reads its own in each file). */
const KEEP = 4;
const KEEP_USED_WITHIN_MS = 24 * 3600_000;
/** Bump when the way the template is made below changes. */
const RECIPE = 'PGlite.create() + drizzle migrate + dumpDataDir(none), v1';

function files(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? files(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

function packageVersion(name) {
  const require = createRequire(join(root, 'package.json'));
  const main = require.resolve(name);
  const dir = main.slice(0, main.lastIndexOf(`/node_modules/${name}/`) + `/node_modules/${name}`.length);
  return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).version;
}

/**
 * The tests' migrated PGlite template (a `dumpDataDir('none')` tar: initdb and every migration, ~7 s of
 * CPU), made once per change of the migrations and kept in .tmp/pglite-template/<hash>.tar. The hash
 * covers every migration file's path and content, PGlite's and drizzle-orm's versions and the recipe, so
 * a template is never stale. Written beside, then renamed: parallel runs never read a half-written one.
 */
export async function migratedPgliteTemplate() {
  const hash = createHash('sha256').update(
    `${RECIPE}\npglite ${packageVersion('@electric-sql/pglite')}\ndrizzle-orm ${packageVersion('drizzle-orm')}\n`,
  );
  // What drizzle's migrator reads: the SQL files and the journal (not the schema snapshots).
  const read = files(migrationsFolder).filter(
    (file) => file.endsWith('.sql') || file.endsWith('_journal.json'),
  );
  for (const file of read) hash.update(`${relative(migrationsFolder, file)}\n`).update(readFileSync(file));
  const path = join(CACHE_DIR, `${hash.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(path)) {
    const now = new Date();
    utimesSync(path, now, now);
    return path;
  }
  const pglite = await PGlite.create();
  await migrate(drizzle(pglite), { migrationsFolder });
  const dump = await pglite.dumpDataDir('none');
  await pglite.close();
  mkdirSync(CACHE_DIR, { recursive: true });
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, Buffer.from(await dump.arrayBuffer()));
  renameSync(staging, path);
  prune();
  return path;
}

/** Keeps the few most recently used templates, and every one used within the last day. */
function prune() {
  const now = Date.now();
  const templates = readdirSync(CACHE_DIR)
    .filter((name) => name.endsWith('.tar'))
    .map((name) => ({ path: join(CACHE_DIR, name), mtime: statSync(join(CACHE_DIR, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { path, mtime } of templates.slice(KEEP)) {
    if (now - mtime > KEEP_USED_WITHIN_MS) rmSync(path, { force: true });
  }
}
