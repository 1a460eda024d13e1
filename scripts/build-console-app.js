// Builds the console app (console-app/ → console-app/dist) so the web process can serve /console/.
// Runs after `npm ci`/`npm install` (the `postinstall` script) and from `npm run build`; the web process
// never builds it. Without Vite (an install that omitted dev dependencies) it says so and exits 0: such an
// install ships a console-app/dist built elsewhere.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const appDir = join(root, 'console-app');
const vite = join(root, 'node_modules', 'vite', 'bin', 'vite.js');

if (!existsSync(join(appDir, 'vite.config.ts'))) process.exit(0);
if (!existsSync(vite)) {
  console.log('console-app: Vite is not installed (dev dependencies omitted); not building /console/');
  process.exit(0);
}
execFileSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: appDir, stdio: 'inherit' });
console.log('console-app: built into console-app/dist (served at /console/)');
