import { join } from 'node:path';
import { buildViteApp } from '../../../bot/vite-build.js';
import { projectRoot } from '../../../core/shared/paths.js';
import { sharedFolder } from '../../support/once-per-run.js';

/** console-app/, built once per test run (as `npm run build` would) and shared by every file that serves it. */
const consoleApp = sharedFolder('console-app', (outDir) =>
  buildViteApp({ appDir: join(projectRoot, 'console-app'), outDir }),
);

export const buildConsoleAppOnce = consoleApp.acquire;
export const releaseConsoleApp = consoleApp.release;
