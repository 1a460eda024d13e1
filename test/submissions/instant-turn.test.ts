import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../../core/db/database.js';
import type { SubmissionsDeps } from '../../core/submissions/index.js';
import { decideInstantCheck } from '../../core/submissions/submissions.queue.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import { BRAND_ID, budgetRunner, createWorld, MEMBER_A, type World } from './world.js';

/** One permit every 20 s: a permit taken makes the next wait ~20 s, whatever this machine's load. */
const RATE_PER_SECOND = 0.05;
/** A member is answered "received, checking" when they would wait longer than this in all. */
const ANSWER_AT_ONCE_AFTER_MS = 10_000;

/**
 * "Check now or queue" takes the MoF budget's row, counts the checks queued ahead and takes the permit in
 * one call (`submissions_instant_turn`, #17). A second request deciding while the first holds the budget
 * must wait for it and see what it did: the permit it took, the proof it queued. On PostgreSQL the two
 * run on two connections at once (the second is blocked on the budget's row before the first commits);
 * PGlite has one connection, so there they run one after the other.
 */
describe("the instant check's turn on the shared MoF budget is one decision", () => {
  let world: World;
  let other: Awaited<ReturnType<World['otherRunner']>>;
  let campaignId: string;
  let runners: [SubmissionsDeps, SubmissionsDeps];
  let sequence = 0;

  beforeAll(async () => {
    world = await createWorld();
    campaignId = await world.createTeaCampaign();
    other = await world.otherRunner();
    const runnerOf = (deps: SubmissionsDeps) =>
      budgetRunner(world, deps, {
        ratePerSecond: RATE_PER_SECOND,
        answerAtOnceAfterMs: ANSWER_AT_ONCE_AFTER_MS,
      });
    runners = [runnerOf(world.deps), runnerOf(other.deps)];
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await other?.close();
    await world?.close();
  });

  /** The budget as after a quiet spell (no backlog), or with `backlogMs` of permits already taken. */
  const budgetWith = async (backlogMs: number) => {
    // The budget's row exists once it has been looked at.
    await runners[0].platform.budget?.waitMs();
    const budgets = await queryRows<{ key: string }>(
      world.database.db,
      sql`update platform_budgets set next_at = clock_timestamp() + make_interval(secs => ${backlogMs / 1000})
          returning key`,
    );
    expect(budgets).toHaveLength(1);
    await world.database.db.execute(sql`delete from submissions`);
  };

  /** A proof the retry worker is to check in turn (stored as `submitProof` queues one). */
  const storeQueuedProof = async (tx: Executor) => {
    const now = world.clock.now().toISOString();
    await tx.execute(
      sql`insert into submissions (id, brand_id, campaign_id, member_id, kind, channel, source_ref, raw_input,
                                   state, next_check_at, check_attempts, reason_code, created_at, updated_at)
          values (${`sub-turn-${++sequence}`}, ${BRAND_ID}, ${campaignId}, ${MEMBER_A}, 'einvoice_text', 'chat',
                  ${`evt-turn-${sequence}`}, '{}'::jsonb, 'parsed', ${now}::timestamptz, 0,
                  'verification.queued', ${now}::timestamptz, ${now}::timestamptz)`,
    );
  };

  /** A chat proof's decision, received `waitedMs` before the test clock's now. */
  const decide = (runner: SubmissionsDeps, tx: Executor, waitedMs: number) => {
    const now = world.clock.now();
    return decideInstantCheck(
      runner,
      tx,
      { channel: 'chat', receivedAt: new Date(now.getTime() - waitedMs) },
      now,
    );
  };

  /**
   * The first decision (with `then`, in its transaction) and, while it still holds the budget, the
   * second one on the other runner: on PostgreSQL the first commits only once the second waits on a lock.
   */
  const twoAtOnce = async (
    first: (tx: Executor) => Promise<unknown>,
    second: (tx: Executor) => ReturnType<typeof decide>,
  ) => {
    const [a, b] = runners;
    if (!world.database.url) {
      await a.db.transaction(first);
      return b.db.transaction(second);
    }
    let secondDone: ReturnType<typeof decide> | undefined;
    await a.db.transaction(async (tx) => {
      await first(tx);
      secondDone = b.db.transaction(second);
      const deadline = Date.now() + HANG_GUARD_MS;
      for (;;) {
        const [row] = await queryRows<{ waiting: number }>(
          world.database.db,
          sql`select count(*)::int as waiting from pg_stat_activity
               where datname = current_database() and wait_event_type = 'Lock'`,
        );
        if ((row?.waiting ?? 0) > 0) break;
        if (Date.now() > deadline) throw new Error('the second decision never waited for the budget');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    });
    return (await secondDone) as Awaited<ReturnType<typeof decide>>;
  };

  test(
    'when two chat proofs are decided at once on an idle budget, then only the first gets the permit and the second is queued behind it',
    async () => {
      // Arrange
      await budgetWith(0);
      let first: Awaited<ReturnType<typeof decide>>;

      // Act
      const second = await twoAtOnce(
        async (tx) => {
          first = await decide(runners[0], tx, 0);
        },
        (tx) => decide(runners[1], tx, 0),
      );

      // Assert: the first goes now; the second would wait for the next permit (~20 s) and is not given one.
      expect(first!).toEqual({ permit: expect.objectContaining({ key: expect.stringMatching(/^mof\|/) }) });
      expect(second?.permit).toBeUndefined();
      expect(second?.queued).toEqual({ position: 2, etaMs: expect.any(Number) });
      expect(second?.queued?.etaMs).toBeGreaterThan(ANSWER_AT_ONCE_AFTER_MS);
    },
    HANG_GUARD_MS,
  );

  test(
    'when a proof is queued while another request waits for the budget, then that request counts it ahead and is queued too',
    async () => {
      // Arrange: a backlog of 5 s, under the 10 s a member may wait: a proof with nothing queued ahead
      // would go now; one with a check queued ahead (20 s more) would not.
      await budgetWith(5_000);

      // Act: the first has waited long already, so it is queued (and stores its queued proof).
      const second = await twoAtOnce(
        async (tx) => {
          const first = await decide(runners[0], tx, 60_000);
          expect(first?.queued).toBeDefined();
          await storeQueuedProof(tx);
        },
        (tx) => decide(runners[1], tx, 0),
      );

      // Assert
      expect(second?.permit).toBeUndefined();
      expect(second?.queued?.position).toBe(2);
    },
    HANG_GUARD_MS,
  );
});
