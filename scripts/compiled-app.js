// Plain ESM on purpose: the launcher (bin/proofline.js) and the tests' global setup load it before any
// TypeScript can run. Importing it loads nothing but node: modules; esbuild only when compiling.
//
// The app (bin, bot, core, jobs, sim) compiled to JavaScript by esbuild — what tsx does inside, with the
// same tsconfig — once per change of the sources, into .tmp/app/<hash of the sources>/ in the
// checkout's layout (bin/proofline.js, core/…). The hash covers every source file's path and content,
// tsconfig.json, esbuild's version and Node's major version, so a copy is never stale: an edited file is
// a new hash, hence a new compile. docs/decisions/012-local-mode-memory.md says why (memory).
//
// `node scripts/compiled-app.js` compiles (when needed) and prints the folder.
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SOURCE_DIRS = ['bin', 'bot', 'core', 'jobs', 'sim'];
/** Under .tmp/ (ignored by git, eslint, prettier), inside the checkout so that the copy finds
 * node_modules and package.json (core/shared/paths.ts) exactly as the sources do. */
export const COMPILED_APP_DIR = join(root, '.tmp', 'app');
/** Builds kept besides the ones used in the last day (a running server imports modules lazily from its
 * folder, so a folder is never removed the day it was last started from). */
const KEEP = 4;
const KEEP_USED_WITHIN_MS = 24 * 3600_000;

function sources(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
    })
    .sort();
}

const nodeTarget = () => `node${process.versions.node.split('.')[0]}`;

/** esbuild's version without loading it (its package has no `exports` map). */
function esbuildVersion() {
  const require = createRequire(join(root, 'package.json'));
  return JSON.parse(readFileSync(require.resolve('esbuild/package.json'), 'utf8')).version;
}

/** The app's source files and the folder their compiled copy lives in (whether or not it exists yet). */
export function compiledAppFor() {
  const files = SOURCE_DIRS.flatMap((dir) => sources(join(root, dir)));
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion()} ${nodeTarget()}\n`);
  for (const file of files) hash.update(`${relative(root, file)}\n`).update(readFileSync(file));
  hash.update(readFileSync(join(root, 'tsconfig.json')));
  const dir = join(COMPILED_APP_DIR, hash.digest('hex').slice(0, 16));
  return { files, dir, ready: existsSync(join(dir, '.complete')) };
}

/** Marks a compiled copy as used now (pruning spares recently used ones). */
export function touch(dir) {
  const now = new Date();
  utimesSync(dir, now, now);
}

/** The compiled copy of the current sources: compiles it first when there is none. */
export async function compileApp() {
  const { files, dir, ready } = compiledAppFor();
  if (ready) {
    touch(dir);
    return dir;
  }
  const { build } = await import('esbuild');
  // Compiled beside, then renamed: processes starting together (web + workers, parallel test runs)
  // never see a half-written folder.
  const staging = `${dir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  await build({
    entryPoints: files,
    outdir: staging,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target: nodeTarget(),
    bundle: false,
    logLevel: 'warning',
    tsconfig: join(root, 'tsconfig.json'),
  });
  mkdirSync(join(staging, '.complete'));
  try {
    renameSync(staging, dir);
  } catch {
    // Another process published the same sources first.
    rmSync(staging, { recursive: true, force: true });
  }
  prune();
  return dir;
}

/** Keeps the few most recently used copies, and every copy used within the last day. */
function prune() {
  const now = Date.now();
  const builds = readdirSync(COMPILED_APP_DIR)
    .map((name) => ({
      path: join(COMPILED_APP_DIR, name),
      mtime: statSync(join(COMPILED_APP_DIR, name)).mtimeMs,
    }))
    .filter(({ path }) => !path.endsWith('.tmp'))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { path, mtime } of builds.slice(KEEP)) {
    if (now - mtime > KEEP_USED_WITHIN_MS) rmSync(path, { recursive: true, force: true });
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  console.log(await compileApp());
}
