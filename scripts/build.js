// `npm run build`: compiles the server, CLI, jobs and simulators to dist/, and builds the web apps that
// exist (liff-app/, console-app/) with Vite. `node dist/bin/proofline.js start` runs the build.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (command, args, cwd = root) => execFileSync(command, args, { cwd, stdio: 'inherit' });

rmSync(join(root, 'dist'), { recursive: true, force: true });
run(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json']);
for (const app of ['liff-app', 'console-app']) {
  if (existsSync(join(root, app, 'vite.config.ts'))) {
    run(
      process.execPath,
      [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'],
      join(root, app),
    );
  }
}
console.log('build: dist/ ready');
