import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { and, asc, eq, like } from 'drizzle-orm';
import express from 'express';
import request from 'supertest';
import { createPublicDrawsRouter } from '../../bot/rewards/index.js';
import { outboundMessages } from '../../core/db/schema.js';
import {
  computeSeedHash,
  createDraw,
  draws,
  drawWinners,
  exportDraw,
  scheduleAndRunDraws,
  verifyDrawExport,
} from '../../core/draws/index.js';
import { getMemberHome } from '../../core/members/members.liff.js';
import { deliverOutboundMessages, retryKeyFor, type LineMessenger } from '../../core/messaging/index.js';
import {
  createMessagingRewardsNotifier,
  grantRewardsForSubmission,
  type RewardsNotifier,
} from '../../core/rewards/index.js';
import { createSilentLogger } from '../../core/shared/logger.js';
import { createDrawsJob } from '../../jobs/draws.job.js';
import type { TestSeed } from '../support/database.js';
import { twCampaignRow } from '../support/seed-campaign.js';
import { buildTestServices, type TestServices } from '../support/services.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const TW = 'brd_sched_tw';
const TW_CAMPAIGN = 'cmp_sched_tw';
const TH = 'brd_sched_th';
const TH_CAMPAIGN = 'cmp_sched_th';
const MEMBERS = 8;
const PROOFS = 30;
const member = (index: number) => `mbr_s${String(index).padStart(3, '0')}`;
const lineUser = (index: number) => `U${String(index).padStart(32, '0')}`;
const submission = (index: number) => `sub_s${String(index).padStart(4, '0')}`;
const prize = (key: string, quantity: number) => ({ key, name: { 'zh-TW': key, en: key }, quantity });

function seed(): TestSeed {
  return {
    brands: [
      {
        id: TW,
        slug: 'sched-tw',
        name: '好茶',
        country: 'TW',
        defaultLocale: 'zh-TW',
        timezone: 'Asia/Taipei',
      },
      { id: TH, slug: 'sched-th', name: 'ชาดี', country: 'TH', defaultLocale: 'th', timezone: 'Asia/Bangkok' },
    ],
    lineChannels: [
      {
        id: 'chn_sched_tw',
        brandId: TW,
        lineChannelId: '1650000101',
        name: 'TW',
        channelSecret: 'secret',
        channelAccessToken: 'token-tw',
      },
    ],
    members: Array.from({ length: MEMBERS }, (_, index) => ({
      id: member(index + 1),
      brandId: TW,
      lineUserId: lineUser(index + 1),
      locale: 'zh-TW' as const,
    })),
    campaigns: [
      twCampaignRow({
        id: TW_CAMPAIGN,
        brandId: TW,
        slug: 'weekly-tea',
        name: { 'zh-TW': '每週抽好禮' },
        registerTo: new Date('2026-04-01T00:00:00Z'),
        rewards: {
          entries: { perProof: 1 },
          // Weeks close Sunday 20:00 Taipei = Sunday 12:00 UTC.
          draws: {
            weekly: {
              closesOn: 'sun',
              closesAt: '20:00',
              prizes: [prize('grand', 1), prize('tea', 2)],
              maxWinsPerMember: 1,
              reserveCount: 1,
            },
          },
        },
      }),
      {
        id: TH_CAMPAIGN,
        brandId: TH,
        slug: 'weekly-cha',
        name: { th: 'ลุ้นทุกสัปดาห์' },
        status: 'active',
        timezone: 'Asia/Bangkok',
        currency: 'THB',
        purchaseFrom: '2026-01-01',
        purchaseTo: '2026-02-28',
        registerFrom: new Date('2026-01-01T00:00:00Z'),
        registerTo: new Date('2026-03-01T00:00:00Z'),
        proofKinds: ['receipt'],
        rules: {},
        rewards: {
          entries: { perProof: 1 },
          // Weeks close Monday 00:00 Bangkok = Sunday 17:00 UTC.
          draws: {
            weekly: { closesOn: 'mon', prizes: [prize('cha', 1)] },
            final: { prizes: [prize('car', 1)] },
          },
        },
      },
    ],
    submissions: Array.from({ length: PROOFS + 1 }, (_, index) => ({
      id: submission(index + 1),
      brandId: TW,
      campaignId: TW_CAMPAIGN,
      memberId: member(1 + (index % MEMBERS)),
      kind: 'einvoice_qr' as const,
      channel: 'chat' as const,
      rawInput: {},
      state: 'accepted' as const,
    })),
  };
}

