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
} from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, version as esbuildVersion } from 'esbuild';

const root = fileURLToPath(new URL('../..', import.meta.url));
const SOURCE_DIRS = ['bin', 'bot', 'core', 'jobs', 'sim'];
/** Under .tmp/ (ignored by git, eslint, prettier), inside the checkout so that the copy finds
 * node_modules and package.json (core/shared/paths.ts) exactly as the sources do. */
const CACHE_DIR = join(root, '.tmp', 'test-cli');
const KEEP = 4;

function sources(dir, wanted) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sources(path, wanted);
      return wanted(entry.name) ? [path] : [];
    })
    .sort();
}
const appSource = (name) => name.endsWith('.ts') && !name.endsWith('.test.ts');

/**
 * The CLI the tests spawn: the same TypeScript, compiled to JavaScript by esbuild (what tsx runs
 * inside, with the same tsconfig) once per change of the sources, so that a spawn does not compile its
 * whole import graph again through the tsx loader (~1 s of CPU per spawn, `npm run bench -- test-cli`;
 * a suite run spawns the CLI ~100 times). Kept in .tmp/test-cli/<hash of the sources>/, in the
 * checkout's layout (bin/proofline.js, core/…); returns that folder. test/foundation/cli.test.ts still
 * runs the tsx launcher (bin/proofline.js) itself. (The *-child.ts worker scripts still start through
 * tsx: compiled, they gained no measurable CPU and the broadcast crash test turned flaky.)
 */
export async function compileForChildProcesses() {
  const files = SOURCE_DIRS.flatMap((dir) => sources(join(root, dir), appSource));
  const target = `node${process.versions.node.split('.')[0]}`;
  const hash = createHash('sha256').update(`esbuild ${esbuildVersion} ${target}\n`);
  for (const file of files) hash.update(`${relative(root, file)}\n`).update(readFileSync(file));
  hash.update(readFileSync(join(root, 'tsconfig.json')));
  const key = hash.digest('hex').slice(0, 16);
  const outDir = join(CACHE_DIR, key);
  if (existsSync(join(outDir, '.complete'))) {
    const now = new Date();
    utimesSync(outDir, now, now);
    return outDir;
  }
  // Compiled beside, then renamed: parallel runs (other worktrees share nothing, but two jest runs in
  // one checkout may) never see a half-written folder.
  const staging = `${outDir}.${process.pid}.tmp`;
  rmSync(staging, { recursive: true, force: true });
  await build({
    entryPoints: files,
    outdir: staging,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target,
    bundle: false,
    logLevel: 'warning',
    tsconfig: join(root, 'tsconfig.json'),
  });
  mkdirSync(join(staging, '.complete'));
  try {
    renameSync(staging, outDir);
  } catch {
    // Another run published the same sources first.
    rmSync(staging, { recursive: true, force: true });
  }
  prune();
  return outDir;
}

/** Keeps the few most recently used builds. */
function prune() {
  const builds = readdirSync(CACHE_DIR)
    .map((name) => ({ path: join(CACHE_DIR, name), mtime: statSync(join(CACHE_DIR, name)).mtimeMs }))
    .filter(({ path }) => !path.endsWith('.tmp'))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { path } of builds.slice(KEEP)) rmSync(path, { recursive: true, force: true });
}
