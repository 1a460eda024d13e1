// Plain ESM: `node test/setup/test-durations.mjs <jest --json output>` rewrites test-durations.json, the
// order test-sequencer.mjs falls back to when jest's cache has not timed a file (a clean clone).
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const [input] = process.argv.slice(2);
if (!input) throw new Error('usage: node test/setup/test-durations.mjs <jest --json output file>');
const root = fileURLToPath(new URL('../..', import.meta.url));
const { testResults } = JSON.parse(readFileSync(input, 'utf8'));
const seconds = testResults
  .map((result) => [
    relative(root, result.name),
    Math.max(1, Math.round((result.endTime - result.startTime) / 1000)),
  ])
  .sort(([pathA, a], [pathB, b]) => b - a || (pathA < pathB ? -1 : 1));
const file = new URL('./test-durations.json', import.meta.url);
writeFileSync(file, `${JSON.stringify(Object.fromEntries(seconds), null, 2)}\n`);
console.log(
  `${seconds.length} files, ${seconds.reduce((sum, [, s]) => sum + s, 0)} s in all → ${fileURLToPath(file)}`,
);
