import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '../../core/shared/paths.js';

const CLI_PATH = join(projectRoot, 'bin', 'proofline.js');

/** One `proofline start …` process the chaos round runs, kills with SIGKILL and starts again. */
export type ChaosProcess = {
  name: string;
  starts: number;
  kills: number;
  start: () => void;
  /** SIGKILL, and resolves once it is gone. */
  kill: () => Promise<void>;
  /** SIGTERM (then SIGKILL after `graceMs`), for the end of the round. */
  stop: (graceMs?: number) => Promise<void>;
  /** The last lines it wrote (for a report when something went wrong). */
  tail: () => string;
  running: () => boolean;
};

export function chaosProcess(name: string, args: string[], env: NodeJS.ProcessEnv): ChaosProcess {
  let child: ChildProcess | undefined;
  let output: string[] = [];
  const exited = (target: ChildProcess) =>
    new Promise<void>((resolve) => {
      if (target.exitCode !== null || target.signalCode !== null) resolve();
      else target.once('exit', () => resolve());
    });
  const self: ChaosProcess = {
    name,
    starts: 0,
    kills: 0,
    start: () => {
      const started = spawn(process.execPath, [CLI_PATH, 'start', ...args], {
        cwd: projectRoot,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const keep = (chunk: Buffer) => {
        output.push(...chunk.toString().split('\n').filter(Boolean));
        if (output.length > 200) output = output.slice(-100);
      };
      started.stdout?.on('data', keep);
      started.stderr?.on('data', keep);
      child = started;
      self.starts += 1;
    },
    kill: async () => {
      const target = child;
      if (!target) return;
      target.kill('SIGKILL');
      await exited(target);
      self.kills += 1;
    },
    stop: async (graceMs = 5_000) => {
      const target = child;
      if (!target || target.exitCode !== null || target.signalCode !== null) return;
      target.kill('SIGTERM');
      const timer = setTimeout(() => target.kill('SIGKILL'), graceMs);
      await exited(target);
      clearTimeout(timer);
    },
    tail: () => output.slice(-30).join('\n'),
    running: () => Boolean(child && child.exitCode === null && child.signalCode === null),
  };
  return self;
}
