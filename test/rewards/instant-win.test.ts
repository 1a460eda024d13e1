import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { eq } from 'drizzle-orm';
import {
  createInstantPrize,
  grantRewardsForSubmission,
  instantPlays,
  instantPrizes,
  listMemberInstantPlays,
  pickInstantPrize,
  playInstantWin,
  releasedStock,
  rescheduleInstantPrize,
  revealInstantPlay,
  reverseRewardsForSubmission,
  type RewardsNotifier,
} from '../../core/rewards/index.js';
import { isAppError } from '../../core/shared/errors.js';
import { createTestClock } from '../../core/shared/clock.js';
import { createIdGenerator } from '../../core/shared/ids.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { BRAND_ID, CAMPAIGN_ID, memberId, rewardsSeed, submissionId } from './fixtures.js';
import { HANG_GUARD_MS } from '../support/timing.js';

const PLAYS = 50;

describe('instant win (scratch card) models', () => {
  test('prizes are laid end to end by their odds; beyond them the play loses', () => {
    const prizes = [
      { id: 'a', oddsPpm: 100 },
      { id: 'b', oddsPpm: 900 },
    ];
    expect([0, 99, 100, 999, 1000, 999_999].map((r) => pickInstantPrize(prizes, r)?.id)).toEqual([
      'a',
      'a',
      'b',
      'b',
      undefined,
      undefined,
    ]);
  });

  test('an even schedule releases stock day by day, carrying unwon stock forward', () => {
    const schedule = { kind: 'even', from: '2026-02-01T00:00:00Z', to: '2026-02-11T00:00:00Z' };
    const at = (iso: string) => releasedStock(schedule, 100, new Date(iso));
    expect(at('2026-01-31T23:59:59Z')).toBe(0);
    expect(at('2026-02-01T00:00:00Z')).toBe(10);
    expect(at('2026-02-05T12:00:00Z')).toBe(50);
    expect(at('2026-02-10T23:00:00Z')).toBe(100);
    expect(at('2026-03-01T00:00:00Z')).toBe(100);
    expect(releasedStock(null, 7, new Date())).toBe(7);
    expect(releasedStock({ kind: 'typo' }, 7, new Date())).toBe(0);
    expect(
      releasedStock(
        {
          kind: 'releases',
          releases: [
            { at: '2026-02-01T00:00:00Z', quantity: 2 },
            { at: '2026-02-08T00:00:00Z', quantity: 3 },
          ],
        },
        10,
        new Date('2026-02-08T00:00:00Z'),
      ),
    ).toBe(5);
  });
});

