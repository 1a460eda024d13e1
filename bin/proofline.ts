import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { commands, type CommandEntry } from './commands/index.js';

const HELP = (list: CommandEntry[]) =>
  [
    'Proofline: purchase-proof campaigns on LINE.',
    '',
    'Usage: proofline <command> [options]',
    '',
    'Commands:',
    ...list.map((command) => `  ${command.usage.padEnd(34)} ${command.summary}`),
    '',
    'Configuration comes from environment variables (see .env.example; `proofline config check`).',
    'Run `proofline <command> --help` for a command’s options.',
  ].join('\n');

/** Runs one CLI command and resolves with the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(HELP(commands));
    return 0;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) {
    console.error(`proofline: unknown command "${name}"\n`);
    console.error(HELP(commands));
    return 2;
  }
  const command = await entry.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log(
      `Usage: proofline ${command.usage}\n\n${command.summary}${command.help ? `\n\n${command.help}` : ''}`,
    );
    return 0;
  }
  return command.run(rest);
}

// Run directly (the built CLI, `node dist/bin/proofline.js`); the source launcher calls main itself.
const entry = process.argv[1];
if (entry && realpathSync(entry) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}
