import { randomInt } from 'node:crypto';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { LocalizedText } from '../campaigns/index.js';
import type { Database, Executor } from '../db/database.js';
import { members } from '../members/members.table.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import { auditRewardsChange, type RewardsAudit } from './rewards.audit.js';
import {
  instantPrizeScheduleSchema,
  pickInstantPrize,
  PPM,
  releasedStock,
  type InstantPrizeSchedule,
} from './instant-win.models.js';
import { buildInstantWinMessages, type RewardsNotifier } from './rewards.notifications.js';
import {
  createInstantPlayNotFoundError,
  createInstantPlayNotPlayedError,
  createInstantPlayVoidedError,
  createInvalidInstantPrizeError,
} from './rewards.errors.js';
import { instantPlays, instantPrizes } from './rewards.table.js';

export type InstantPrize = typeof instantPrizes.$inferSelect;
export type InstantPlay = typeof instantPlays.$inferSelect;

/** What the scratch card shows: the recorded outcome, never recomputed. */
export type InstantPlayOutcome = {
  play: InstantPlay;
  won: boolean;
  prize: { id: string; name: LocalizedText } | null;
};

/** A random integer in [0, max); the OS CSPRNG by default, injected by tests. */
export type RandomInt = (max: number) => number;

export async function createInstantPrize({
  db,
  generateId,
  brandId,
  campaignId,
  name,
  oddsPpm,
  stock,
  schedule = null,
  audit,
}: {
  db: Database;
  generateId: IdGenerator;
  brandId: string;
  campaignId: string;
  /** The console user: `instant_prize.created` is written in the creating transaction. */
  audit?: RewardsAudit;
  name: LocalizedText;
  /** Chance per play in parts per million (10,000 = 1 %). */
  oddsPpm: number;
  stock: number;
  schedule?: InstantPrizeSchedule | null;
}): Promise<InstantPrize> {
  if (!Number.isInteger(oddsPpm) || oddsPpm <= 0 || oddsPpm > PPM)
    throw createInvalidInstantPrizeError({ message: 'Odds must be 1 to 1,000,000 parts per million' });
  if (!Number.isInteger(stock) || stock < 0)
    throw createInvalidInstantPrizeError({ message: 'Invalid stock' });
  if (schedule && !instantPrizeScheduleSchema.safeParse(schedule).success)
    throw createInvalidInstantPrizeError({ message: 'Invalid release schedule' });
  return db.transaction(async (tx) => {
    // Serialise prize edits per campaign so two concurrent additions cannot push the odds past 100 %.
    await tx.execute(sql`select pg_advisory_xact_lock(730002::int, hashtext(${campaignId}))`);
    const [row] = await tx
      .select({ total: sql<number>`coalesce(sum(${instantPrizes.oddsPpm}), 0)::int` })
      .from(instantPrizes)
      .where(eq(instantPrizes.campaignId, campaignId));
    if (Number(row?.total ?? 0) + oddsPpm > PPM)
      throw createInvalidInstantPrizeError({
        message: 'The odds of a campaign’s prizes add up to more than 100 %',
      });
    const [created] = await tx
      .insert(instantPrizes)
      .values({
        id: generateId('instantPrize'),
        brandId,
        campaignId,
        name,
        oddsPpm,
        stockTotal: stock,
        stockLeft: stock,
        schedule: (schedule as Record<string, unknown> | null) ?? null,
      })
      .returning();
    await auditRewardsChange(tx, audit, {
      action: 'instant_prize.created',
      targetType: 'instant_prize',
      targetId: created!.id,
      data: { campaignId, name, oddsPpm, stock },
    });
    return created as InstantPrize;
  });
}

/**
 * Re-spreads a prize's unwon stock evenly over the days from now to `until` (e.g. the campaign's last
 * registration day), instead of letting a backlog of unwon prizes be released all at once.
 */
export async function rescheduleInstantPrize({
  db,
  clock,
  brandId,
  prizeId,
  until,
}: {
  db: Database;
  clock: Clock;
  brandId: string;
  prizeId: string;
  until: Date;
}): Promise<InstantPrize> {
  return db.transaction(async (tx) => {
    const [prize] = await tx
      .select()
      .from(instantPrizes)
      .where(and(eq(instantPrizes.brandId, brandId), eq(instantPrizes.id, prizeId)))
      .for('update');
    if (!prize) throw createInvalidInstantPrizeError({ message: 'Unknown prize', details: { prizeId } });
    const now = clock.now();
    if (until <= now)
      throw createInvalidInstantPrizeError({ message: 'The schedule must end in the future' });
    const awarded = prize.stockTotal - prize.stockLeft;
    const schedule = {
      kind: 'even',
      from: now.toISOString(),
      to: until.toISOString(),
      quantity: prize.stockLeft,
      startAwarded: awarded,
    };
    const [updated] = await tx
      .update(instantPrizes)
      .set({ schedule })
      .where(eq(instantPrizes.id, prizeId))
      .returning();
    return updated as InstantPrize;
  });
}

