import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq, sql } from 'drizzle-orm';
import { members } from '../../core/db/schema.js';
import { queryRows } from '../../core/db/database.js';
import {
  checkClaimedSubmission,
  createSubmissionsRepository,
  settleAnswers,
  submitProof,
  verifyDueSubmissions,
  type AnsweredCheck,
} from '../../core/submissions/index.js';
import { readCampaignSettings, createCampaignsRepository } from '../../core/campaigns/index.js';
import type { Logger } from '../../core/shared/logger.js';
import {
  BRAND_ID,
  createWorld,
  detailRequests,
  ISSUED_AT,
  MEMBER_A,
  MEMBER_B,
  TEA_INVOICE,
  TEA_REWARDS,
  TEA_RULES,
  typed,
  type World,
} from './world.js';

/**
 * Batch verification decides its answered proofs many to a transaction (`settleAnswers`). These tests hold
 * it to the single path: the same proofs decided one by one give the same states, decisions, points,
 * entries and analytics rows — caps counting the member's earlier proofs of the same batch, rewards held
 * for registration, answers that wait or refuse — and a runner whose lease lapsed decides nothing twice.
 */
describe('batch decisions', () => {
  let batched: World;
  let single: World;
  const warnings: string[] = [];
  const logger = {
    warn: (_: unknown, message: string) => warnings.push(message),
    error: (_: unknown, message: string) => warnings.push(message),
    info: () => {},
    debug: () => {},
  } as unknown as Logger;

  beforeAll(async () => {
    [batched, single] = await Promise.all([createWorld(), createWorld()]);
  });
  afterAll(async () => {
    await Promise.all([batched.close(), single.close()]);
  });

  const noTea = { items: [{ name: '洋芋片', quantity: 1, unitPrice: 100 }] };
  /** [member, campaign (0: caps, 1: registration required), invoice overrides, in the simulator, typed code]. */
  const proofs: [string, 0 | 1, Partial<typeof TEA_INVOICE>, boolean, string?][] = [
    [MEMBER_A, 0, {}, true],
    [MEMBER_B, 0, {}, true],
    [MEMBER_A, 0, noTea, true],
    [MEMBER_A, 0, { sellerAddress: '臺北市大安區復興南路一段1號' }, true],
    [MEMBER_A, 0, {}, false],
    [MEMBER_A, 0, {}, true],
    [MEMBER_A, 0, {}, true, '9999'],
    [MEMBER_B, 0, {}, true],
    [MEMBER_A, 0, {}, true],
    [MEMBER_A, 1, {}, true],
    [MEMBER_B, 1, {}, true],
  ];

  async function prepare(world: World) {
    // Caps: three accepted proofs a day, six points a day (each tea proof asks for five).
    const capped = await world.createTeaCampaign({
      verificationMode: 'batch',
      slug: 'capped',
      rules: { ...TEA_RULES, caps: { perMemberPerDay: 3 } },
      rewards: { ...TEA_REWARDS, points: { ...TEA_REWARDS.points!, caps: { perDay: 6 } } },
    });
    const held = await world.createTeaCampaign({
      verificationMode: 'batch',
      slug: 'held',
      rewards: { ...TEA_REWARDS, registrationRequired: true },
    });
    await world.database.db
      .update(members)
      .set({ registeredAt: new Date(ISSUED_AT) })
      .where(eq(members.id, MEMBER_B));
    for (const [index, [memberId, campaign, overrides, known, code]] of proofs.entries()) {
      const invoice = {
        ...TEA_INVOICE,
        invoiceNumber: `BD${String(30000000 + index)}`,
        ...overrides,
      };
      if (known) world.sim.admin.addInvoices([invoice]);
      const result = await submitProof(world.deps, {
        brandId: BRAND_ID,
        memberId,
        campaignId: campaign === 0 ? capped : held,
        channel: 'cli',
        sourceRef: `batch-${index}`,
        input: { type: 'text', text: typed({ ...invoice, randomCode: code ?? invoice.randomCode }) },
      });
      expect(result.outcome).toBe('being_checked');
    }
    world.clock.advanceHours(1);
  }

  /** Everything a decision writes, keyed by the proof's source ref (ids differ between the worlds). */
  async function snapshot(world: World) {
    const db = world.database.db;
    const rows = <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) =>
      queryRows<T>(db, query);
    return {
      submissions:
        await rows(sql`select source_ref, state, reason_code, decision, next_check_at, check_attempts
                                    from submissions order by source_ref`),
      ledger: await rows(sql`select s.source_ref, l.member_id, l.kind, l.points, l.reason, l.expires_at
                               from points_ledger l join submissions s on s.id = l.submission_id
                              order by s.source_ref`),
      entries: await rows(sql`select s.source_ref, e.weight from lottery_entries e
                                join submissions s on s.id = e.submission_id order by s.source_ref`),
      lineItems: await rows(sql`select s.source_ref, a.line_no, a.item_name, a.item_group, a.store_key,
                                       a.amount_minor, a.invoice_total_minor
                                  from analytics_line_items a join submissions s on s.id = a.submission_id
                                 order by s.source_ref, a.line_no`),
      stores: await rows(sql`select store_key, name, address, region_code from analytics_stores
                              order by store_key`),
      invoices: await rows(sql`select invoice_number, status, seller_name, seller_address, invoice_time,
                                      total_amount_minor, platform_answer
                                 from invoices order by invoice_number`),
      items: await rows(sql`select i.invoice_number, t.line_no, t.name, t.amount_minor
                              from invoice_items t join invoices i on i.id = t.invoice_id
                             order by i.invoice_number, t.line_no`),
    };
  }

  test('deciding a batch in one transaction writes what deciding its proofs one by one writes', async () => {
    await Promise.all([prepare(batched), prepare(single)]);
    const [inBatch, oneByOne] = await Promise.all([
      verifyDueSubmissions({ ...batched.deps, logger }, { concurrency: 1 }),
      verifyDueSubmissions({ ...single.deps, logger }, { concurrency: 1, decideBatchSize: 1 }),
    ]);
    expect(warnings).toEqual([]);
    expect(inBatch).toEqual(oneByOne);
    expect(inBatch.claimed).toBe(proofs.length);

    const [got, expected] = await Promise.all([snapshot(batched), snapshot(single)]);
    expect(got).toEqual(expected);
    // The case covers what it claims to (in whatever order the claim returned the proofs): the daily
    // proof cap, a day's points cap, a held reward, a proof that waits for its upload, a wrong random code.
    const byRef = new Map(got.submissions.map((row) => [row['source_ref'] as string, row]));
    const state = (index: number) => byRef.get(`batch-${index}`)?.['state'];
    const reason = (index: number) => byRef.get(`batch-${index}`)?.['reason_code'];
    expect([0, 3, 5, 8].map(state).sort()).toEqual(['rejected', 'rewarded', 'rewarded', 'rewarded']);
    expect([0, 3, 5, 8].map(reason).filter(Boolean)).toEqual(['rules.cap_per_day.reached']);
    expect([state(2), state(4), state(6), state(9), state(10)]).toEqual([
      'rejected',
      'awaiting_upload',
      'rejected',
      'accepted',
      'rewarded',
    ]);
    expect(reason(6)).toBe('verification.random_code_mismatch');
    const points = (memberId: string, refs: number[]) =>
      got.ledger
        .filter(
          (row) => row['member_id'] === memberId && refs.some((i) => row['source_ref'] === `batch-${i}`),
        )
        .map((row) => [Number(row['points']), row['reason']])
        .sort((a, b) => Number(a[0]) - Number(b[0]));
    expect(points(MEMBER_A, [0, 3, 5, 8])).toEqual([
      [0, 'capped:perDay'],
      [1, 'capped:perDay'],
      [5, null],
    ]);
    expect(points(MEMBER_B, [1, 7])).toEqual([
      [1, 'capped:perDay'],
      [5, null],
    ]);
    expect(points(MEMBER_B, [10])).toEqual([[5, null]]);
    expect(got.entries).toHaveLength(6);
    expect(got.lineItems.length).toBeGreaterThan(0);
  });

  test('a runner whose lease lapsed decides nothing when it wakes up, batch or not', async () => {
    const world = batched;
    const campaignId = await world.createTeaCampaign({ verificationMode: 'batch', slug: 'late' });
    const campaign = readCampaignSettings(
      (await createCampaignsRepository({ db: world.database.db, generateId: world.generateId }).getCampaign({
        brandId: BRAND_ID,
        campaignId,
      }))!,
    );
    const numbers = [0, 1, 2].map((index) => `BL${String(50000000 + index)}`);
    for (const [index, invoiceNumber] of numbers.entries()) {
      const invoice = { ...TEA_INVOICE, invoiceNumber };
      world.sim.admin.addInvoices([invoice]);
      await submitProof(world.deps, {
        brandId: BRAND_ID,
        memberId: index === 2 ? MEMBER_B : MEMBER_A,
        campaignId,
        channel: 'cli',
        sourceRef: `late-${index}`,
        input: { type: 'text', text: typed(invoice) },
      });
    }
    world.clock.advanceHours(1);
    const now = world.clock.now();
    const repository = createSubmissionsRepository({ db: world.database.db });
    // Runner 1 claims and asks the platform, then stalls past its lease.
    const claimed = (
      await repository.claimDueSubmissions({ now, leaseUntil: new Date(now.getTime() + 60_000), limit: 10 })
    ).filter((submission) => submission.campaignId === campaignId);
    expect(claimed).toHaveLength(3);
    const stale: AnsweredCheck[] = [];
    for (const submission of claimed) {
      const checked = await checkClaimedSubmission(world.deps, submission, campaign);
      if ('answered' in checked) stale.push(checked.answered);
    }
    expect(stale).toHaveLength(3);
    // Runner 2 takes them over and decides them (in one batch).
    world.clock.advanceHours(1);
    expect(await verifyDueSubmissions({ ...world.deps, logger })).toMatchObject({
      outcomes: { accepted: 3 },
    });
    const ledgerRows = async () =>
      (
        await queryRows<{ count: string | number }>(
          world.database.db,
          sql`select count(*) as count from points_ledger l join submissions s on s.id = l.submission_id
               where s.source_ref like 'late-%'`,
        )
      )[0]?.count;
    expect(Number(await ledgerRows())).toBe(3);
    // Runner 1 wakes up with its answers: fenced off, each proof answered as runner 2 decided it.
    const late = await settleAnswers({ ...world.deps, logger }, stale);
    expect(
      late.map((result) => (result instanceof Error ? result.message : result.submission?.state)),
    ).toEqual(['rewarded', 'rewarded', 'rewarded']);
    expect(Number(await ledgerRows())).toBe(3);
    for (const invoiceNumber of numbers) expect(detailRequests(world.sim, invoiceNumber)).toBe(2);
  });
});
