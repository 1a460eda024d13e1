import { afterAll, beforeAll, beforeEach, describe, expect, test } from '@jest/globals';
import { catalogs, LOCALES } from '../../core/i18n/index.js';
import { carrierListWindow, submitProof, verifyDueSubmissions } from '../../core/submissions/index.js';
import {
  BRAND_ID,
  createWorld,
  MEMBER_A,
  MEMBER_B,
  sendText,
  TEA_INVOICE,
  typed,
  type World,
} from './world.js';

/** 2024-11-10 12:00 Taipei: after every carrier invoice below was issued. */
const NOW = '2024-11-10T04:00:00.000Z';

describe('carrier list window', () => {
  test.each([
    [undefined, undefined, '2024-11-01', '2024-11-10'],
    ['2024-10-25', '2024-11-30', '2024-11-01', '2024-11-10'],
    ['2024-11-03', '2024-11-04', '2024-11-03', '2024-11-04'],
  ])('range %s..%s inside Nov 1–30, today Nov 10 → %s..%s', (dateFrom, dateTo, from, to) => {
    expect(
      carrierListWindow({
        purchaseFrom: '2024-11-01',
        purchaseTo: '2024-11-30',
        today: '2024-11-10',
        dateFrom,
        dateTo,
      }),
    ).toEqual({ dateFrom: from, dateTo: to });
  });

  test('a range outside the purchase window leaves nothing to list', () => {
    expect(
      carrierListWindow({
        purchaseFrom: '2024-11-01',
        purchaseTo: '2024-11-30',
        today: '2024-11-10',
        dateFrom: '2024-10-01',
        dateTo: '2024-10-31',
      }),
    ).toBeUndefined();
  });
});

test.each(LOCALES)('every carrier reason the bot may show has a %s text', (locale) => {
  const { reasons, issues } = catalogs[locale];
  for (const code of ['rejected', 'no_invoices', 'all_registered', 'none_qualified', 'pending'])
    expect(reasons[`verification.carrier_${code}`]).toEqual(expect.any(String));
  expect(issues.carrier.rejected).toEqual(expect.any(String));
});

