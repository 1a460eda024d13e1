import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../core/db/database.js';
import type { TestDatabase } from './database.js';
import { HANG_GUARD_MS } from './timing.js';

/** A promise and the function that resolves it. */
function signal(): [Promise<void>, () => void] {
  let fire!: () => void;
  const fired = new Promise<void>((resolve) => (fire = resolve));
  return [fired, fire];
}

/** `work` in a transaction of its own, with the backend that runs it (PostgreSQL). */
function inOwnTransaction(db: TestDatabase['db'], work: (tx: Executor) => Promise<unknown>) {
  const [started, startedNow] = signal();
  let pid = 0;
  let finished = false;
  const done = db
    .transaction(async (tx) => {
      const [row] = await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
      pid = Number(row!.pid);
      startedNow();
      await work(tx);
    })
    .finally(() => (finished = true));
  return { started, done, pid: () => pid, finished: () => finished };
}

/** Whether the transaction waited for a lock (its backend seen waiting) before it finished. */
async function waitedOrDone(db: Executor, w: ReturnType<typeof inOwnTransaction>) {
  await w.started;
  const deadline = Date.now() + HANG_GUARD_MS / 2;
  for (;;) {
    if (w.finished()) return false;
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`select count(*)::int as n from pg_locks where pid = ${w.pid()} and not granted`,
    );
    if (Number(row!.n) > 0) return true;
    if (Date.now() > deadline) throw new Error('the transaction neither finished nor waited');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * `hold` in a transaction held open after it ran; meanwhile each of `writes`, in order, in a transaction of its
 * own, and whether it waited for a lock (or finished first); then the held one commits and all finish.
 * Resolves with who waited and how each transaction ended (the held one first).
 */
export async function writesWhileHeld(
  db: TestDatabase['db'],
  hold: (tx: Executor) => Promise<unknown>,
  writes: Record<string, (tx: Executor) => Promise<unknown>>,
) {
  const [held, heldNow] = signal();
  const [commit, commitNow] = signal();
  const holder = db.transaction(async (tx) => {
    await hold(tx);
    heldNow();
    await commit;
  });
  await Promise.race([held, holder]);
  const waited: Record<string, boolean> = {};
  const done: Promise<unknown>[] = [];
  for (const [name, work] of Object.entries(writes)) {
    const write = inOwnTransaction(db, work);
    done.push(write.done);
    waited[name] = await waitedOrDone(db, write);
  }
  commitNow();
  const outcomes = await Promise.allSettled([holder, ...done]);
  return { waited, statuses: outcomes.map((outcome) => outcome.status) };
}
