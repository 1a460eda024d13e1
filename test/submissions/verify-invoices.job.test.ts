import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Services } from '../../core/app/build-services.js';
import { overrideConfig } from '../../core/config/config.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { eq, sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { submissions, submitProof, verifyDueSubmissions } from '../../core/submissions/index.js';
import { buildJobs } from '../../jobs/registry.js';
import { createVerifyInvoicesJob, createVerifyInvoicesRetryWorker } from '../../jobs/verify-invoices.job.js';
import { BRAND_ID, createWorld, detailRequests, MEMBER_A, TEA_INVOICE, typed, type World } from './world.js';
import { HANG_GUARD_MS } from '../support/timing.js';

describe('verify-invoices job and retry worker', () => {
  let world: World;
  let services: Services;

  beforeAll(async () => {
    world = await createWorld();
    services = {
      config: overrideConfig({
        mof: {
          apiBaseUrl: world.sim.url,
          maxRetries: 0,
          timeoutMs: HANG_GUARD_MS,
          rateLimitPerSecond: 1_000,
        },
        jobs: { verifyInvoicesCron: '0 */4 * * *' },
      }),
      logger: createSilentLogger(),
      clock: world.clock,
      generateId: world.generateId,
      database: world.database,
    };
  });
  afterAll(async () => {
    await world.close();
  });

  test('the job is registered on the configured schedule, in Taiwan time', () => {
    const { jobs, workers } = buildJobs(services);

    expect(jobs.find((job) => job.name === 'verify-invoices')).toMatchObject({
      cron: '0 */4 * * *',
      timezone: 'Asia/Taipei',
    });
    expect(workers.map((worker) => worker.name)).toContain('verify-invoices-retry');
  });

  test('the scheduled run verifies every due batch submission in batches; the retry worker only instant ones', async () => {
    const batchCampaign = await world.createTeaCampaign({ verificationMode: 'batch' });
    const instantCampaign = await world.createTeaCampaign({ verificationMode: 'instant' });
    const numbers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const invoice = { ...TEA_INVOICE, invoiceNumber: `CD${String(30000000 + i)}` };
      world.sim.admin.addInvoices([invoice]);
      numbers.push(invoice.invoiceNumber);
      await submitProof(world.deps, {
        brandId: BRAND_ID,
        memberId: MEMBER_A,
        campaignId: batchCampaign,
        channel: 'chat',
        sourceRef: `job-${i}`,
        input: { type: 'text', text: typed(invoice) },
      });
    }
    const late = { ...TEA_INVOICE, invoiceNumber: 'CD39999999', uploadedAfterHours: 2 };
    world.sim.admin.addInvoices([late]);
    const waiting = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId: instantCampaign,
      channel: 'chat',
      sourceRef: 'job-late',
      input: { type: 'text', text: typed(late) },
    });
    expect(waiting.outcome).toBe('awaiting_upload');
    world.clock.advanceHours(3);

    const retried = await createVerifyInvoicesRetryWorker(services).runOnce();
    expect(retried).toBe(1);
    expect(numbers.map((number) => detailRequests(world.sim, number))).toEqual([0, 0, 0, 0, 0]);

    const summary = await createVerifyInvoicesJob(services, { batchSize: 2 }).run();
    expect(summary).toMatchObject({ claimed: 5, accepted: 5 });
    expect(numbers.map((number) => detailRequests(world.sim, number))).toEqual([1, 1, 1, 1, 1]);
  });

  /** `count` batch proofs of a new campaign, each its own invoice in the simulator. */
  async function pendingProofs(count: number, prefix: string) {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'batch' });
    const numbers: string[] = [];
    for (let i = 0; i < count; i++) {
      const invoice = { ...TEA_INVOICE, invoiceNumber: `${prefix}${String(10000000 + i)}` };
      world.sim.admin.addInvoices([invoice]);
      numbers.push(invoice.invoiceNumber);
      await submitProof(world.deps, {
        brandId: BRAND_ID,
        memberId: MEMBER_A,
        campaignId,
        channel: 'chat',
        sourceRef: `${prefix}-${i}`,
        input: { type: 'text', text: typed(invoice) },
      });
    }
    const decided = async () =>
      (
        await world.database.db
          .select({ state: submissions.state })
          .from(submissions)
          .where(eq(submissions.campaignId, campaignId))
      ).filter(({ state }) => state !== 'parsed').length;
    return { numbers, decided };
  }

  test("claim after claim: the next claim's checks are asked before the previous claim's answers are decided", async () => {
    const { numbers, decided } = await pendingProofs(6, 'CE');
    const decidedWhenAsked: number[] = [];
    const deps = {
      ...world.deps,
      platform: {
        ...world.deps.platform,
        getInvoiceDetail: async (query: Parameters<typeof world.deps.platform.getInvoiceDetail>[0]) => {
          decidedWhenAsked.push(await decided());
          return world.deps.platform.getInvoiceDetail(query);
        },
      },
    };

    const result = await verifyDueSubmissions(deps, { limit: 2, concurrency: 1, maxClaims: 10 });

    // Three claims of two (and a fourth, empty); nothing was decided while the platform was being asked.
    expect(result).toEqual({ claimed: 6, outcomes: { accepted: 6 } });
    expect(decidedWhenAsked).toEqual([0, 0, 0, 0, 0, 0]);
    expect(await decided()).toBe(6);
    expect(numbers.map((number) => detailRequests(world.sim, number))).toEqual([1, 1, 1, 1, 1, 1]);
  });

  test('two runners claiming ahead at once verify each proof exactly once', async () => {
    const { numbers, decided } = await pendingProofs(24, 'CF');
    const other = await world.otherRunner();
    try {
      const [first, second] = await Promise.all([
        verifyDueSubmissions(world.deps, { limit: 3, concurrency: 2, maxClaims: 100, decideBatchSize: 2 }),
        verifyDueSubmissions(other.deps, { limit: 3, concurrency: 2, maxClaims: 100, decideBatchSize: 2 }),
      ]);
      expect(first.claimed + second.claimed).toBe(24);
      expect((first.outcomes.accepted ?? 0) + (second.outcomes.accepted ?? 0)).toBe(24);
    } finally {
      await other.close();
    }
    expect(await decided()).toBe(24);
    expect(numbers.map((number) => detailRequests(world.sim, number))).toEqual(numbers.map(() => 1));
    // One earning per proof, none twice.
    const [row] = await queryRows<{ earned: number; proofs: number }>(
      world.database.db,
      sql`select count(*)::int as earned, count(distinct submission_id)::int as proofs from points_ledger
           where kind = 'earn' and submission_id in (select id from submissions where source_ref like 'CF-%')`,
    );
    expect(row).toEqual({ earned: 24, proofs: 24 });
  });
});
