import { pino, type Logger } from 'pino';

export type { Logger };

export function createLogger({
  level = 'info',
  pretty = false,
  name = 'proofline',
}: {
  level?: string;
  pretty?: boolean;
  name?: string;
} = {}): Logger {
  // pino writes JSON lines; in local mode a short human line is friendlier than JSON in a terminal.
  if (pretty) {
    return pino({ name, level, base: undefined, timestamp: false }, prettyStream());
  }
  return pino({ name, level });
}

/** A silent logger for tests and benchmarks. */
export function createSilentLogger(): Logger {
  return pino({ level: 'silent' });
}

function prettyStream() {
  const levels: Record<number, string> = {
    10: 'trace',
    20: 'debug',
    30: 'info',
    40: 'WARN',
    50: 'ERROR',
    60: 'FATAL',
  };
  return {
    write(line: string) {
      try {
        const {
          level,
          msg,
          name: _name,
          ...rest
        } = JSON.parse(line) as Record<string, unknown> & {
          level: number;
          msg?: string;
        };
        const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
        process.stdout.write(`[${levels[level] ?? level}] ${msg ?? ''}${extra}\n`);
      } catch {
        process.stdout.write(line);
      }
    },
  };
}
