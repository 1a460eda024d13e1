import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../core/shared/paths.js';

const run = promisify(execFile);

/**
 * Builds one of the web apps (`liff-app/`, `console-app/`) with Vite into `outDir`, in a child process so
 * Vite stays out of the caller's memory. `env` is added to the child's environment (the LIFF app's mode).
 */
export async function buildViteApp({
  appDir,
  outDir,
  env = {},
}: {
  appDir: string;
  outDir: string;
  env?: Record<string, string>;
}): Promise<void> {
  await run(
    process.execPath,
    [
      join(projectRoot, 'node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--logLevel',
      'warn',
      '--outDir',
      outDir,
      '--emptyOutDir',
    ],
    {
      cwd: appDir,
      // Passing the environment through to the child build, not reading configuration from it.
      // eslint-disable-next-line no-restricted-properties
      env: { ...process.env, ...env },
      maxBuffer: 10 * 1024 * 1024,
    },
  );
}
