import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import { invoiceItems, invoices, lotteryEntries, pointsLedger, submissions } from '../../core/db/schema.js';
import { createLogger } from '../../core/shared/logger.js';
import {
  createSubmissionsRepository,
  decideReviewedSubmission,
  submitProof,
  verifyDueSubmissions,
} from '../../core/submissions/index.js';
import {
  BRAND_ID,
  createWorld,
  detailRequests,
  ISSUED_AT,
  MEMBER_A,
  MEMBER_B,
  TEA_INVOICE,
  typed,
  type World,
} from './world.js';

/**
 * The e-invoice lifecycle end to end, against the MoF simulator over real HTTP, on PGlite or (with
 * TEST_DATABASE_URL) on PostgreSQL.
 */
describe('submission lifecycle', () => {
  let world: World;
  let invoiceSeq = 0;

  beforeAll(async () => {
    world = await createWorld();
  });
  afterAll(async () => {
    await world.close();
  });
  beforeEach(() => {
    world.clock.set(ISSUED_AT);
    world.sim.admin.resetRequestCounts();
  });

  /** A fresh invoice in the simulator (a distinct number per test). */
  function addInvoice(overrides: Partial<typeof TEA_INVOICE> = {}) {
    invoiceSeq += 1;
    const invoice = { ...TEA_INVOICE, invoiceNumber: `AB${String(20000000 + invoiceSeq)}`, ...overrides };
    world.sim.admin.addInvoices([invoice]);
    return invoice;
  }

  const ref = () => `evt_${++invoiceSeq}_${Math.random().toString(36).slice(2)}`;

  test('instant mode: a typed invoice is verified, decided and rewarded at once', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice();

    const result = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: typed(invoice) },
    });

    expect(result.outcome).toBe('accepted');
    expect(result.submission?.state).toBe('rewarded');
    // Tea: 2 × NT$25 = NT$50 matched → 5 points, 1 entry.
    expect(result.rewards?.quantities).toEqual({ points: 5, entries: 1, instantWin: false });
    expect(result.rewards?.granted?.pointsEarned).toBe(5);
    expect(result.decision?.verdicts.every((verdict) => verdict.passed)).toBe(true);
    expect(result.decision?.matchedAmountMinor).toBe(5_000);
    expect(detailRequests(world.sim, invoice.invoiceNumber)).toBe(1);

    const [row] = await world.database.db
      .select()
      .from(invoices)
      .where(eq(invoices.id, result.submission?.invoiceId as string));
    expect(row).toMatchObject({
      status: 'verified',
      totalAmountMinor: 15_000,
      sellerName: invoice.sellerName,
    });
    expect((row?.platformAnswer as { status: string }).status).toBe('found');
    const items = await world.database.db
      .select()
      .from(invoiceItems)
      .where(eq(invoiceItems.invoiceId, row?.id as string));
    expect(items.map((item) => [item.name, item.amountMinor])).toEqual([
      ['好茶 綠茶 600ml', 5_000],
      ['洋芋片', 10_000],
    ]);
  });

  test('a redelivered event gets the same answer and has no second effect', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice();
    const command = {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat' as const,
      sourceRef: ref(),
      input: { type: 'text' as const, text: typed(invoice) },
    };

    const first = await submitProof(world.deps, command);
    const again = await submitProof(world.deps, command);

    expect(first.outcome).toBe('accepted');
    expect(again.outcome).toBe('accepted');
    expect(again.submission?.id).toBe(first.submission?.id);
    expect(again.rewards?.quantities).toEqual(first.rewards?.quantities);
    expect(detailRequests(world.sim, invoice.invoiceNumber)).toBe(1);
    const ledger = await world.database.db
      .select()
      .from(pointsLedger)
      .where(eq(pointsLedger.submissionId, first.submission?.id as string));
    expect(ledger).toHaveLength(1);
    const entries = await world.database.db
      .select()
      .from(lotteryEntries)
      .where(eq(lotteryEntries.submissionId, first.submission?.id as string));
    expect(entries).toHaveLength(1);
  });

  test('the same invoice again: "you already sent this" to its sender, a neutral answer to anyone else', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice();
    const send = (memberId: string) =>
      submitProof(world.deps, {
        brandId: BRAND_ID,
        memberId,
        campaignId,
        channel: 'chat',
        sourceRef: ref(),
        input: { type: 'text', text: typed(invoice) },
      });

    const first = await send(MEMBER_A);
    const self = await send(MEMBER_A);
    const other = await send(MEMBER_B);

    expect(first.outcome).toBe('accepted');
    expect(self.outcome).toBe('duplicate_self');
    expect(self.submission?.id).toBe(first.submission?.id);
    // Nothing about the holder leaks to another member.
    expect(other).toEqual({ outcome: 'duplicate_other' });
    expect(detailRequests(world.sim, invoice.invoiceNumber)).toBe(1);
  });

  test('two members registering the same invoice at the same moment: exactly one is accepted', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice();

    const results = await Promise.all(
      [MEMBER_A, MEMBER_B].map((memberId) =>
        submitProof(world.deps, {
          brandId: BRAND_ID,
          memberId,
          campaignId,
          channel: 'liff',
          sourceRef: ref(),
          input: { type: 'text', text: typed(invoice) },
        }),
      ),
    );

    expect(results.map((result) => result.outcome).sort()).toEqual(['accepted', 'duplicate_other']);
    const rows = await world.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.campaignId, campaignId));
    expect(rows).toHaveLength(1);
    expect(detailRequests(world.sim, invoice.invoiceNumber)).toBe(1);
  });

  test('a wrong random code is rejected, and the stored answer spares a second query', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice();
    const wrong = typed({ ...invoice, randomCode: '9999' });

    const first = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: wrong },
    });
    // Rejected proofs do not hold the invoice: the same member may try again, with the same code…
    const again = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: wrong },
    });
    // …and then with the right one.
    const right = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: typed(invoice) },
    });

    expect(first).toMatchObject({
      outcome: 'rejected',
      submission: { reasonCode: 'verification.random_code_mismatch' },
    });
    expect(again.outcome).toBe('rejected');
    expect(right.outcome).toBe('accepted');
    // One query for 9999 (answered once, then reused), one for 1234.
    expect(detailRequests(world.sim, invoice.invoiceNumber)).toBe(2);
  });

  test('instant mode: not uploaded yet → awaiting upload; the retry worker accepts it once it appears', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice({ uploadedAfterHours: 20 });

    const first = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: typed(invoice) },
    });
    expect(first.outcome).toBe('awaiting_upload');
    expect(first.submission?.state).toBe('awaiting_upload');
    expect(first.nextCheckAt?.toISOString()).toBe('2024-11-05T04:15:00.000Z');

    let accepted = false;
    let runs = 0;
    while (!accepted && runs < 30) {
      world.clock.advanceHours(1);
      runs += 1;
      await verifyDueSubmissions(world.deps, { verificationMode: 'instant' });
      const row = await createSubmissionsRepository({ db: world.database.db }).getSubmission({
        brandId: BRAND_ID,
        submissionId: first.submission?.id as string,
      });
      accepted = row?.state === 'rewarded';
    }

    expect(accepted).toBe(true);
    expect(runs).toBeGreaterThanOrEqual(20);
    // Back-off: 15 min doubling to 4 h, so far fewer queries than hourly runs.
    expect(detailRequests(world.sim, invoice.invoiceNumber)).toBeLessThan(runs);
  });

  test('batch mode: an invoice that appears after 50 simulated hours is accepted on a later batch run', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'batch' });
    const invoice = addInvoice({ uploadedAfterHours: 50 });

    const submitted = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: typed(invoice) },
    });
    expect(submitted.outcome).toBe('being_checked');
    expect(submitted.submission?.state).toBe('parsed');
    expect(detailRequests(world.sim)).toBe(0);

    const repository = createSubmissionsRepository({ db: world.database.db });
    const states: string[] = [];
    for (let hour = 4; hour <= 60; hour += 4) {
      world.clock.set(new Date(Date.parse(ISSUED_AT) + hour * 3_600_000));
      await verifyDueSubmissions(world.deps, { limit: 50 });
      const row = await repository.getSubmission({
        brandId: BRAND_ID,
        submissionId: submitted.submission?.id as string,
      });
      states.push(`${hour}h:${row?.state}`);
    }

    expect(states.filter((state) => state.endsWith('awaiting_upload')).length).toBeGreaterThan(0);
    expect(states).toContain('48h:awaiting_upload');
    expect(states).toContain('52h:rewarded');
    expect(states.at(-1)).toBe('60h:rewarded');
  });

  test('an invoice still missing after the upload window and grace is rejected with that reason', async () => {
    const campaignId = await world.createTeaCampaign({
      verificationMode: 'batch',
      rules: { itemGroups: [{ key: 'tea', keywords: ['茶'] }], upload: { windowDays: 3, graceHours: 12 } },
    });
    const invoice = addInvoice({ uploadedAfterHours: 500 });
    const submitted = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: typed(invoice) },
    });
    const repository = createSubmissionsRepository({ db: world.database.db });
    const stateAt = async (iso: string) => {
      world.clock.set(iso);
      await verifyDueSubmissions(world.deps, { limit: 50 });
      return repository.getSubmission({
        brandId: BRAND_ID,
        submissionId: submitted.submission?.id as string,
      });
    };

    // Deadline: the end of 2024-11-08 Taipei (3 days after 11-05) + 12 h = 2024-11-09T04:00Z.
    expect((await stateAt('2024-11-09T03:00:00Z'))?.state).toBe('awaiting_upload');
    const last = await stateAt('2024-11-09T04:00:00Z');
    expect(last).toMatchObject({ state: 'rejected', reasonCode: 'verification.not_uploaded' });
  });

  test('two batch runners started together verify each submission exactly once', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'batch' });
    const count = 24;
    const sent = [];
    for (let i = 0; i < count; i++) {
      const invoice = addInvoice();
      sent.push(invoice.invoiceNumber);
      const result = await submitProof(world.deps, {
        brandId: BRAND_ID,
        memberId: i % 2 === 0 ? MEMBER_A : MEMBER_B,
        campaignId,
        channel: 'chat',
        sourceRef: ref(),
        input: { type: 'text', text: typed(invoice) },
      });
      expect(result.outcome).toBe('being_checked');
    }
    world.clock.advanceHours(4);
    world.sim.admin.resetRequestCounts();
    // Some latency so both runners are mid-flight at once.
    world.sim.admin.setKnobs({ latencyMs: 5 });
    const second = await world.otherRunner();
    // A runner logs and skips a proof it failed on (its lease lapses for a later run): here, where no later
    // run comes, such an error is the failure, and it is shown as it was logged.
    const logged: string[] = [];
    const capture = new Writable({
      write(line, _encoding, done) {
        logged.push(String(line));
        done();
      },
    });
    const logger = createLogger({ level: 'error', destination: capture });
    try {
      const runs = await Promise.all([
        verifyDueSubmissions({ ...world.deps, logger }, { limit: 6, concurrency: 2 }),
        verifyDueSubmissions({ ...second.deps, logger }, { limit: 6, concurrency: 2 }),
        verifyDueSubmissions({ ...world.deps, logger }, { limit: 6, concurrency: 2 }),
        verifyDueSubmissions({ ...second.deps, logger }, { limit: 6, concurrency: 2 }),
        verifyDueSubmissions({ ...world.deps, logger }, { limit: 6, concurrency: 2 }),
      ]);
      expect(runs.reduce((sum, run) => sum + run.claimed, 0)).toBe(count);
    } finally {
      world.sim.admin.setKnobs({ latencyMs: 0 });
      await second.close();
    }
    expect(logged).toEqual([]);

    for (const number of sent) expect(detailRequests(world.sim, number)).toBe(1);
    expect(detailRequests(world.sim)).toBe(count);
    const rows = await world.database.db
      .select()
      .from(submissions)
      .where(eq(submissions.campaignId, campaignId));
    expect(rows.map((row) => row.state)).toEqual(Array(count).fill('rewarded'));
    // A further run finds nothing due.
    expect((await verifyDueSubmissions(world.deps)).claimed).toBe(0);
  });

  test('caps per member per day: the second proof of the day is refused with the reason', async () => {
    const campaignId = await world.createTeaCampaign({
      verificationMode: 'instant',
      rules: { itemGroups: [{ key: 'tea', keywords: ['茶'] }], caps: { perMemberPerDay: 1 } },
    });
    const send = (invoice: { invoiceNumber: string; invoiceDate: string; randomCode: string }) =>
      submitProof(world.deps, {
        brandId: BRAND_ID,
        memberId: MEMBER_B,
        campaignId,
        channel: 'chat',
        sourceRef: ref(),
        input: { type: 'text', text: typed(invoice) },
      });

    const first = await send(addInvoice());
    const second = await send(addInvoice());
    world.clock.set('2024-11-05T16:30:00Z'); // 00:30 the next day in Taipei
    const nextDay = await send(addInvoice());

    expect(first.outcome).toBe('accepted');
    expect(second).toMatchObject({
      outcome: 'rejected',
      submission: { reasonCode: 'rules.cap_per_day.reached' },
    });
    expect(nextDay.outcome).toBe('accepted');
  });

  test('a proof outside the rules is rejected with every verdict stored', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice({ items: [{ name: '洋芋片', quantity: 1, unitPrice: 150 }] });

    const result = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'text', text: typed(invoice) },
    });

    expect(result).toMatchObject({
      outcome: 'rejected',
      submission: { reasonCode: 'rules.item_groups.no_match' },
    });
    const stored = result.submission?.decision as { verdicts: { rule: string; passed: boolean }[] };
    expect(stored.verdicts.find((verdict) => verdict.rule === 'item_groups')?.passed).toBe(false);
    expect(stored.verdicts.find((verdict) => verdict.rule === 'purchase_date')?.passed).toBe(true);
    expect(result.rewards?.quantities).toEqual({ points: 0, entries: 0, instantWin: false });
  });

  test('text that is not a proof, an incomplete proof, and no campaign for the proof kind', async () => {
    const base = { brandId: BRAND_ID, memberId: MEMBER_A, channel: 'chat' as const };

    const chat = await submitProof(world.deps, {
      ...base,
      sourceRef: ref(),
      input: { type: 'text', text: '你好' },
    });
    const incomplete = await submitProof(world.deps, {
      ...base,
      sourceRef: ref(),
      input: { type: 'text', text: 'AB12345678 1131105' },
    });
    const otherBrand = await submitProof(world.deps, {
      ...base,
      brandId: 'brd_none',
      sourceRef: ref(),
      input: { type: 'text', text: typed(TEA_INVOICE) },
    });

    expect(chat).toEqual({ outcome: 'not_a_proof' });
    expect(incomplete.outcome).toBe('invalid');
    expect(incomplete.errors?.map((error) => error.field)).toContain('randomCode');
    expect(otherBrand).toEqual({ outcome: 'no_active_campaign' });
  });

  test('a photo proof waits for review; approved, it takes the same rules and rewards path', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const photo = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_B,
      campaignId,
      channel: 'chat',
      sourceRef: ref(),
      input: { type: 'receipt_image', receiptImageId: await seedReceiptImage(world) },
    });
    expect(photo.outcome).toBe('in_review');

    const decided = await decideReviewedSubmission(world.deps, {
      brandId: BRAND_ID,
      submissionId: photo.submission?.id as string,
      reviewerId: 'usr_reviewer',
      verdict: {
        action: 'approve',
        kind: 'receipt',
        invoice: {
          invoiceNumber: null,
          invoiceDate: '2024-11-05',
          invoiceTime: '10:11:12',
          currency: 'TWD',
          totalAmountMinor: 12_000,
          sellerBan: '12345675',
          sellerName: '好茶小舖',
          sellerAddress: '新北市板橋區',
          buyerBan: null,
          voided: false,
          items: [{ name: '烏龍茶', quantity: 3, unitPriceMinor: 4_000, amountMinor: 12_000 }],
        },
      },
    });

    expect(decided.outcome).toBe('accepted');
    expect(decided.submission).toMatchObject({
      state: 'rewarded',
      reviewedBy: 'usr_reviewer',
      kind: 'receipt',
    });
    expect(decided.rewards?.quantities.points).toBe(12);
    expect(decided.submission?.proofKey).toBe('rcpt:12345675:2024-11-05:10:11:12:12000');
  });
});

async function seedReceiptImage(world: World): Promise<string> {
  const { receiptImages } = await import('../../core/db/schema.js');
  const id = world.generateId('receiptImage');
  await world.database.db.insert(receiptImages).values({
    id,
    brandId: BRAND_ID,
    memberId: MEMBER_B,
    sha256: id,
    mimeType: 'image/jpeg',
    width: 10,
    height: 10,
    byteSize: 100,
    storageKey: `test/${id}`,
    source: 'line',
  });
  return id;
}
