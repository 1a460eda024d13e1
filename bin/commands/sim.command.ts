import { parseArgs } from 'node:util';
import { createLogger } from '../../core/shared/logger.js';
import {
  SimDatasetError,
  loadDemoDataset,
  loadSimDataset,
  startMofSimulator,
  type SimDataset,
} from '../../sim/mof/index.js';
import type { Command } from './command.js';
import { lineSimSubcommand } from './line-sim.subcommand.js';

/** One simulator `proofline sim <name>` can run on its own; capabilities add theirs to `simSubcommands`. */
export type SimSubcommand = {
  name: string;
  usage: string;
  summary: string;
  run: (argv: string[]) => Promise<number>;
};

/** Resolves when the process is asked to stop (Ctrl-C, SIGTERM). */
export function waitForStopSignal(): Promise<string> {
  return new Promise((resolve) => {
    const stop = (signal: string) => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(signal);
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

const mofSubcommand: SimSubcommand = {
  name: 'mof',
  usage:
    'mof [--port N] [--host H] [--data file.json] [--latency ms] [--error-rate 0..1] [--seed N] [--page-size N]',
  summary: 'the Ministry of Finance e-invoice platform (same API; admin API under /__sim/)',
  run: async (argv) => {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: {
          port: { type: 'string', default: '0' },
          host: { type: 'string', default: '127.0.0.1' },
          data: { type: 'string' },
          latency: { type: 'string', default: '0' },
          'error-rate': { type: 'string', default: '0' },
          seed: { type: 'string', default: '1' },
          'page-size': { type: 'string', default: '10' },
        },
      }));
    } catch (error) {
      console.error(`proofline sim mof: ${(error as Error).message}`);
      return 2;
    }
    const numbers = {
      port: Number(values.port),
      latencyMs: Number(values.latency),
      errorRate: Number(values['error-rate']),
      seed: Number(values.seed),
      carrierPageSize: Number(values['page-size']),
    };
    const problems = [
      !(Number.isInteger(numbers.port) && numbers.port >= 0 && numbers.port <= 65535) &&
        '--port must be 0-65535',
      !(Number.isInteger(numbers.latencyMs) && numbers.latencyMs >= 0) && '--latency must be whole ms >= 0',
      !(numbers.errorRate >= 0 && numbers.errorRate <= 1) && '--error-rate must be between 0 and 1',
      !Number.isInteger(numbers.seed) && '--seed must be an integer',
      !(Number.isInteger(numbers.carrierPageSize) && numbers.carrierPageSize >= 1) &&
        '--page-size must be >= 1',
    ].filter((problem): problem is string => typeof problem === 'string');
    if (problems.length > 0) {
      for (const problem of problems) console.error(`proofline sim mof: ${problem}`);
      return 2;
    }

    let dataset: SimDataset;
    try {
      dataset = values.data ? loadSimDataset(values.data) : loadDemoDataset();
    } catch (error) {
      if (error instanceof SimDatasetError) {
        console.error(`proofline sim mof: --data ${error.message}`);
        return 1;
      }
      throw error;
    }

    const logger = createLogger({ level: 'info', pretty: true, name: 'mof-sim' });
    let simulator;
    try {
      simulator = await startMofSimulator({
        port: numbers.port,
        host: values.host,
        dataset,
        logger,
        knobs: {
          latencyMs: numbers.latencyMs,
          errorRate: numbers.errorRate,
          seed: numbers.seed,
          carrierPageSize: numbers.carrierPageSize,
        },
      });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      console.error(
        code === 'EADDRINUSE'
          ? `proofline sim mof: --port ${numbers.port} is already in use`
          : `proofline sim mof: ${(error as Error).message}`,
      );
      return 1;
    }
    console.log(
      [
        `MoF e-invoice simulator: ${simulator.url}`,
        `  invoices: ${dataset.invoices.length}, carriers: ${dataset.carriers.length}${values.data ? ` (from ${values.data})` : ' (demo data set)'}`,
        `  API:   POST ${simulator.url}/PB2CAPIVAN/invapp/InvApp  (qryInvHeader, qryInvDetail)`,
        `         POST ${simulator.url}/PB2CAPIVAN/invServ/InvServ (carrierInvChk, carrierInvDetail)`,
        `  admin: ${simulator.url}/__sim/health, /__sim/invoices, /__sim/clock, /__sim/requests, /__sim/knobs, /__sim/reset`,
        `  point Proofline at it: MOF_API_BASE_URL=${simulator.url}`,
        'Press Ctrl-C to stop.',
      ].join('\n'),
    );
    await waitForStopSignal();
    await simulator.close();
    return 0;
  },
};

/** Every simulator that can run alone. */
export const simSubcommands: SimSubcommand[] = [mofSubcommand, lineSimSubcommand];

export const simCommand: Command = {
  name: 'sim',
  usage: 'sim <name> [options]',
  summary: 'Run one outside-system simulator on its own (for tests and local development).',
  get help() {
    return simSubcommands.map((sub) => `  ${sub.usage}\n      ${sub.summary}`).join('\n');
  },
  run: async ([name, ...rest]) => {
    const sub = simSubcommands.find((candidate) => candidate.name === name);
    if (!sub) {
      const names = simSubcommands.map((candidate) => candidate.name).join(', ');
      console.error(
        name
          ? `proofline sim: unknown simulator "${name}" (${names})`
          : `proofline sim: name a simulator (${names})`,
      );
      return 2;
    }
    return sub.run(rest);
  },
};
