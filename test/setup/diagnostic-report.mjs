// Plain ESM. Reads what test/setup/diagnostic-env.mjs wrote and prints the test files by CPU, with what
// each left active, and each worker's exit. Usage: node test/setup/diagnostic-report.mjs [dir] [top]
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const dir = process.argv[2] ?? process.env.PROOFLINE_TEST_DIAG_DIR ?? '/tmp/proofline-test-diag';
const top = Number(process.argv[3] ?? 15);
const rows = readdirSync(dir)
  .filter((name) => name.endsWith('.jsonl'))
  .flatMap((name) => readFileSync(join(dir, name), 'utf8').trim().split('\n'))
  .filter((line) => line !== '')
  .map((line) => JSON.parse(line));
const name = (file) => relative(process.cwd(), file);

const files = rows.filter((row) => row.event === 'file').sort((a, b) => b.cpuMs - a.cpuMs);
console.log(
  `${files.length} files; the ${Math.min(top, files.length)} with the most CPU (worker + reaped children):`,
);
for (const row of files.slice(0, top))
  console.log(
    `${(row.cpuMs / 1000).toFixed(1).padStart(7)} s CPU ${(row.wallMs / 1000).toFixed(1).padStart(7)} s wall  load ${row.load.toFixed(1).padStart(4)}  ${name(row.file)}`,
  );
const leaky = files.filter((row) => Object.keys(row.left).length > 0);
console.log(leaky.length === 0 ? 'no file left a resource active' : 'left active after teardown:');
for (const row of leaky) console.log(`  ${name(row.file)}: ${JSON.stringify(row.left)}`);
for (const row of rows.filter((r) => r.event === 'exit'))
  console.log(
    `worker ${row.pid}: event loop drained at ${row.at} after ${name(row.lastFile)}; still active ${JSON.stringify(row.left)}`,
  );
