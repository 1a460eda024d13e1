import { readdirSync, readFileSync } from 'node:fs';

/** CPU time of this process's threads, split: the main (event loop) thread and every other one. */
export type ThreadCpu = { mainMs: number; otherMs: number };

/**
 * The CPU time so far of this process's main thread and of its other threads together (V8's compiler and
 * garbage-collector helpers, libuv's pool, a PGlite worker), read from `/proc/self/task` (Linux; 10 ms
 * steps). Undefined where there is no `/proc`. `process.cpuUsage` only gives their sum.
 */
export function readThreadCpu(): ThreadCpu | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return undefined;
  }
  const cpu: ThreadCpu = { mainMs: 0, otherMs: 0 };
  for (const task of tasks) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${task}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    // After the command name (which may hold spaces): state is field 3, utime and stime fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (Number(fields[11]) + Number(fields[12])) * 10;
    if (task === String(process.pid)) cpu.mainMs += ms;
    else cpu.otherMs += ms;
  }
  return cpu;
}

/** CPU used between two readings; undefined when either is. */
export function threadCpuSince(before: ThreadCpu | undefined): ThreadCpu | undefined {
  const after = readThreadCpu();
  if (!before || !after) return undefined;
  return { mainMs: after.mainMs - before.mainMs, otherMs: after.otherMs - before.otherMs };
}