describe('scheduled draws: opened and run by the draws job', () => {
  let services: TestServices;
  const pushes: { to: string; retryKey: string }[] = [];
  const messenger = {
    push: async (_channel, { to, retryKey }) => {
      pushes.push({ to, retryKey });
      return { status: 'sent' };
    },
  } as Pick<LineMessenger, 'push'> as LineMessenger;

  beforeAll(async () => {
    services = await buildTestServices({ now: '2026-02-02T00:00:00Z', seed: seed() });
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await services.database.close();
  });

  const scheduledDraws = (campaignId: string) =>
    services.database.db
      .select()
      .from(draws)
      .where(eq(draws.campaignId, campaignId))
      .orderBy(asc(draws.periodTo), asc(draws.id));
  const winMessages = () =>
    services.database.db
      .select()
      .from(outboundMessages)
      .where(like(outboundMessages.dedupeKey, 'draw-win:%'));
  const earn = (index: number) =>
    services.database.db.transaction((tx) =>
      grantRewardsForSubmission({
        tx,
        generateId: services.generateId,
        clock: services.clock,
        submission: {
          id: submission(index),
          brandId: TW,
          campaignId: TW_CAMPAIGN,
          memberId: member(1 + ((index - 1) % MEMBERS)),
        },
        quantities: { points: 0, entries: 1, instantWin: 0 },
      }),
    );
  const publicApi = () => request(express().use(createPublicDrawsRouter({ db: services.database.db })));

  test('when a week opens, then its draw is opened once with a published seed hash (public API and LIFF home)', async () => {
    const job = createDrawsJob(services);

    // Two workers at once, then a third run.
    const concurrent = await Promise.all([job.run(), job.run()]);
    const again = await job.run();

    // Taipei: the week closing Sun 8 Feb 20:00; Bangkok: the week closing Mon 9 Feb 00:00, and the final draw.
    expect(concurrent.map((run) => run.failed)).toEqual([[], []]);
    expect(concurrent.reduce((sum, run) => sum + Number(run.opened), 0)).toBe(3);
    expect(again).toMatchObject({ opened: 0, drawn: 0, failed: [], invalidSchedules: [] });
    const [week1] = await scheduledDraws(TW_CAMPAIGN);
    expect(week1).toMatchObject({
      scheduleKey: 'weekly:2026-02-08',
      status: 'open',
      periodFrom: new Date('2026-02-01T12:00:00Z'),
      periodTo: new Date('2026-02-08T12:00:00Z'),
      prizes: [prize('grand', 1), prize('tea', 2)],
      maxWinsPerMember: 1,
      reserveCount: 1,
      name: { 'zh-TW': '第 6 週抽獎', en: 'Week 6 draw' },
    });
    expect((await scheduledDraws(TH_CAMPAIGN)).map((draw) => [draw.scheduleKey, draw.periodTo])).toEqual([
      ['weekly:2026-02-09', new Date('2026-02-08T17:00:00Z')],
      ['final', new Date('2026-03-01T00:00:00Z')],
    ]);

    // Whatever the timing, the database refuses a second draw for the same period.
    await expect(
      createDraw({
        db: services.database.db,
        generateId: services.generateId,
        brandId: TW,
        campaignId: TW_CAMPAIGN,
        name: { en: 'again' },
        periodFrom: week1!.periodFrom,
        periodTo: week1!.periodTo,
        prizes: [prize('grand', 1)],
        scheduleKey: week1!.scheduleKey!,
      }),
    ).rejects.toThrow();

    const published = await publicApi().get(`/api/public/draws/${week1!.id}`).expect(200);
    expect(published.body.draw).toMatchObject({ seedHash: week1!.seedHash, seed: null, status: 'open' });
    expect(published.body.draw.seedHash).toMatch(/^[0-9a-f]{64}$/);
    const home = await getMemberHome(services.database.db, {
      brandId: TW,
      memberId: member(1),
      now: services.clock.now(),
    });
    expect(home.draw).toMatchObject({ id: week1!.id, seedHash: week1!.seedHash });
  });

  test(
    'when the week has entries and closes, then the draw runs once, reveals the seed, verifies, and tells each winner once',
    async () => {
      const job = createDrawsJob(services);
      for (let proof = 1; proof <= PROOFS; proof++) {
        services.clock.advanceHours(4); // up to Sat 7 Feb 00:00 UTC, inside the week
        await earn(proof);
      }

      services.clock.set('2026-02-08T11:00:00Z');
      // An hour before the week closes: the next week's draw opens, this week's does not run yet.
      expect(await job.run()).toMatchObject({ opened: 1, drawn: 0, failed: [] });
      const [week1, week2] = await scheduledDraws(TW_CAMPAIGN);
      expect(week1?.status).toBe('open');
      expect(week2).toMatchObject({ scheduleKey: 'weekly:2026-02-15', status: 'open' });
      expect(await services.database.db.select().from(drawWinners)).toEqual([]);

      services.clock.set('2026-02-08T12:10:00Z');
      await earn(PROOFS + 1); // next week's entry: not in this draw

      // A worker dies half-way through the draw (after one winner's message): nothing of it is kept.
      const realNotifier = createMessagingRewardsNotifier({
        generateId: services.generateId,
        clock: services.clock,
      });
      let calls = 0;
      const crashing: RewardsNotifier = async (input) => {
        await realNotifier(input);
        if (++calls === 2) throw new Error('worker killed');
      };
      const crashed = await scheduleAndRunDraws({
        db: services.database.db,
        generateId: services.generateId,
        clock: services.clock,
        notifier: crashing,
        logger: createSilentLogger(),
      });
      expect(crashed).toMatchObject({ drawn: 0, failed: [{ drawId: week1!.id, code: 'worker killed' }] });
      expect((await scheduledDraws(TW_CAMPAIGN))[0]).toMatchObject({ status: 'open', drawnAt: null });
      expect(await winMessages()).toEqual([]);
      expect((await publicApi().get(`/api/public/draws/${week1!.id}`)).body.draw.seed).toBeNull();

      // Two workers run the job at once.
      const runs = await Promise.all([job.run(), job.run()]);
      expect(runs.map((run) => run.failed)).toEqual([[], []]);
      expect(runs.reduce((sum, run) => sum + Number(run.drawn), 0)).toBe(1);
      expect(runs.reduce((sum, run) => sum + Number(run.winners), 0)).toBe(3);

      const drawn = (await scheduledDraws(TW_CAMPAIGN))[0]!;
      expect(drawn).toMatchObject({ status: 'drawn', drawnAt: new Date('2026-02-08T12:10:00Z') });
      const revealed = (await publicApi().get(`/api/public/draws/${drawn.id}`).expect(200)).body.draw;
      expect(revealed.seed).toBe(drawn.seed);
      expect(computeSeedHash(revealed.seed)).toBe(week1!.seedHash);

      const record = (await publicApi().get(`/api/public/draws/${drawn.id}/export`).expect(200)).body;
      expect(record).toEqual(
        JSON.parse(
          JSON.stringify(await exportDraw({ db: services.database.db, brandId: TW, drawId: drawn.id })),
        ),
      );
      expect(record.entries).toHaveLength(PROOFS);
      expect(verifyDrawExport(record)).toMatchObject({ ok: true });
      expect(record.winners.map((winner: { prizeKey: string }) => winner.prizeKey)).toEqual([
        'grand',
        'tea',
        'tea',
        'reserve',
      ]);

      const winners = await services.database.db
        .select()
        .from(drawWinners)
        .where(and(eq(drawWinners.drawId, drawn.id), eq(drawWinners.isReserve, false)));
      expect(winners).toHaveLength(3);
      const messages = await winMessages();
      expect(messages.map((message) => message.dedupeKey).sort()).toEqual(
        winners.map((winner) => `draw-win:${winner.id}`).sort(),
      );
      expect(new Set(messages.map((message) => message.memberId))).toEqual(
        new Set(winners.map((winner) => winner.memberId)),
      );
      for (const message of messages)
        expect(message.retryKey).toBe(retryKeyFor({ brandId: TW, dedupeKey: message.dedupeKey }));

      const deliver = () =>
        deliverOutboundMessages({
          db: services.database.db,
          messenger,
          clock: services.clock,
          logger: createSilentLogger(),
          generateId: services.generateId,
        });
      expect(await deliver()).toMatchObject({ sent: 3 });
      expect(await deliver()).toMatchObject({ sent: 0 });
      expect(pushes.map((push) => push.retryKey).sort()).toEqual(
        messages.map((message) => message.retryKey).sort(),
      );
      expect(new Set(pushes.map((push) => push.to)).size).toBe(3);

      // Running the job again changes nothing more.
      expect(await job.run()).toMatchObject({ opened: 0, drawn: 0, winners: 0, failed: [] });
      expect(await winMessages()).toHaveLength(3);
      expect(await scheduledDraws(TW_CAMPAIGN)).toHaveLength(2);
    },
    HANG_GUARD_MS,
  );

  test("when Bangkok's week closes (Monday 00:00 local), then its draw runs at that instant, not before", async () => {
    const job = createDrawsJob(services);

    services.clock.set('2026-02-08T16:59:59Z');
    expect(await job.run()).toMatchObject({ opened: 1, drawn: 0 }); // the next Bangkok week, an hour ahead
    services.clock.set('2026-02-08T17:00:00Z');
    expect(await job.run()).toMatchObject({ opened: 0, drawn: 1, winners: 0, failed: [] });

    const [week, next, final] = await scheduledDraws(TH_CAMPAIGN);
    expect(week).toMatchObject({ scheduleKey: 'weekly:2026-02-09', status: 'drawn' });
    expect(final).toMatchObject({ scheduleKey: 'final', status: 'open' });
    expect(next).toMatchObject({ scheduleKey: 'weekly:2026-02-16', status: 'open' });
    const record = await exportDraw({ db: services.database.db, brandId: TH, drawId: week!.id });
    expect(verifyDrawExport(record)).toMatchObject({ ok: true });
    expect(record.winners).toEqual([]);
  });
});
