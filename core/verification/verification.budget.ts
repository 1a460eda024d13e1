import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { realSleep, type RateLimiter, type Sleep } from './verification.rate-limiter.js';
import type { BudgetDecision, BudgetPermit, BudgetTurn, BudgetTurnRow } from './verification.types.js';

/**
 * Who is asking: a member waiting in the chat (`instant`) or the batch job. Batch work only takes a
 * permit when the bucket has no backlog, so instant proofs never queue behind a batch.
 */
export type BudgetPriority = 'instant' | 'batch';

export type DatabaseRateLimiter = RateLimiter & {
  /** How long (ms) a permit taken now would wait, without taking it. */
  estimateWaitMs: () => Promise<number>;
  /**
   * One atomic decision inside `tx`: locks the budget's row (held until `tx` ends), hands `decide` the
   * backlog, and takes a permit, for `acquire(permit)`, only when it says yes.
   */
  reserve: (tx: Executor, decide: BudgetDecision) => Promise<BudgetPermit | undefined>;
  /** `reserve` as one statement of the caller's (`BudgetTurn`): the row it returned, and the permit taken. */
  reserveIn: <Row extends BudgetTurnRow>(
    tx: Executor,
    turn: BudgetTurn,
  ) => Promise<{ row: Row | undefined; permit?: BudgetPermit }>;
};

/** A batch caller waits in steps of at most this long for the backlog to clear. */
const BATCH_RETRY_MAX_MS = 1_000;

/**
 * A token bucket shared by every process of the deployment: the bucket is a row of `platform_budgets`,
 * and a permit is one atomic UPDATE … RETURNING of its theoretical arrival time, on the database's clock
 * (the same for every process). `ratePerSecond` is the deployment's ceiling, whatever the number of
 * processes; `burst` permits may go at once after a quiet spell.
 */
export function createDatabaseRateLimiter({
  db,
  key,
  ratePerSecond,
  burst = 1,
  priority = 'instant',
  sleep = realSleep,
}: {
  db: Executor;
  key: string;
  ratePerSecond: number;
  /** @default 1 */
  burst?: number;
  /** @default 'instant' */
  priority?: BudgetPriority;
  sleep?: Sleep;
}): DatabaseRateLimiter {
  if (!(ratePerSecond > 0)) throw new RangeError('ratePerSecond must be > 0');
  const intervalMs = 1000 / ratePerSecond;
  const toleranceMs = (Math.max(1, Math.floor(burst)) - 1) * intervalMs;
  let ensured: Promise<unknown> | undefined;
  // Once per limiter: drizzle's query is a lazy thenable that runs again at every await, so the promise of
  // its one run is kept (before, every wait estimate and permit sent the insert again: 235 statements in a
  // burst of 200 typed e-invoices). A failed run is tried again next time.
  const ensureRow = () =>
    (ensured ??= Promise.resolve(
      db.execute(
        sql`insert into platform_budgets (key, next_at) values (${key}, clock_timestamp()) on conflict (key) do nothing`,
      ),
    ).catch((error: unknown) => {
      ensured = undefined;
      throw error;
    }));
  const waits: number[] = [];
  const grantedAt: number[] = [];

  /** Takes a permit (batch: only when there is no backlog); the wait it comes with, or undefined. */
  const take = async (onlyWithoutBacklog: boolean, executor: Executor = db): Promise<number | undefined> => {
    if (executor === db) await ensureRow();
    const rows = await queryRows<{ wait_ms: number | string }>(
      executor,
      sql`with t as (select clock_timestamp() as now)
          update platform_budgets b
             set next_at = greatest(b.next_at, t.now) + make_interval(secs => ${intervalMs / 1000})
            from t
           where b.key = ${key}
             ${onlyWithoutBacklog ? sql`and b.next_at <= t.now + make_interval(secs => ${toleranceMs / 1000})` : sql``}
       returning extract(epoch from (b.next_at - t.now)) * 1000 as wait_ms`,
    );
    const row = rows[0];
    if (!row) return undefined;
    return Math.max(0, Number(row.wait_ms) - intervalMs - toleranceMs);
  };

  const estimateWaitMs = async () => {
    await ensureRow();
    const rows = await queryRows<{ backlog_ms: number | string }>(
      db,
      sql`select extract(epoch from (next_at - clock_timestamp())) * 1000 as backlog_ms
            from platform_budgets where key = ${key}`,
    );
    return Math.max(0, Number(rows[0]?.backlog_ms ?? 0) - toleranceMs);
  };

  // Permits reserved ahead and not used yet: each is waited for once, by the question it was taken for.
  const reserved = new WeakSet<BudgetPermit>();

  const reserve = async (tx: Executor, decide: BudgetDecision): Promise<BudgetPermit | undefined> => {
    // Locks the row (creating it the first time) until `tx` ends: a permit taken by anyone else waits.
    const [locked] = await queryRows<{ backlog_ms: number | string }>(
      tx,
      sql`insert into platform_budgets (key, next_at) values (${key}, clock_timestamp())
          on conflict (key) do update set next_at = platform_budgets.next_at
          returning extract(epoch from (platform_budgets.next_at - clock_timestamp())) * 1000 as backlog_ms`,
    );
    const backlogMs = Math.max(0, Number(locked?.backlog_ms ?? 0) - toleranceMs);
    if (!(await decide(backlogMs))) return undefined;
    return granted((await take(false, tx)) ?? 0);
  };

  /** A permit the caller's statement took, waiting `waitMs` (the database's answer). */
  const granted = (waitMs: number): BudgetPermit => {
    waits.push(waitMs);
    grantedAt.push(Date.now() + waitMs);
    const permit: BudgetPermit = { key, at: Date.now() + waitMs };
    reserved.add(permit);
    return permit;
  };

  const reserveIn = async <Row extends BudgetTurnRow>(tx: Executor, turn: BudgetTurn) => {
    const [row] = await queryRows<Row>(tx, turn({ key, intervalMs, toleranceMs }));
    const wait = row?.wait_ms;
    return { row, ...(wait === null || wait === undefined ? {} : { permit: granted(Number(wait)) }) };
  };

  return {
    ratePerSecond,
    estimateWaitMs,
    reserve,
    reserveIn,
    acquire: async (permit) => {
      if (permit && reserved.has(permit)) {
        reserved.delete(permit);
        const wait = permit.at - Date.now();
        if (wait > 0) await sleep(wait);
        return;
      }
      const started = Date.now();
      for (;;) {
        const wait = await take(priority === 'batch');
        if (wait !== undefined) {
          waits.push(Date.now() - started + wait);
          grantedAt.push(Date.now() + wait);
          if (wait > 0) await sleep(wait);
          return;
        }
        // Batch: members are waiting on the instant checks ahead; look again when their backlog clears.
        await sleep(Math.min(BATCH_RETRY_MAX_MS, Math.max(intervalMs, await estimateWaitMs())));
      }
    },
    stats: () => ({ acquired: waits.length, waits: [...waits], grantedAt: [...grantedAt] }),
  };
}
