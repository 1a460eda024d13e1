// Plain ESM on purpose (loaded by the global setup, outside jest's module mapper).
import { compileApp } from '../../scripts/compiled-app.js';

/**
 * The CLI the tests spawn: the same TypeScript compiled to JavaScript by esbuild once per change of the
 * sources (scripts/compiled-app.js, .tmp/app/<hash of the sources>/ — the copy `npm start` runs too), so
 * that a spawn does not compile its whole import graph again through the tsx loader (~1 s of CPU per
 * spawn, `npm run bench -- test-cli`; a suite run spawns the CLI ~100 times). Returns that folder.
 * test/foundation/cli.test.ts still runs the launcher (bin/proofline.js) itself. (The *-child.ts worker
 * scripts still start through tsx: compiled, they gained no measurable CPU and the broadcast crash test
 * turned flaky.)
 */
export async function compileForChildProcesses() {
  return compileApp();
}
