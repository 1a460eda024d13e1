import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { parseEInvoiceQr } from '../../core/invoices/index.js';
import {
  createSubmissionsRepository,
  nextCheckAfter,
  reuseStoredAnswer,
  submitProof,
  uploadDeadline,
  verifyDueSubmissions,
  type StoredPlatformAnswer,
} from '../../core/submissions/index.js';
import { sql } from 'drizzle-orm';
import { queryRows } from '../../core/db/database.js';
import { lockMemberPoints, memberPointsLocked } from '../../core/rewards/index.js';
import { memberCampaignLocked } from '../../core/submissions/submissions.repository.js';
import type { PlatformInvoice } from '../../core/verification/index.js';
import { HANG_GUARD_MS } from '../support/timing.js';
import {
  BRAND_ID,
  createWorld,
  detailRequests,
  ISSUED_AT,
  MEMBER_A,
  TEA_INVOICE,
  typed,
  type World,
} from './world.js';

describe('submission models', () => {
  test.each([
    ['2024-11-05', 'Asia/Taipei', 3, 12, '2024-11-09T04:00:00.000Z'],
    ['2024-11-05', 'Asia/Taipei', 3, 0, '2024-11-08T16:00:00.000Z'],
    ['2024-11-05', 'Asia/Bangkok', 2, 0, '2024-11-07T17:00:00.000Z'],
  ])(
    'an invoice of %s (%s, %i days + %i h) is given up at %s',
    (invoiceDate, timezone, windowDays, graceHours, at) => {
      expect(uploadDeadline({ invoiceDate, timezone, windowDays, graceHours }).toISOString()).toBe(at);
    },
  );

  test('retries back off from 15 minutes, doubling, capped at 4 hours, with a last look at the deadline', () => {
    const now = new Date('2024-11-05T00:00:00Z');
    const delays = [1, 2, 3, 4, 5, 6, 10].map(
      (attempts) => (nextCheckAfter({ now, attempts }).getTime() - now.getTime()) / 60_000,
    );
    expect(delays).toEqual([15, 30, 60, 120, 240, 240, 240]);
    const deadline = new Date('2024-11-05T01:00:00Z');
    expect(nextCheckAfter({ now, attempts: 5, deadline })).toEqual(deadline);
  });

  test('a stored answer is reused only when it settles the question', () => {
    const invoice = { invoiceNumber: 'AB12345678' } as PlatformInvoice;
    const found: StoredPlatformAnswer = { status: 'found', randomCode: '1234', checkedAt: '', invoice };
    const mismatch: StoredPlatformAnswer = {
      status: 'random_code_mismatch',
      randomCode: '9999',
      checkedAt: '',
      invoice,
    };
    const notFound: StoredPlatformAnswer = { status: 'not_found', randomCode: '1234', checkedAt: '' };

    expect(reuseStoredAnswer(found, '1234')?.status).toBe('found');
    expect(reuseStoredAnswer(found, '0000')?.status).toBe('random_code_mismatch');
    expect(reuseStoredAnswer(mismatch, '9999')?.status).toBe('random_code_mismatch');
    expect(reuseStoredAnswer(mismatch, '1234')).toBeUndefined();
    expect(reuseStoredAnswer(notFound, '1234')).toBeUndefined();
    expect(reuseStoredAnswer(null, '1234')).toBeUndefined();
  });
});

