import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The checkout's root, found from this file whether it runs from source (core/shared) or from the
 * build (dist/core/shared): the nearest folder above that holds package.json.
 */
export const projectRoot: string = (() => {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error('Cannot find the project root (no package.json above this file)');
    dir = parent;
  }
  return dir;
})();

export const migrationsFolder = join(projectRoot, 'core', 'db', 'migrations');

/** Resolves a configured path (e.g. `./data`) against the working directory. */
export function resolveFromCwd(path: string): string {
  return resolve(process.cwd(), path);
}