describe('instant win on the database', () => {
  let database: TestDatabase;
  const generateId = createIdGenerator();
  const clock = createTestClock({ now: '2026-02-01T02:00:00Z' });
  const playIds: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase(
      rewardsSeed({
        memberCount: PLAYS,
        submissions: Array.from({ length: PLAYS + 3 }, (_, index) => [index + 1, 1 + (index % PLAYS)]),
      }),
    );
    for (let index = 1; index <= PLAYS + 3; index++) {
      const granted = await database.db.transaction((tx) =>
        grantRewardsForSubmission({
          tx,
          generateId,
          clock,
          submission: {
            id: submissionId(index),
            brandId: BRAND_ID,
            campaignId: CAMPAIGN_ID,
            memberId: memberId(1 + ((index - 1) % PLAYS)),
          },
          quantities: { points: 0, entries: 0, instantWin: 1 },
        }),
      );
      playIds.push(granted.instantPlayId as string);
    }
  }, HANG_GUARD_MS);
  afterAll(async () => {
    await database.close();
  });

  test(
    'when 50 cards are played at once against a prize with stock 3 that always hits, then exactly 3 win',
    async () => {
      const prize = await createInstantPrize({
        db: database.db,
        generateId,
        brandId: BRAND_ID,
        campaignId: CAMPAIGN_ID,
        name: { 'zh-TW': '飲料兌換券' },
        oddsPpm: 1_000_000,
        stock: 3,
      });
      const notified: string[] = [];
      const notifier: RewardsNotifier = async ({ dedupeKey }) => {
        notified.push(dedupeKey);
      };

      const outcomes = await Promise.all(
        playIds.slice(0, PLAYS).map((playId, index) =>
          playInstantWin({
            db: database.db,
            clock,
            notifier,
            brandId: BRAND_ID,
            memberId: memberId(1 + (index % PLAYS)),
            playId,
          }),
        ),
      );

      expect(outcomes.filter((outcome) => outcome.won)).toHaveLength(3);
      const [stored] = await database.db.select().from(instantPrizes).where(eq(instantPrizes.id, prize.id));
      expect(stored?.stockLeft).toBe(0);
      const winners = await database.db.select().from(instantPlays).where(eq(instantPlays.prizeId, prize.id));
      expect(winners).toHaveLength(3);
      expect(notified).toHaveLength(3);
      const played = await database.db.select().from(instantPlays);
      expect(played.filter((play) => play.playedAt !== null)).toHaveLength(PLAYS);
    },
    HANG_GUARD_MS,
  );

  test('when a card is played again or revealed, then the stored outcome is returned and nothing is re-drawn', async () => {
    const playId = playIds[0]!;
    const member = memberId(1);
    const first = await playInstantWin({
      db: database.db,
      clock,
      brandId: BRAND_ID,
      memberId: member,
      playId,
    });
    const again = await playInstantWin({
      db: database.db,
      clock,
      random: () => 0,
      brandId: BRAND_ID,
      memberId: member,
      playId,
    });
    const revealed = await revealInstantPlay({
      db: database.db,
      clock,
      brandId: BRAND_ID,
      memberId: member,
      playId,
    });

    expect(again.won).toBe(first.won);
    expect(again.play.playedAt).toEqual(first.play.playedAt);
    expect(revealed.play.revealedAt).toEqual(clock.now());
    const stranger = await playInstantWin({
      db: database.db,
      clock,
      brandId: BRAND_ID,
      memberId: memberId(2),
      playId,
    }).catch((error: unknown) => error);
    expect(isAppError(stranger) && stranger.code).toBe('instant_play.not_found');
  });

  test('when a prize is scheduled over days, then wins stop at each day’s release and resume the next day', async () => {
    // The drink prize above is exhausted; halve its odds so the umbrella can take the other half.
    await database.db
      .update(instantPrizes)
      .set({ oddsPpm: 500_000 })
      .where(eq(instantPrizes.oddsPpm, 1_000_000));
    const dayClock = createTestClock({ now: '2026-03-01T01:00:00Z' });
    const prize = await createInstantPrize({
      db: database.db,
      generateId,
      brandId: BRAND_ID,
      campaignId: CAMPAIGN_ID,
      name: { en: 'Umbrella' },
      oddsPpm: 500_000,
      stock: 2,
      schedule: { kind: 'even', from: '2026-03-01T00:00:00Z', to: '2026-03-03T00:00:00Z' },
    });
    const play = (playId: string) =>
      playInstantWin({
        db: database.db,
        clock: dayClock,
        // The last ticket: past the drink prize's half, inside the umbrella's.
        random: () => 999_999,
        brandId: BRAND_ID,
        memberId: memberId(1 + (playIds.indexOf(playId) % PLAYS)),
        playId,
      });
    const [a, b, c] = playIds.slice(PLAYS);

    const day1 = [await play(a!), await play(b!)];
    dayClock.advanceHours(24);
    const day2 = await play(c!);

    expect(day1.map((outcome) => outcome.prize?.id ?? null)).toEqual([prize.id, null]);
    expect(day2.prize?.id).toBe(prize.id);
    const rescheduled = await rescheduleInstantPrize({
      db: database.db,
      clock: dayClock,
      brandId: BRAND_ID,
      prizeId: prize.id,
      until: new Date('2026-03-10T00:00:00Z'),
    });
    expect(rescheduled.schedule).toMatchObject({ kind: 'even', quantity: 0, startAwarded: 2 });
  });

  test('when the proof behind a won card is reversed, then the prize is withheld and returns to stock', async () => {
    const wonPlay = (await database.db.select().from(instantPlays)).find((play) => play.prizeId !== null)!;
    const [target] = (
      await listMemberInstantPlays({ db: database.db, brandId: BRAND_ID, memberId: wonPlay.memberId })
    ).filter((outcome) => outcome.play.id === wonPlay.id);
    if (!target?.won) throw new Error('expected a won card');
    const before = await database.db
      .select()
      .from(instantPrizes)
      .where(eq(instantPrizes.id, target.play.prizeId!));

    const result = await database.db.transaction((tx) =>
      reverseRewardsForSubmission({
        tx,
        generateId,
        clock,
        submissionId: target.play.submissionId,
        reason: 'duplicate receipt',
        actor: 'usr_reviewer',
      }),
    );

    expect(result).toMatchObject({ instantPlayVoided: true, instantPrizeWithheld: true });
    const after = await database.db
      .select()
      .from(instantPrizes)
      .where(eq(instantPrizes.id, target.play.prizeId!));
    expect(after[0]!.stockLeft).toBe(before[0]!.stockLeft + 1);
    const replay = await playInstantWin({
      db: database.db,
      clock,
      brandId: BRAND_ID,
      memberId: target.play.memberId,
      playId: target.play.id,
    }).catch((error: unknown) => error);
    expect(isAppError(replay) && replay.code).toBe('instant_play.voided');
  });
});
