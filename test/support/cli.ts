import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { projectRoot } from '../../core/shared/paths.js';
import { TEMPLATE_ENV } from './template-env.js';
import { HANG_GUARD_MS } from './timing.js';

/** The launcher a person runs from the checkout: it runs the sources compiled once per change (scripts/compiled-app.js). */
export const SOURCE_CLI_PATH = join(projectRoot, 'bin', 'proofline.js');

/**
 * What the tests spawn: the same CLI compiled once per change of the sources by the global setup
 * (test/setup/test-cli.mjs), so a spawn does not pay tsx's compile again; the launcher when run
 * outside jest's global setup.
 */
export const CLI_PATH = compiledPath(SOURCE_CLI_PATH.replace(/\.js$/, '.ts')) ?? SOURCE_CLI_PATH;

/** Where the global setup compiled `source` (a .ts file of the checkout) to, when it did. */
export function compiledPath(source: string): string | undefined {
  const dir = process.env[TEMPLATE_ENV.compiledDir];
  if (!dir) return undefined;
  const path = join(dir, relative(projectRoot, source).replace(/\.ts$/, '.js'));
  return existsSync(path) ? path : undefined;
}

/** An environment with none of Proofline's variables from the outer shell, plus `env`. */
export function cliEnv(env: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH, HOME: process.env.HOME, LOG_LEVEL: 'warn', ...env };
}

export type CliResult = { code: number | null; stdout: string; stderr: string };

/** Runs `proofline <args>` to completion. */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = HANG_GUARD_MS,
): Promise<CliResult> {
  return runCliAt(CLI_PATH, args, env, timeoutMs);
}

/** Runs `node bin/proofline.js <args>` (the launcher, as `npx proofline` does) to completion. */
export function runSourceCli(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = HANG_GUARD_MS,
): Promise<CliResult> {
  return runCliAt(SOURCE_CLI_PATH, args, env, timeoutMs);
}

function runCliAt(
  cliPath: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs: number,
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cliPath, ...args], { cwd: projectRoot, env: cliEnv(env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`proofline ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

export type RunningCli = {
  child: ChildProcess;
  output: () => string;
  /** Resolves with the first match of `pattern` in the output. */
  waitFor: (pattern: RegExp, timeoutMs?: number) => Promise<RegExpMatchArray>;
  /** Resolves with the exit code. */
  exited: Promise<number | null>;
};

/** Starts a long-running `proofline <args>` (e.g. `start`). */
export function startCli(args: string[], env: Record<string, string> = {}): RunningCli {
  const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: projectRoot, env: cliEnv(env) });
  let output = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    output += chunk.toString();
    for (const listener of listeners) listener();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  return {
    child,
    output: () => output,
    exited,
    waitFor: (pattern, timeoutMs = HANG_GUARD_MS) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = output.match(pattern);
          if (match) {
            listeners.delete(check);
            clearTimeout(timer);
            resolve(match);
          }
        };
        const timer = setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`timed out waiting for ${pattern}; output so far:\n${output}`));
        }, timeoutMs);
        listeners.add(check);
        check();
        // A process that has exited will print nothing more: fail now, not after the hang guard.
        void exited.then((code) => {
          if (!listeners.has(check)) return;
          listeners.delete(check);
          clearTimeout(timer);
          reject(new Error(`proofline exited (${code}) before ${pattern}; output:\n${output}`));
        });
      }),
  };
}