/**
 * Plays a scratch card: the outcome is decided and stored here, on the server, before anything is shown.
 * The play row is locked, so a double tap returns the stored outcome instead of playing twice. A hit takes
 * one unit with `UPDATE … SET stock_left = stock_left - 1 WHERE stock_left > 0 AND awarded < released`:
 * under any concurrency no more prizes are won than the stock (and the release schedule) allows.
 */
export async function playInstantWin({
  db,
  clock,
  random = randomInt,
  notifier,
  brandId,
  memberId,
  playId,
}: {
  db: Database;
  clock: Clock;
  random?: RandomInt;
  notifier?: RewardsNotifier;
  brandId: string;
  memberId: string;
  playId: string;
}): Promise<InstantPlayOutcome> {
  return db.transaction(async (tx) => {
    const [play] = await tx
      .select()
      .from(instantPlays)
      .where(
        and(
          eq(instantPlays.brandId, brandId),
          eq(instantPlays.id, playId),
          eq(instantPlays.memberId, memberId),
        ),
      )
      .for('update');
    if (!play) throw createInstantPlayNotFoundError({ details: { playId } });
    if (play.voidedAt) throw createInstantPlayVoidedError({ details: { playId } });
    if (play.playedAt) return describeOutcome(tx, play);

    const now = clock.now();
    const prizes = await tx
      .select()
      .from(instantPrizes)
      .where(eq(instantPrizes.campaignId, play.campaignId))
      .orderBy(asc(instantPrizes.createdAt), asc(instantPrizes.id));
    const hit = pickInstantPrize(prizes, random(PPM));
    let wonPrizeId: string | null = null;
    if (hit) {
      const released = releasedStock(hit.schedule, hit.stockTotal, now);
      const taken = await tx
        .update(instantPrizes)
        .set({ stockLeft: sql`${instantPrizes.stockLeft} - 1` })
        .where(
          and(
            eq(instantPrizes.id, hit.id),
            sql`${instantPrizes.stockLeft} > 0`,
            sql`${instantPrizes.stockTotal} - ${instantPrizes.stockLeft} < ${released}`,
          ),
        )
        .returning({ id: instantPrizes.id });
      wonPrizeId = taken[0]?.id ?? null;
    }
    const [played] = await tx
      .update(instantPlays)
      .set({ prizeId: wonPrizeId, playedAt: now })
      .where(eq(instantPlays.id, playId))
      .returning();
    if (wonPrizeId && hit && notifier) {
      const [member] = await tx
        .select({ locale: members.locale })
        .from(members)
        .where(eq(members.id, memberId))
        .limit(1);
      await notifier({
        tx,
        brandId,
        memberId,
        dedupeKey: `instant-win:${playId}`,
        messages: buildInstantWinMessages({ locale: member?.locale, prizeName: hit.name }),
      });
    }
    return describeOutcome(tx, played as InstantPlay);
  });
}

/** The member scratched the card open: records when, and returns the stored outcome (idempotent). */
export async function revealInstantPlay({
  db,
  clock,
  brandId,
  memberId,
  playId,
}: {
  db: Database;
  clock: Clock;
  brandId: string;
  memberId: string;
  playId: string;
}): Promise<InstantPlayOutcome> {
  const [play] = await db
    .select()
    .from(instantPlays)
    .where(
      and(
        eq(instantPlays.brandId, brandId),
        eq(instantPlays.id, playId),
        eq(instantPlays.memberId, memberId),
      ),
    );
  if (!play) throw createInstantPlayNotFoundError({ details: { playId } });
  if (!play.playedAt) throw createInstantPlayNotPlayedError({ details: { playId } });
  if (play.revealedAt) return describeOutcome(db, play);
  const [revealed] = await db
    .update(instantPlays)
    .set({ revealedAt: clock.now() })
    .where(and(eq(instantPlays.id, playId), sql`${instantPlays.revealedAt} is null`))
    .returning();
  return describeOutcome(db, revealed ?? play);
}

async function describeOutcome(db: Executor, play: InstantPlay): Promise<InstantPlayOutcome> {
  if (!play.prizeId) return { play, won: false, prize: null };
  const [prize] = await db
    .select({ id: instantPrizes.id, name: instantPrizes.name })
    .from(instantPrizes)
    .where(eq(instantPrizes.id, play.prizeId));
  return { play, won: !play.voidedAt, prize: prize ?? null };
}

export async function listMemberInstantPlays({
  db,
  brandId,
  memberId,
  limit = 50,
}: {
  db: Executor;
  brandId: string;
  memberId: string;
  limit?: number;
}): Promise<InstantPlayOutcome[]> {
  const plays = await db
    .select()
    .from(instantPlays)
    .where(and(eq(instantPlays.brandId, brandId), eq(instantPlays.memberId, memberId)))
    .orderBy(desc(instantPlays.createdAt), desc(instantPlays.id))
    .limit(limit);
  const outcomes: InstantPlayOutcome[] = [];
  for (const play of plays) {
    // An unplayed card must not leak anything: no prize until it is played.
    outcomes.push(play.playedAt ? await describeOutcome(db, play) : { play, won: false, prize: null });
  }
  return outcomes;
}