describe('verification against sim/mof', () => {
  let world: World;
  let seq = 0;

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

  function addInvoice(overrides: Partial<typeof TEA_INVOICE> = {}) {
    seq += 1;
    const invoice = { ...TEA_INVOICE, invoiceNumber: `EF${String(40000000 + seq)}`, ...overrides };
    world.sim.admin.addInvoices([invoice]);
    return invoice;
  }
  const send = (campaignId: string, text: string) =>
    submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: `ver-${++seq}`,
      input: { type: 'text', text },
    });

  test('a scanned left QR is verified by a QRCode detail query with its verification field and seller', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const encrypt = 'ydXZt4LAN1UHN/j1juVcRA==';
    const invoice = addInvoice({ encrypt });
    const itemText = '好茶 綠茶 600ml:2:25:洋芋片:1:100';
    const left =
      `${invoice.invoiceNumber}1131105${invoice.randomCode}${(143).toString(16).padStart(8, '0')}` +
      `${(150).toString(16).padStart(8, '0')}00000000${invoice.sellerBan}${encrypt}:**********:2:2:1:${itemText}`;
    const parsed = parseEInvoiceQr(left);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;

    const result = await submitProof(world.deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'liff',
      sourceRef: `qr-${seq}`,
      input: { type: 'einvoice', invoice: parsed.invoice },
    });

    expect(result.outcome).toBe('accepted');
    expect(result.submission?.kind).toBe('einvoice_qr');
    const [request] = world.sim.admin.recentRequests().filter((r) => r.action === 'qryInvDetail');
    expect(request?.params).toMatchObject({ type: 'QRCode', encrypt, sellerID: invoice.sellerBan });
  });

  test('a purchase outside the campaign dates is refused without spending a detail query', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice({ invoiceDate: '2024-10-30' });

    const result = await send(campaignId, typed(invoice));

    expect(result).toMatchObject({
      outcome: 'rejected',
      submission: { reasonCode: 'rules.purchase_date.too_early' },
    });
    expect(result.decision?.verdicts.map((verdict) => verdict.rule)).toEqual([
      'purchase_date',
      'registration_window',
    ]);
    expect(detailRequests(world.sim, invoice.invoiceNumber)).toBe(0);
  });

  test('a voided invoice is refused by the rules with its reason', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice({ status: 'voided' });

    const result = await send(campaignId, typed(invoice));

    expect(result).toMatchObject({ outcome: 'rejected', submission: { reasonCode: 'rules.voided.voided' } });
  });

  test('an unavailable platform leaves the proof waiting, and a later run decides it', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice();
    world.sim.admin.setKnobs({ failNextRequests: 1 });

    const first = await send(campaignId, typed(invoice));
    expect(first.outcome).toBe('being_checked');
    expect(first.submission?.reasonCode).toBe('verification.platform_unavailable');

    world.clock.advanceHours(1);
    await verifyDueSubmissions(world.deps, { verificationMode: 'instant' });
    const row = await createSubmissionsRepository({ db: world.database.db }).getSubmission({
      brandId: BRAND_ID,
      submissionId: first.submission?.id as string,
    });
    expect(row?.state).toBe('rewarded');
  });

  test('a retry of a proof still being verified is told "being checked", then the final answer', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const invoice = addInvoice();
    // The platform answers the first request only when the test says so.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let asked: () => void = () => undefined;
    const askedOnce = new Promise<void>((resolve) => (asked = resolve));
    const deps = {
      ...world.deps,
      platform: {
        ...world.deps.platform,
        getInvoiceDetail: async (query: Parameters<typeof world.deps.platform.getInvoiceDetail>[0]) => {
          asked();
          await held;
          return world.deps.platform.getInvoiceDetail(query);
        },
      },
    };
    const command = {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'liff' as const,
      sourceRef: `liff:${MEMBER_A}:retried-${++seq}`,
      input: { type: 'text' as const, text: typed(invoice) },
    };

    const first = submitProof(deps, command);
    await askedOnce;
    const retry = await submitProof(deps, command);
    release();
    const settled = await first;
    const later = await submitProof(deps, command);

    expect(retry.outcome).toBe('being_checked');
    expect(retry.submission?.state).toBe('parsed');
    expect(settled.outcome).toBe('accepted');
    expect(later.outcome).toBe('accepted');
    expect(detailRequests(world.sim, invoice.invoiceNumber)).toBe(1);
  });

  test("a crashed runner's lease lapses; its late decision is fenced off", async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'batch' });
    const invoice = addInvoice();
    const submitted = await send(campaignId, typed(invoice));
    const repository = createSubmissionsRepository({ db: world.database.db });
    world.clock.advanceHours(1);
    const now = world.clock.now();

    // Runner 1 claims and "crashes" (never decides).
    const [crashed] = await repository.claimDueSubmissions({
      now,
      leaseUntil: new Date(now.getTime() + 5 * 60_000),
      limit: 10,
    });
    expect(crashed?.id).toBe(submitted.submission?.id);
    // Within the lease nobody else gets it.
    expect((await verifyDueSubmissions(world.deps, { now: new Date(now.getTime() + 60_000) })).claimed).toBe(
      0,
    );
    // After it, another runner verifies and decides.
    world.clock.advanceHours(1);
    const rescued = await verifyDueSubmissions(world.deps);
    expect(rescued).toMatchObject({ claimed: 1, outcomes: { accepted: 1 } });
    // The crashed runner wakes up: its fence (attempt count) no longer matches.
    const late = await repository.updateIfClaimed({
      submissionId: crashed?.id as string,
      checkAttempts: crashed?.checkAttempts as number,
      states: ['parsed', 'awaiting_upload'],
      values: { state: 'rejected' },
    });
    expect(late).toBeUndefined();
    expect(detailRequests(world.sim, invoice.invoiceNumber)).toBe(1);
  });

  /** An unverified typed invoice and the platform's "found" answer for it (with `itemCount` items, 0 or 1). */
  async function invoiceAndFoundAnswer(itemCount: number) {
    const invoice = await createSubmissionsRepository({ db: world.database.db }).upsertInvoice({
      generateId: world.generateId,
      invoice: {
        brandId: BRAND_ID,
        kind: 'einvoice',
        invoiceNumber: `GH${String(50000000 + ++seq)}`,
        invoiceDate: '2024-11-05',
        randomCode: '1234',
        currency: 'TWD',
        totalAmountMinor: 0,
        status: 'unverified',
        source: 'text',
      },
    });
    const platformInvoice = {
      invoiceNumber: invoice.invoiceNumber,
      invoiceDate: '2024-11-05',
      invoiceTime: '12:00:00',
      period: '11312',
      status: 'confirmed',
      statusText: '已確認',
      sellerName: 'shop',
      sellerBan: '24549210',
      sellerAddress: 'address',
      buyerBan: null,
      currency: 'TWD',
      totalAmount: 50,
      totalAmountMinor: 5_000,
      level: 'detail',
      items: [{ rowNum: 1, name: '綠茶', quantity: 2, unitPrice: 25, amount: 50, amountMinor: 5_000 }].slice(
        0,
        itemCount,
      ),
    } as unknown as PlatformInvoice;
    const answer = {
      status: 'found' as const,
      randomCode: '1234',
      checkedAt: ISSUED_AT,
      invoice: platformInvoice,
    };
    return { invoice, answer };
  }

  test.each([
    ['with its items', 1],
    ['without items', 0],
  ])(
    'when a found answer %s is stored with the decision locks, then its transaction holds the member–campaign and points locks (the decision and its grant take neither again)',
    async (_label, itemCount) => {
      // Arrange: an unverified invoice, and the platform's answer for it.
      const { db } = world.database;
      const { invoice, answer } = await invoiceAndFoundAnswer(itemCount);
      const advisoryLocks = sql`select count(*)::int as held from pg_locks
                                 where locktype = 'advisory' and pid = pg_backend_pid()`;

      // Act
      const { header, held } = await db.transaction(async (tx) => {
        const stored = await createSubmissionsRepository({ db: tx }).storePlatformAnswer({
          generateId: world.generateId,
          invoice,
          answer,
          now: new Date(ISSUED_AT),
          lock: memberPointsLocked(
            MEMBER_A,
            memberCampaignLocked({ memberId: MEMBER_A, campaignId: 'cmp_locked' }),
          ),
        });
        const [row] = await queryRows<{ held: number }>(tx, advisoryLocks);
        return { header: stored, held: row?.held };
      });

      // Assert
      expect(header?.id).toBe(invoice.id);
      expect(held).toBe(2);
      const [after] = await queryRows<{ held: number }>(db, advisoryLocks);
      expect(after?.held).toBe(0);
    },
  );

  // Two connections are needed to cross: PostgreSQL only (PGlite runs one transaction at a time).
  (process.env.TEST_DATABASE_URL ? test : test.skip)(
    'when a batch holds an invoice row and then grants to a member, and the member types that invoice meanwhile, then neither deadlocks: the locks riding with the answer are taken after the invoice row',
    async () => {
      // Arrange: an invoice both will store the platform's answer for.
      const { db } = world.database;
      const { invoice, answer } = await invoiceAndFoundAnswer(0);
      let rowHeld!: () => void;
      const heldRow = new Promise<void>((resolve) => (rowHeld = resolve));
      let typedWaits!: () => void;
      const typedWaiting = new Promise<void>((resolve) => (typedWaits = resolve));

      // Act: the batch stores its answers (the invoice row locked), then, once the member's typed e-invoice is
      // seen waiting, locks the member's points as its grant does.
      const batch = db.transaction(async (tx) => {
        await createSubmissionsRepository({ db: tx }).storeFoundAnswers({
          generateId: world.generateId,
          answers: [{ invoice, answer }],
          now: new Date(ISSUED_AT),
        });
        rowHeld();
        await typedWaiting;
        await lockMemberPoints(tx, MEMBER_A);
      });
      await heldRow;
      let typedPid = 0;
      const typed = db.transaction(async (tx) => {
        const [me] = await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`);
        typedPid = Number(me!.pid);
        await createSubmissionsRepository({ db: tx }).storePlatformAnswer({
          generateId: world.generateId,
          invoice,
          answer,
          now: new Date(ISSUED_AT),
          lock: memberPointsLocked(
            MEMBER_A,
            memberCampaignLocked({ memberId: MEMBER_A, campaignId: 'cmp_other' }),
          ),
        });
      });
      const deadline = Date.now() + HANG_GUARD_MS / 2;
      for (;;) {
        const [row] = await queryRows<{ n: number }>(
          db,
          sql`select count(*)::int as n from pg_locks where pid = ${typedPid} and not granted`,
        );
        if (Number(row?.n) > 0) break;
        if (Date.now() > deadline) throw new Error('the typed e-invoice never waited for the invoice row');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      typedWaits();
      const outcomes = await Promise.allSettled([batch, typed]);

      // Assert: both commit (before, the typed one held the member's locks while it waited for the row: 40P01).
      expect(
        outcomes.map((outcome) => (outcome.status === 'rejected' ? String(outcome.reason) : 'ok')),
      ).toEqual(['ok', 'ok']);
    },
  );
});
