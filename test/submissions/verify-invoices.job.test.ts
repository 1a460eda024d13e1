import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Services } from '../../core/app/build-services.js';
import { overrideConfig } from '../../core/config/config.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { submitProof } from '../../core/submissions/index.js';
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
});
