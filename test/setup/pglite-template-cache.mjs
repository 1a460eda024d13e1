// Plain ESM on purpose (loaded by the global setup, outside jest's module mapper).
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
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
const RECIPE = 'PGlite.create({ dataDir }) + drizzle migrate + close + ustar of the folder, v2';

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
  const tar = await cleanlyStoppedDataDir();
  mkdirSync(CACHE_DIR, { recursive: true });
  const staging = `${path}.${process.pid}.tmp`;
  writeFileSync(staging, tar);
  renameSync(staging, path);
  prune();
  return path;
}

/**
 * initdb and the migrations on a data directory on disk, PostgreSQL stopped cleanly (a shutdown
 * checkpoint), the folder as a tar. `dumpDataDir` on a running instance would leave a data directory
 * that every test database then recovers (WAL redo and an end-of-recovery checkpoint, "database system
 * was not properly shut down") at each start.
 */
async function cleanlyStoppedDataDir() {
  const dir = mkdtempSync(join(tmpdir(), 'proofline-template-'));
  try {
    const pglite = await PGlite.create({ dataDir: dir });
    await migrate(drizzle(pglite), { migrationsFolder });
    await pglite.close();
    return tarOf(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * A ustar archive of `dir` as `dumpDataDir` writes one (names `/base/1/1255`, folders before what they
 * hold, regular files and folders only): read by test/support/pglite-template.ts and by PGlite's own
 * `loadDataDir` (the worker-thread mode).
 */
function tarOf(dir) {
  const octal = (value, width) => `${value.toString(8).padStart(width - 1, '0')}\0`;
  const blocks = [];
  const add = (folder, prefix) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) =>
      a.name < b.name ? -1 : 1,
    )) {
      const name = `${prefix}/${entry.name}`;
      const path = join(folder, entry.name);
      if (!entry.isDirectory() && !entry.isFile())
        throw new Error(`pglite template: ${name} is neither file nor folder`);
      if (Buffer.byteLength(name) > 100)
        throw new Error(`pglite template: ${name} is too long for a ustar name`);
      const data = entry.isDirectory() ? Buffer.alloc(0) : readFileSync(path);
      const header = Buffer.alloc(512);
      header.write(name, 0, 'latin1');
      header.write(octal(entry.isDirectory() ? 0o750 : 0o600, 8), 100);
      header.write(octal(0, 8), 108);
      header.write(octal(0, 8), 116);
      header.write(octal(data.length, 12), 124);
      header.write(octal(Math.floor(statSync(path).mtimeMs / 1000), 12), 136);
      header.write(entry.isDirectory() ? '5' : '0', 156);
      header.write('ustar\x0000', 257, 'latin1');
      // The checksum is the header's byte sum with its own field read as spaces.
      header.write('        ', 148);
      const sum = header.reduce((total, byte) => total + byte, 0);
      header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
      blocks.push(header, data, Buffer.alloc((512 - (data.length % 512)) % 512));
      if (entry.isDirectory()) add(path, name);
    }
  };
  add(dir, '');
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
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
