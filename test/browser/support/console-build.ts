import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../../../core/shared/paths.js';
import { sharedFolder } from '../../support/once-per-run.js';

const run = promisify(execFile);

/** `npm run build`'s console step (vite) into `outDir`. */
async function buildConsoleApp(outDir: string): Promise<void> {
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
    { cwd: join(projectRoot, 'console-app'), maxBuffer: 10 * 1024 * 1024 },
  );
}

/** console-app/, built once per test run (as `npm run build` would) and shared by every file that serves it. */
const consoleApp = sharedFolder('console-app', buildConsoleApp);

export const buildConsoleAppOnce = consoleApp.acquire;
export const releaseConsoleApp = consoleApp.release;
