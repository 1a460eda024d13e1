// Plain ESM on purpose (jest loads a test environment outside its module mapper). Not used by `npm test`:
// a diagnostic to run by hand, Linux only (it reads /proc). See test/setup/diagnostic-report.mjs.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { TestEnvironment } from 'jest-environment-node';

const outDir = process.env.PROOFLINE_TEST_DIAG_DIR ?? '/tmp/proofline-test-diag';
mkdirSync(outDir, { recursive: true });
const outFile = join(outDir, `${process.pid}.jsonl`);
const write = (row) => appendFileSync(outFile, `${JSON.stringify({ pid: process.pid, ...row })}\n`);

/** CPU of this process and of the children it has reaped (CLI spawns, Chromium), in ms. */
function cpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
  // utime, stime, cutime, cstime (fields 14–17 of proc(5)), in clock ticks of 10 ms.
  return (Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14])) * 10;
}

const count = (names) => {
  const counts = {};
  for (const name of names) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
};

let lastFile = '';
// When the worker's event loop has drained after jest's "end": the process is gone that many ms later
// (jest force-exits a worker still there 500 ms after "end"; compare with `ps`/a watcher).
process.on('exit', () =>
  write({ event: 'exit', at: Date.now(), lastFile, left: count(process.getActiveResourcesInfo()) }),
);

/**
 * The node environment, writing one line per test file to $PROOFLINE_TEST_DIAG_DIR/<worker pid>.jsonl:
 * its wall time, its CPU (the worker's and its reaped children's: one file runs at a time in a worker),
 * the load average, and the resources (timers, sockets, processes…) still active 300 ms after the
 * file's teardown that were not before it (what keeps a worker from exiting). Run with
 * `npm test -- <paths> --testEnvironment=./test/setup/diagnostic-env.mjs`.
 */
export default class DiagnosticEnvironment extends TestEnvironment {
  #file;
  #before = {};
  #startedAt = 0;
  #cpuAtStart = 0;

  constructor(config, context) {
    super(config, context);
    this.#file = context.testPath;
  }

  async setup() {
    await super.setup();
    this.#before = count(process.getActiveResourcesInfo());
    this.#startedAt = Date.now();
    this.#cpuAtStart = cpuMs();
  }

  async teardown() {
    const wallMs = Date.now() - this.#startedAt;
    const cpu = cpuMs() - this.#cpuAtStart;
    const load = loadavg()[0];
    await super.teardown();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const after = count(process.getActiveResourcesInfo());
    const left = {};
    for (const [name, n] of Object.entries(after)) {
      // The timer of the wait above has fired by now; anything else above the count before is the file's.
      if (n > (this.#before[name] ?? 0)) left[name] = n - (this.#before[name] ?? 0);
    }
    lastFile = this.#file;
    write({ event: 'file', file: this.#file, wallMs, cpuMs: cpu, load, left });
  }
}
