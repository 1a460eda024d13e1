#!/usr/bin/env node
// `npx proofline`, `npm start`: runs the checkout's TypeScript compiled to JavaScript by esbuild
// (scripts/compiled-app.js: once per change of the sources, into .tmp/app/<hash of the sources>/, so it
// is never stale) with plain node. Running the sources through tsx instead costs a server ~70 MB of RSS
// (its loader thread and the compiled modules with inline source maps; docs/decisions/012). When the
// copy cannot be made (no esbuild, a read-only checkout), the sources run through tsx.
// `npm run build` (tsc → dist/, `node dist/bin/proofline.js`) is the other way to run without tsx.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { compiledAppFor, touch } from '../scripts/compiled-app.js';

async function load() {
  const { dir, ready } = compiledAppFor();
  if (ready) touch(dir);
  else {
    // In a child process: the serving process never loads esbuild nor keeps its service running.
    const script = fileURLToPath(new URL('../scripts/compiled-app.js', import.meta.url));
    spawnSync(process.execPath, [script], { stdio: ['ignore', 'ignore', 'inherit'] });
  }
  if (existsSync(join(dir, '.complete'))) return import(pathToFileURL(join(dir, 'bin', 'proofline.js')).href);
  console.error('proofline: could not compile the sources (see above); running them through tsx');
  const { register } = await import('tsx/esm/api');
  register();
  return import('./proofline.ts');
}

const { main } = await load();
process.exitCode = await main(process.argv.slice(2));
