import { describeOutsideSystems } from '../../core/app/build-services.js';
import { renderEnvExample, simulationWarning } from '../../core/config/config.js';
import type { Command } from './command.js';
import { loadConfigOrReport } from './shared.js';

export const configCommand: Command = {
  name: 'config',
  usage: 'config <check|env-example>',
  summary: 'Check the environment, or print .env.example generated from the config schema.',
  help: '  check         parse the environment; print which systems are real or simulated\n  env-example   print the documented list of every variable',
  run: async ([sub]) => {
    if (sub === 'env-example') {
      process.stdout.write(renderEnvExample());
      return 0;
    }
    if (sub === 'check' || sub === undefined) {
      const config = loadConfigOrReport();
      if (!config) return 1;
      console.log(JSON.stringify(describeOutsideSystems(config), null, 2));
      // Said on stderr too, so it shows however stdout is piped.
      const warning = simulationWarning(config);
      if (warning) console.error(`proofline: ${warning}`);
      return 0;
    }
    console.error(`proofline config: unknown subcommand "${sub}" (check, env-example)`);
    return 2;
  },
};
