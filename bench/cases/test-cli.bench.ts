import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../core/shared/paths.js';
// The global setup's compiler (plain ESM: jest loads it outside its module mapper).
// @ts-expect-error -- no declaration file for the .mjs
import { compileForChildProcesses } from '../../test/setup/test-cli.mjs';
import { compare, round, type BenchCase, type BenchMeasurement } from '../bench.types.js';

const RUNS = Number(process.env.TEST_CLI_BENCH_RUNS ?? 5);

/** CPU seconds of this process's reaped children (Linux: /proc/self/stat cutime + cstime). */
function childrenCpuSeconds(): number | undefined {
  if (!existsSync('/proc/self/stat')) return undefined;
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

function run(cli: string[], args: string[]): Promise<{ ms: number; cpu?: number }> {
  const cpuBefore = childrenCpuSeconds();
  const start = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...cli, ...args], {
      cwd: projectRoot,
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        LOG_LEVEL: 'warn',
        PGLITE_DATA_DIR: 'memory://',
      },
      stdio: 'ignore',
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${cli.join(' ')} ${args.join(' ')} exited ${code}`));
      const cpuAfter = childrenCpuSeconds();
      resolve({
        ms: Number(process.hrtime.bigint() - start) / 1e6,
        cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore,
      });
    });
  });
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;

/**
 * What a test pays per spawn of the CLI: the sources run through tsx (`node --import tsx bin/proofline.ts`,
 * compiling the import graph on every start, as bin/proofline.js did before it ran the compiled copy)
 * against the copy the test setup compiles once (test/setup/test-cli.mjs), run
 * alternately, RUNS times each after a warm-up. CPU of the child (what a loaded CI machine pays) and
 * wall time, medians.
 */
const testCliBench: BenchCase = {
  name: 'test-cli: one spawn of the CLI, sources through tsx vs compiled once',
  run: async () => {
    const compiledDir = (await compileForChildProcesses()) as string;
    const launcher = ['--import', 'tsx', join(projectRoot, 'bin', 'proofline.ts')];
    const compiled = [join(compiledDir, 'bin', 'proofline.js')];
    const measurements: BenchMeasurement[] = [];
    for (const args of [['--help'], ['config', 'check'], ['migrate']]) {
      await run(launcher, args);
      await run(compiled, args);
      type Run = { ms: number; cpu?: number };
      const results: { launcher: Run[]; compiled: Run[] } = { launcher: [], compiled: [] };
      for (let i = 0; i < RUNS; i++) {
        results.launcher.push(await run(launcher, args));
        results.compiled.push(await run(compiled, args));
      }
      const name = `proofline ${args.join(' ')}`;
      const cpu = (list: { cpu?: number }[]) => median(list.map((r) => r.cpu ?? Number.NaN));
      if (results.compiled[0]?.cpu !== undefined)
        measurements.push(
          compare(`${name}: CPU of the child`, 's', cpu(results.compiled), {
            name: 'sources through tsx',
            value: cpu(results.launcher),
          }),
        );
      measurements.push(
        compare(
          `${name}: wall`,
          'ms',
          median(results.compiled.map((r) => r.ms)),
          { name: 'sources through tsx', value: median(results.launcher.map((r) => r.ms)) },
          `median of ${RUNS}, alternating`,
        ),
      );
    }
    return measurements.map((m) => ({ ...m, value: round(m.value) }));
  },
};

export default testCliBench;
