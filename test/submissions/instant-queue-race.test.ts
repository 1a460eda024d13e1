import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { submitProof, type SubmissionsDeps } from '../../core/submissions/index.js';
import type { MofEInvoicePlatform } from '../../core/verification/index.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import {
  BRAND_ID,
  budgetRunner,
  createWorld,
  detailRequests,
  MEMBER_A,
  MEMBER_B,
  TEA_INVOICE,
  typed,
  type World,
} from './world.js';

const PROOFS = 16;
/** One permit a second for the deployment: a second check in the same second would wait 1 s. */
const RATE_PER_SECOND = 1;
/** Less than one permit's interval: at most one check per second may go in the request. */
const ANSWER_AT_ONCE_AFTER_MS = 400;
const invoiceNumberOf = (i: number) => `RC${String(10_000_000 + i)}`;

describe('"check now or queue" is one decision on the shared MoF budget', () => {
  let world: World;
  let other: Awaited<ReturnType<World['otherRunner']>>;
  let campaignId: string;

  beforeAll(async () => {
    world = await createWorld();
    world.sim.admin.addInvoices(
      Array.from({ length: PROOFS }, (_, i) => ({ ...TEA_INVOICE, invoiceNumber: invoiceNumberOf(i) })),
    );
    campaignId = await world.createTeaCampaign();
    // On PostgreSQL the second runner has a pool of its own, as a second process would.
    other = await world.otherRunner();
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await other?.close();
    await world?.close();
  });

  test(
    'when many chat proofs arrive at once at two runners, then each checked in its request had its own permit within the limit, and each queued one took none and was not checked',
    async () => {
      // Arrange: two runners (two processes on PostgreSQL) share one budget in the database.
      const runners = [world.deps, other.deps].map((deps) =>
        budgetRunner(world, deps, {
          ratePerSecond: RATE_PER_SECOND,
          answerAtOnceAfterMs: ANSWER_AT_ONCE_AFTER_MS,
        }),
      );
      world.sim.admin.resetRequestCounts();

      // Act: every proof at once, alternating between the runners.
      const results = await Promise.all(
        Array.from({ length: PROOFS }, (_, i) =>
          submitProof(runners[i % 2] as SubmissionsDeps, {
            brandId: BRAND_ID,
            memberId: i % 2 ? MEMBER_B : MEMBER_A,
            campaignId,
            channel: 'chat',
            sourceRef: `evt-race-${i}`,
            input: { type: 'text', text: typed({ ...TEA_INVOICE, invoiceNumber: invoiceNumberOf(i) }) },
          }),
        ),
      );

      // Assert: the queued ones were neither asked about nor given a permit …
      const queued = results.flatMap((result, i) => (result.outcome === 'queued' ? [i] : []));
      const checked = results.flatMap((result, i) => (result.outcome === 'queued' ? [] : [i]));
      for (const i of queued) expect(detailRequests(world.sim, invoiceNumberOf(i))).toBe(0);
      for (const i of checked) expect(detailRequests(world.sim, invoiceNumberOf(i))).toBe(1);
      const [rows] = await queryRows<{ queued: number; waiting: number }>(
        world.database.db,
        sql`select count(*) filter (where reason_code = 'verification.queued')::int as queued,
                   count(*) filter (where state = 'parsed' and check_attempts = 0)::int as waiting
              from submissions where source_ref like 'evt-race-%'`,
      );
      expect(rows).toEqual({ queued: queued.length, waiting: queued.length });
      // … and each checked in its request had one permit, never one that made it wait past the limit (on
      // the budget's own clock: a permit's wait is the database's answer, not a timing of this machine).
      const permits = runners.flatMap(
        (runner) => (runner.platform as unknown as MofEInvoicePlatform).rateLimiter.stats().waits,
      );
      expect(permits).toHaveLength(checked.length);
      expect(Math.max(...permits)).toBeLessThanOrEqual(ANSWER_AT_ONCE_AFTER_MS);
      // More proofs than the budget takes in the time: some were checked at once, the rest queued.
      expect(checked.length).toBeGreaterThan(0);
      expect(queued.length).toBeGreaterThan(0);
    },
    HANG_GUARD_MS,
  );
});
