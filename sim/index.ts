import type { Config } from '../core/config/config.js';
import type { Logger } from '../core/shared/logger.js';
import { startLineSimulatorForLocalMode } from './line/index.js';
import { startMembershipSimulatorForLocalMode } from './membership/index.js';
import { startMofSimulatorForLocalMode } from './mof/index.js';

/** A simulator started for local mode: where it listens, and how it points the config at itself. */
export type RunningSimulator = {
  name: string;
  /** Lines for the start banner, e.g. `LINE simulator: http://127.0.0.1:40123 (chat page: …/dev/chat)`. */
  describe: string[];
  /** Returns the config with this simulator's base URLs filled in (the real adapters then talk to it). */
  applyTo: (config: Config) => Config;
  close: () => Promise<void>;
};

export type SimulatorStarter = (context: {
  config: Config;
  logger: Logger;
}) => Promise<RunningSimulator | undefined>;

/**
 * The simulators a process runs: each outside system whose mode is `simulator` (local mode, or named in
 * SIMULATE; the config refuses anything else) gets one, over real HTTP on 127.0.0.1, so the bot uses the same adapters and code paths as in production. Each
 * capability adds its starter here (it returns undefined when its system is real).
 */
export const simulatorStarters: SimulatorStarter[] = [
  startMofSimulatorForLocalMode,
  startMembershipSimulatorForLocalMode,
  startLineSimulatorForLocalMode,
];

export type LocalSimulators = { config: Config; describe: string[]; close: () => Promise<void> };

export async function startLocalSimulators(context: {
  config: Config;
  logger: Logger;
}): Promise<LocalSimulators> {
  const running: RunningSimulator[] = [];
  let config = context.config;
  try {
    for (const start of simulatorStarters) {
      const simulator = await start({ config, logger: context.logger });
      if (!simulator) continue;
      running.push(simulator);
      config = simulator.applyTo(config);
    }
  } catch (error) {
    await Promise.allSettled(running.map((simulator) => simulator.close()));
    throw error;
  }
  return {
    config,
    describe: running.flatMap((simulator) => simulator.describe),
    close: async () => {
      await Promise.allSettled(running.map((simulator) => simulator.close()));
    },
  };
}
