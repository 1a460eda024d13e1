import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { projectRoot } from '../../core/shared/paths.js';
import { TEMPLATE_ENV } from './template-env.js';

/** A module of the compiled app copy (the tests' global setup makes it) as a URL a child script can import. */
export function compiledModuleUrl(...path: string[]): string {
  const compiled = process.env[TEMPLATE_ENV.compiledDir] ?? join(projectRoot, 'dist');
  return pathToFileURL(join(compiled, ...path)).href;
}

/**
 * Runs `source` as an ES module in a node process of its own (a heap jest has not grown, flags of its own)
 * and resolves with the JSON it printed; rejects with its stderr when it fails.
 */
export function runNodeScript(
  dir: string,
  source: string,
  nodeFlags: string[] = [],
): Promise<Record<string, number>> {
  const script = join(dir, `script-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(script, source);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, script], {
      cwd: projectRoot,
      env: { PATH: process.env.PATH },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(JSON.parse(out) as Record<string, number>)
        : reject(new Error(`exit ${code}: ${err}`)),
    );
  });
}
