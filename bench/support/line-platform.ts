import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { BurstOutcome, LineDriver, SequentialOutcome } from './line-driver.js';

export type PlatformRequest =
  | { id: number; kind: 'burst'; run: Parameters<LineDriver['burst']>[0] }
  | { id: number; kind: 'sequential'; run: Parameters<LineDriver['sequential']>[0] };
export type PlatformReply =
  { url: string } | { id: number; result: BurstOutcome | SequentialOutcome } | { id: number; error: string };

/**
 * The LINE simulator and the bench's driver in a child process (`node --import tsx`), talking to the bot
 * in this process over real HTTP, as the LINE platform and a load generator would in production: the
 * bot's process then pays only for the bot (the bench's other mode shares one event loop with both).
 */
export async function startLinePlatformProcess(): Promise<
  LineDriver & { url: string; close: () => Promise<void> }
> {
  const child = fork(fileURLToPath(new URL('./line-platform-child.ts', import.meta.url)), [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, { resolve: (value: never) => void; reject: (error: Error) => void }>();
  let nextId = 0;
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.on('exit', (code, signal) => {
      // Before it listens this fails the start; after, every ask still waiting fails instead of hanging.
      const error = new Error(`LINE platform process exited (${signal ?? code}) before it answered`);
      reject(error);
      for (const waiter of pending.values()) waiter.reject(error);
      pending.clear();
    });
    child.on('message', (message: PlatformReply) => {
      if ('url' in message) return resolve(message.url);
      const waiter = pending.get(message.id);
      pending.delete(message.id);
      if ('error' in message) waiter?.reject(new Error(message.error));
      else waiter?.resolve(message.result as never);
    });
  });
  const ask = <T>(request: Omit<PlatformRequest, 'id'>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = ++nextId;
      pending.set(id, { resolve: resolve as (value: never) => void, reject });
      child.send({ ...request, id });
    });
  return {
    url,
    burst: (run) => ask({ kind: 'burst', run }),
    sequential: (run) => ask({ kind: 'sequential', run }),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.disconnect();
      }),
  };
}
