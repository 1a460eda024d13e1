import { afterEach, beforeEach, describe, expect, test } from '@jest/globals';
import { and, eq } from 'drizzle-orm';
import { campaigns, lotteryEntries, members, submissions } from '../../core/db/schema.js';
import { seedDemo, type DemoSeed } from '../../core/demo/seed-demo.js';
import { getMemberHome } from '../../core/members/members.liff.js';
import { registerMember } from '../../core/members/members.registration.js';
import { renderAnswer } from '../../core/messaging/providers/line-flex.answer-renderer.js';
import { getPointsBalance } from '../../core/rewards/index.js';
import { releaseRewardsHeldForRegistration, submitProof } from '../../core/submissions/index.js';
import { buildEInvoicePlatform } from '../../core/verification/index.js';
import { loadDemoDataset, startMofSimulator, type RunningMofSimulator } from '../../sim/mof/index.js';
import { REGISTRATION } from '../liff/support/liff-fixtures.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

/** Two demo invoices that sell tea: NT$208 of tea (20 points) and another tea purchase. */
const TEA_1 = 'BN61755155 1130805 4632';
const TEA_2 = 'SS62802124 1141003 8528';

describe('a campaign that requires registration before rewards', () => {
  let services: TestServices;
  let sim: RunningMofSimulator;
  let demo: DemoSeed;

  // Each test gets its own database: the demo data set has only a few tea invoices, and a proof counts once.
  beforeEach(async () => {
    sim = await startMofSimulator({ dataset: loadDemoDataset() });
    services = await buildTestServices({
      now: '2026-01-15T04:00:00Z',
      config: { mof: { apiBaseUrl: sim.url, maxRetries: 0, timeoutMs: HANG_GUARD_MS } },
    });
    demo = await seedDemo(services);
  });
  afterEach(async () => {
    await services.database.close();
    await sim.close();
  });

  const db = () => services.database.db;
  const requireRegistration = async (required: boolean) => {
    const [campaign] = await db().select().from(campaigns).where(eq(campaigns.id, demo.campaign.id));
    await db()
      .update(campaigns)
      .set({ rewards: { ...campaign!.rewards, registrationRequired: required } })
      .where(eq(campaigns.id, demo.campaign.id));
  };
  const addMember = async (id: string) => {
    await db()
      .insert(members)
      .values({ id, brandId: demo.brand.id, lineUserId: `U_${id}`, locale: 'en' });
  };
  const send = (memberId: string, text: string, sourceRef: string) =>
    submitProof(
      {
        db: db(),
        platform: buildEInvoicePlatform(services.config),
        clock: services.clock,
        generateId: services.generateId,
      },
      { brandId: demo.brand.id, memberId, channel: 'chat', sourceRef, input: { type: 'text', text } },
    );
  const register = (memberId: string) =>
    registerMember(
      {
        db: db(),
        generateId: services.generateId,
        onRegistered: (tx, member) =>
          releaseRewardsHeldForRegistration(tx, {
            generateId: services.generateId,
            clock: services.clock,
            brandId: demo.brand.id,
            memberId: member.id,
          }),
      },
      {
        brandId: demo.brand.id,
        memberId,
        profile: REGISTRATION,
        phone: '+886912345678',
        locale: 'en',
        now: services.clock.now(),
      },
    );
  const balanceOf = (memberId: string) => getPointsBalance(db(), { brandId: demo.brand.id, memberId });
  const entriesOf = async (memberId: string) =>
    (await db().select().from(lotteryEntries).where(eq(lotteryEntries.memberId, memberId))).length;

  test('an unregistered member’s accepted proofs hold their rewards; registering releases them once; later proofs earn at once', async () => {
    await requireRegistration(true);
    await addMember('mbr_held');

    const first = await send('mbr_held', TEA_1, 'held-1');
    const again = await send('mbr_held', TEA_1, 'held-1');
    const second = await send('mbr_held', TEA_2, 'held-2');

    expect(first).toMatchObject({ outcome: 'accepted', decision: { heldFor: 'registration' } });
    expect(first.rewards?.granted).toBeUndefined();
    expect(again).toMatchObject({ outcome: 'accepted', submission: { id: first.submission!.id } });
    expect(second).toMatchObject({ outcome: 'accepted', decision: { heldFor: 'registration' } });
    expect(await balanceOf('mbr_held')).toBe(0);
    expect(await entriesOf('mbr_held')).toBe(0);
    const points = first.rewards!.quantities.points + second.rewards!.quantities.points;
    expect(first.rewards!.quantities.points).toBe(20);
    const home = await getMemberHome(db(), {
      brandId: demo.brand.id,
      memberId: 'mbr_held',
      now: services.clock.now(),
    });
    expect(home.held).toEqual({ proofs: 2, points, entries: 2 });
    expect(home.campaign).toMatchObject({ registrationRequired: true });

    const registered = await register('mbr_held');
    const correction = await register('mbr_held');

    expect(registered).toMatchObject({
      firstRegistration: true,
      released: { proofs: 2, points, entries: 2 },
    });
    expect(correction).toMatchObject({ firstRegistration: false, released: { proofs: 0, points: 0 } });
    expect(await balanceOf('mbr_held')).toBe(points);
    expect(await entriesOf('mbr_held')).toBe(2);
    const states = await db()
      .select({ state: submissions.state })
      .from(submissions)
      .where(and(eq(submissions.memberId, 'mbr_held')));
    expect(states.map((row) => row.state)).toEqual(['rewarded', 'rewarded']);
    const after = await getMemberHome(db(), {
      brandId: demo.brand.id,
      memberId: 'mbr_held',
      now: services.clock.now(),
    });
    expect(after.held).toEqual({ proofs: 0, points: 0, entries: 0 });
  });

  test('a registered member earns at once under the same campaign', async () => {
    await requireRegistration(true);
    await addMember('mbr_registered');
    await register('mbr_registered');

    const result = await send('mbr_registered', TEA_1, 'registered-1');

    expect(result.decision?.heldFor).toBeUndefined();
    expect(result).toMatchObject({ outcome: 'accepted', rewards: { granted: { pointsEarned: 20 } } });
    expect(await balanceOf('mbr_registered')).toBe(20);
  });

  test('without the requirement a chat user earns at once and keeps the points when registering', async () => {
    await requireRegistration(false);
    await addMember('mbr_chat');

    const result = await send('mbr_chat', TEA_1, 'chat-1');
    expect(result).toMatchObject({ outcome: 'accepted', rewards: { granted: { pointsEarned: 20 } } });
    const registered = await register('mbr_chat');

    expect(registered.released).toMatchObject({ proofs: 0 });
    expect(await balanceOf('mbr_chat')).toBe(20);
  });
});