describe('mobile barcode carrier proofs against sim/mof', () => {
  let world: World;
  let seq = 0;

  beforeAll(async () => {
    world = await createWorld({
      carriers: ['/ABC+123', '/WRONG.1', '/OUT-789', '/DET-456'].map((cardNo) => ({
        cardNo,
        cardEncrypt: '1234',
      })),
    });
  });
  afterAll(async () => {
    await world.close();
  });
  beforeEach(() => {
    world.clock.set(NOW);
    world.sim.admin.resetRequestCounts();
  });

  /** A carrier with its own invoices (numbers unique per test). */
  function addCarrier(cardNo: string, invoices: Partial<typeof TEA_INVOICE>[]) {
    return invoices.map((overrides) => {
      seq += 1;
      const invoice = {
        ...TEA_INVOICE,
        invoiceNumber: `CA${String(10000000 + seq)}`,
        carrierCardNo: cardNo,
        ...overrides,
      };
      world.sim.admin.addInvoices([invoice]);
      return invoice;
    });
  }
  const send = (campaignId: string, text: string, sourceRef = `car-${++seq}`, memberId = MEMBER_A) =>
    sendText(world, { campaignId, text, sourceRef, memberId });
  const counts = () => world.sim.admin.requestCounts();
  const carrierDetails = (invoiceNumber: string) =>
    counts().byInvoice[invoiceNumber]?.['carrierInvDetail'] ?? 0;

  test('registers each new invoice in the window once: counts, one reward, nothing asked twice', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const [outside, qualifying, taken, chips] = addCarrier('/ABC+123', [
      { invoiceDate: '2024-10-28' },
      { invoiceDate: '2024-11-03' },
      { invoiceDate: '2024-11-04', randomCode: '5678' },
      {
        invoiceDate: '2024-11-05',
        items: [{ name: '洋芋片', quantity: 1, unitPrice: 100 }],
        totalAmount: 100,
      },
    ]) as [typeof TEA_INVOICE, typeof TEA_INVOICE, typeof TEA_INVOICE, typeof TEA_INVOICE];

    // Bob registered one of them first, by typing it.
    const bob = await send(campaignId, typed(taken), `bob-${seq}`, MEMBER_B);
    expect(bob.outcome).toBe('accepted');
    world.sim.admin.resetRequestCounts();

    const ref = `carrier-${seq}`;
    const result = await send(campaignId, '/ABC+123 1234 2024/10/25-2024/11/30', ref);

    expect(result.outcome).toBe('accepted');
    expect(result.carrier).toEqual({
      barcode: '/ABC+123',
      dateFrom: '2024-11-01',
      dateTo: '2024-11-10',
      found: 3,
      accepted: 1,
      alreadyRegistered: 1,
      alreadyYours: 0,
      rejected: [
        { invoiceNumber: chips.invoiceNumber, invoiceDate: '2024-11-05', reason: expect.any(String) },
      ],
      pending: 0,
      rewards: { points: 5, entries: 1 },
    });
    expect(result.carrier?.rejected[0]?.reason).toMatch(/^rules\./);
    expect(result.rewards?.quantities).toMatchObject({ points: 5, entries: 1 });
    expect(counts().byAction['carrierInvChk']).toBe(1);
    expect(carrierDetails(qualifying.invoiceNumber)).toBe(1);
    expect(carrierDetails(chips.invoiceNumber)).toBe(1);
    expect(carrierDetails(taken.invoiceNumber)).toBe(0);
    expect(carrierDetails(outside.invoiceNumber)).toBe(0);
    expect(counts().byAction['qryInvDetail'] ?? 0).toBe(0);

    // The webhook redelivers the event: the same answer, no request, no second reward.
    world.sim.admin.resetRequestCounts();
    const again = await send(campaignId, '/ABC+123 1234 2024/10/25-2024/11/30', ref);
    expect(again.outcome).toBe('accepted');
    expect(again.carrier).toEqual(result.carrier);
    expect(counts().total).toBe(0);
    const rows = await world.database.db.query.submissions?.findMany?.();
    const mine = (rows ?? []).filter((row) => row.memberId === MEMBER_A && row.campaignId === campaignId);
    // The container row + one per listed invoice that was not held by Bob.
    expect(mine.map((row) => row.state).sort()).toEqual(['accepted', 'rejected', 'rewarded']);

    // Sent again as a new message: mine now, and the rejected one is re-decided from the stored answer.
    const resent = await send(campaignId, '/ABC+123 1234');
    expect(resent.outcome).toBe('rejected');
    expect(resent.carrier).toMatchObject({ found: 3, accepted: 0, alreadyRegistered: 2, alreadyYours: 1 });
    expect(resent.carrier?.rejected).toHaveLength(1);
    expect(resent.submission?.reasonCode).toBe('verification.carrier_none_qualified');
    expect(counts().byAction['carrierInvChk']).toBe(1);
    expect(counts().byAction['carrierInvDetail'] ?? 0).toBe(0);
  });

  test('a wrong verification code is invalid with the platform reason', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    addCarrier('/WRONG.1', [{ invoiceDate: '2024-11-03' }]);
    const result = await send(campaignId, '/WRONG.1 9999');
    expect(result.outcome).toBe('invalid');
    expect(result.errors).toEqual([{ field: 'verificationCode', reason: 'carrier.rejected' }]);
    expect(result.submission?.reasonCode).toBe('verification.carrier_rejected');
    expect(counts().byAction['carrierInvDetail'] ?? 0).toBe(0);
  });

  test('an unavailable platform leaves the proof pending; the verification job finishes it once', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const [invoice] = addCarrier('/OUT-789', [{ invoiceDate: '2024-11-06' }]) as [typeof TEA_INVOICE];
    world.sim.admin.setKnobs({ failNextRequests: 1 });

    const ref = `outage-${seq}`;
    const pending = await send(campaignId, '/OUT-789 1234', ref);
    expect(pending.outcome).toBe('being_checked');
    expect(pending.nextCheckAt).toEqual(new Date(Date.parse(NOW) + 15 * 60_000));
    expect(pending.submission?.reasonCode).toBe('verification.platform_unavailable');
    expect(pending.carrier).toBeUndefined();

    // Not due yet: nothing happens.
    expect((await verifyDueSubmissions(world.deps)).claimed).toBe(0);
    world.clock.advanceBy(16 * 60_000);
    const run = await verifyDueSubmissions(world.deps);
    expect(run).toEqual({ claimed: 1, outcomes: { accepted: 1 } });
    expect((await verifyDueSubmissions(world.deps)).claimed).toBe(0);

    const after = await send(campaignId, '/OUT-789 1234', ref);
    expect(after.outcome).toBe('accepted');
    expect(after.carrier).toMatchObject({ found: 1, accepted: 1, rewards: { points: 5, entries: 1 } });
    expect(counts().byAction['carrierInvChk']).toBe(2);
    expect(carrierDetails(invoice.invoiceNumber)).toBe(1);
  });

  test('an invoice whose detail query fails stays pending; the proof reports it once it is decided', async () => {
    const campaignId = await world.createTeaCampaign({ verificationMode: 'instant' });
    const [invoice] = addCarrier('/DET-456', [{ invoiceDate: '2024-11-07' }]) as [typeof TEA_INVOICE];
    const platform = world.deps.platform;
    // The list answers; the simulator then fails the next request (the detail query) with a 503.
    const deps = {
      ...world.deps,
      platform: {
        ...platform,
        listCarrierInvoices: async (
          query: Parameters<NonNullable<typeof platform.listCarrierInvoices>>[0],
        ) => {
          const answer = await world.platform.listCarrierInvoices(query);
          world.sim.admin.setKnobs({ failNextRequests: 1 });
          return answer;
        },
      },
    };
    const ref = `detail-outage-${seq}`;
    const first = await submitProof(deps, {
      brandId: BRAND_ID,
      memberId: MEMBER_A,
      campaignId,
      channel: 'chat',
      sourceRef: ref,
      input: { type: 'text', text: '/DET-456 1234' },
    });
    expect(first.outcome).toBe('being_checked');
    expect(first.carrier).toMatchObject({ found: 1, pending: 1, accepted: 0 });

    world.clock.advanceBy(16 * 60_000);
    await verifyDueSubmissions(world.deps);
    world.clock.advanceBy(31 * 60_000);
    await verifyDueSubmissions(world.deps);
    const after = await send(campaignId, '/DET-456 1234', ref);
    expect(after.outcome).toBe('accepted');
    expect(after.carrier).toMatchObject({
      found: 1,
      pending: 0,
      accepted: 1,
      rewards: { points: 5, entries: 1 },
    });
    // One failed detail query, one that answered: never asked again after the answer.
    expect(counts().byInvoice[invoice.invoiceNumber]?.['carrierInvDetail']).toBe(2);
    expect(counts().injectedFailures).toBe(1);
  });
});
