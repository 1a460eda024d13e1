import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { overrideConfig } from '../../core/config/config.js';
import { submitProof, type SubmissionsDeps } from '../../core/submissions/index.js';
import { buildEInvoicePlatform, type MofEInvoicePlatform } from '../../core/verification/index.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import {
  BRAND_ID,
  createWorld,
  detailRequests,
  MEMBER_A,
  MEMBER_B,
  TEA_INVOICE,
  typed,
  type World,
} from './world.js';

/** Before the campaign's purchase window (2024-11-01 … 2024-11-30): its dates rule it out. */
const EARLY_INVOICE = { ...TEA_INVOICE, invoiceNumber: 'EA10000001', invoiceDate: '2024-10-15' };

describe('an instant check that needs no MoF call takes no permit of the shared budget', () => {
  let world: World;
  let runner: SubmissionsDeps;
  const permitsTaken = () => (runner.platform as unknown as MofEInvoicePlatform).rateLimiter.stats().acquired;

  beforeAll(async () => {
    world = await createWorld();
    world.sim.admin.addInvoices([TEA_INVOICE, EARLY_INVOICE]);
    // The deployment's budget in the database, as chat proofs use it (a permit reserved when the proof is
    // stored); no member is made to wait here, so nothing is queued.
    const config = overrideConfig({
      mof: {
        apiBaseUrl: world.sim.url,
        maxRetries: 0,
        timeoutMs: HANG_GUARD_MS,
        rateLimitPerSecond: 1,
        answerAtOnceAfterMs: HANG_GUARD_MS,
      },
    });
    runner = {
      ...world.deps,
      platform: buildEInvoicePlatform(config, { db: world.database.db, priority: 'instant' }),
      answerAtOnceAfterMs: HANG_GUARD_MS,
    };
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await world?.close();
  });

  const send = (campaignId: string, memberId: string, sourceRef: string, invoice: typeof TEA_INVOICE) =>
    submitProof(runner, {
      brandId: BRAND_ID,
      memberId,
      campaignId,
      channel: 'chat',
      sourceRef,
      input: { type: 'text', text: typed(invoice) },
    });

  test(
    'when a chat proof is ruled out by its dates, then it is refused without a permit or a question',
    async () => {
      const campaignId = await world.createTeaCampaign();
      world.sim.admin.resetRequestCounts();

      const result = await send(campaignId, MEMBER_A, 'evt-permit-early', EARLY_INVOICE);

      expect(result.outcome).toBe('rejected');
      expect(detailRequests(world.sim, EARLY_INVOICE.invoiceNumber)).toBe(0);
      expect(permitsTaken()).toBe(0);
    },
    HANG_GUARD_MS,
  );

  test(
    "when a chat proof reuses the invoice's stored answer, then it is decided without a permit or a question",
    async () => {
      const first = await world.createTeaCampaign();
      const second = await world.createTeaCampaign();
      world.sim.admin.resetRequestCounts();
      const before = permitsTaken();

      // The first proof asks (one permit); the same invoice sent to another campaign reuses its answer.
      const asked = await send(first, MEMBER_A, 'evt-permit-asked', TEA_INVOICE);
      const reused = await send(second, MEMBER_B, 'evt-permit-reused', TEA_INVOICE);

      expect([asked.outcome, reused.outcome]).toEqual(['accepted', 'accepted']);
      expect(detailRequests(world.sim, TEA_INVOICE.invoiceNumber)).toBe(1);
      expect(permitsTaken() - before).toBe(1);
    },
    HANG_GUARD_MS,
  );
});