describe('the chat answer of an accepted proof', () => {
  const context = { locale: 'en' as const, liffId: '2000000001-demo', timezone: 'Asia/Taipei' };
  const flexOf = (answer: Parameters<typeof renderAnswer>[0]) =>
    JSON.stringify(renderAnswer(answer, context));

  test('held rewards say so and lead to the registration page of the LIFF app', () => {
    const flex = flexOf({ kind: 'proof', outcome: 'accepted', pointsEarned: 20, heldForRegistration: true });

    expect(flex).toContain('20 points are waiting for you');
    expect(flex).toContain('https://liff.line.me/2000000001-demo#/register');
    expect(flex).not.toContain('You earned');
  });

  test('a scratch card earned is offered with a button to "My prizes"', () => {
    const flex = flexOf({
      kind: 'proof',
      outcome: 'accepted',
      pointsEarned: 5,
      balance: 5,
      instantPlay: true,
    });

    expect(flex).toContain('You won a scratch card!');
    expect(flex).toContain('https://liff.line.me/2000000001-demo#/prizes');
  });

  test.each(['zh-TW', 'th'] as const)('the held answer is in %s', (locale) => {
    const flex = JSON.stringify(
      renderAnswer(
        { kind: 'proof', outcome: 'accepted', pointsEarned: 20, heldForRegistration: true },
        { ...context, locale },
      ),
    );
    expect(flex).toContain(locale === 'th' ? 'ลงทะเบียนเลย' : '立即註冊');
  });
});
