import { spawn, type ChildProcess } from 'node:child_process';
import { compiledPath } from './cli.js';

/**
 * Starts a TypeScript worker script in a child process (its stderr is relayed, tagged with its pid):
 * the compiled copy the global setup made of a *-child.ts script (test/setup/test-cli.mjs), else the
 * source through tsx.
 */
export function startChild(script: string, env: NodeJS.ProcessEnv): ChildProcess {
  const compiled = compiledPath(script);
  const child = spawn(process.execPath, compiled ? [compiled] : ['--import', 'tsx', script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stderr?.on('data', (chunk: Buffer) => process.stderr.write(`[worker ${child.pid}] ${chunk}`));
  return child;
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null)
      resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Polls `probe` until it answers something (a hang guard, not a speed check). */
export async function waitUntil<T>(probe: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
