import { randomBytes } from 'node:crypto';
import { and, asc, desc, eq, gt, gte, isNull, lt, or, sql } from 'drizzle-orm';
import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import type { LocalizedText } from '../campaigns/index.js';
import type { Database, Executor } from '../db/database.js';
import { members } from '../members/members.table.js';
import { buildDrawWinMessages, type RewardsNotifier } from '../rewards/rewards.notifications.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  computeSeedHash,
  drawWinners as runDrawAlgorithm,
  DRAW_ALGORITHM_VERSION,
  pseudonymizeMember,
  RESERVE_PRIZE_KEY,
  validateDrawInput,
  type PublishedEntry,
} from './draws.algorithm.js';
import {
  createDrawNotDrawnError,
  createDrawNotFoundError,
  createDrawPeriodNotClosedError,
  createInvalidDrawError,
} from './draws.errors.js';
import { DRAW_EXPORT_FORMAT, type DrawExport } from './draws.export.js';
import { draws, drawWinners, lotteryEntries, type DrawPrize } from './draws.table.js';

export type Draw = typeof draws.$inferSelect;
export type DrawWinner = typeof drawWinners.$inferSelect;

/** A draw as anyone may see it: the seed and the pseudonym key stay out until (and, for the key, after) the draw. */
export type PublicDraw = Omit<Draw, 'seed' | 'pseudonymKey'> & { seed: string | null };

export function toPublicDraw(draw: Draw): PublicDraw {
  const { seed, pseudonymKey: _secret, ...rest } = draw;
  return { ...rest, seed: draw.status === 'drawn' ? seed : null };
}

/**
 * Opens a draw for a period: a fresh 256-bit secret seed whose SHA-256 is published at once, and a
 * separate pseudonym key that is never published. `randomSource` is injectable for tests and replays.
 */
export async function createDraw({
  db,
  generateId,
  randomSource = randomBytes,
  brandId,
  campaignId,
  name,
  periodFrom,
  periodTo,
  prizes,
  maxWinsPerMember = 1,
  reserveCount = 0,
  requireReviewedProofs = false,
  scheduleKey,
  audit,
}: {
  db: Executor;
  generateId: IdGenerator;
  randomSource?: (size: number) => Buffer;
  brandId: string;
  campaignId: string;
  name: LocalizedText;
  periodFrom: Date;
  periodTo: Date;
  prizes: DrawPrize[];
  maxWinsPerMember?: number;
  reserveCount?: number;
  /** Winners on photo proofs must have been reviewed by a person before they are told. @default false */
  requireReviewedProofs?: boolean;
  /** The campaign schedule's period (`weekly:<date>`, `final`); unique per campaign. Unset: opened by hand. */
  scheduleKey?: string;
  /** The console user opening it: audited in the same transaction. */
  audit?: { actor: ConsoleAuditActor; clock: Clock };
}): Promise<PublicDraw> {
  if (!(periodFrom < periodTo)) throw createInvalidDrawError({ message: 'The period ends before it starts' });
  const problems = validateDrawInput([], { prizes, maxWinsPerMember, reserveCount });
  if (prizes.length === 0) problems.push({ path: 'prizes', message: 'needs at least one prize' });
  if (problems.length > 0) throw createInvalidDrawError({ details: { problems } });
  const seed = randomSource(32).toString('hex');
  const open = async (tx: Executor) => {
    const [draw] = await tx
      .insert(draws)
      .values({
        id: generateId('draw'),
        brandId,
        campaignId,
        name,
        periodFrom,
        periodTo,
        prizes,
        maxWinsPerMember,
        reserveCount,
        requireReviewedProofs,
        seed,
        seedHash: computeSeedHash(seed),
        pseudonymKey: randomSource(32).toString('hex'),
        algorithmVersion: DRAW_ALGORITHM_VERSION,
        status: 'open',
        scheduleKey,
      })
      .returning();
    if (audit && draw)
      await recordConsoleAction(tx, { clock: audit.clock, generateId }, audit.actor, {
        action: 'draw.opened',
        targetType: 'draw',
        targetId: draw.id,
        data: { campaignId, periodFrom, periodTo, prizes, reserveCount, requireReviewedProofs },
      });
    return draw as Draw;
  };
  const draw = audit ? await (db as Database).transaction(open) : await open(db);
  return toPublicDraw(draw);
}

export async function getDrawOrThrow(
  db: Executor,
  { brandId, drawId }: { brandId: string; drawId: string },
): Promise<Draw> {
  const [draw] = await db
    .select()
    .from(draws)
    .where(and(eq(draws.brandId, brandId), eq(draws.id, drawId)))
    .limit(1);
  if (!draw) throw createDrawNotFoundError({ details: { drawId } });
  return draw;
}

/** A draw by id alone, as anyone may see it (public verification pages do not know the brand). */
export async function getPublicDrawOrThrow(db: Executor, drawId: string): Promise<PublicDraw> {
  const [draw] = await db.select().from(draws).where(eq(draws.id, drawId)).limit(1);
  if (!draw) throw createDrawNotFoundError({ details: { drawId } });
  return toPublicDraw(draw);
}

/**
 * The draw's entries as they stood when it ran (or stand now, before it runs): earned inside the period,
 * not voided before the draw. A later reversal voids an entry after the fact, which must not change the
 * published list; its win is forfeited instead.
 */
async function loadDrawEntries(
  db: Executor,
  draw: Draw,
  asOf: Date,
): Promise<{ entry: PublishedEntry; memberId: string }[]> {
  const rows = await db
    .select({ id: lotteryEntries.id, memberId: lotteryEntries.memberId, weight: lotteryEntries.weight })
    .from(lotteryEntries)
    .where(
      and(
        eq(lotteryEntries.brandId, draw.brandId),
        eq(lotteryEntries.campaignId, draw.campaignId),
        gte(lotteryEntries.earnedAt, draw.periodFrom),
        lt(lotteryEntries.earnedAt, draw.periodTo),
        gt(lotteryEntries.weight, 0),
        or(isNull(lotteryEntries.voidedAt), gt(lotteryEntries.voidedAt, asOf)),
      ),
    )
    .orderBy(asc(lotteryEntries.id));
  const key = requirePseudonymKey(draw);
  // One HMAC per member, not per entry: a member holds many entries.
  const pseudonyms = new Map<string, string>();
  return rows.map((row) => {
    let member = pseudonyms.get(row.memberId);
    if (member === undefined) {
      member = pseudonymizeMember(key, row.memberId);
      pseudonyms.set(row.memberId, member);
    }
    return { entry: { id: row.id, member, weight: row.weight }, memberId: row.memberId };
  });
}

function requirePseudonymKey(draw: Draw): string {
  // Never fall back to the seed: it is revealed, and pseudonyms derived from it could be linked to members.
  if (!draw.pseudonymKey) throw createInvalidDrawError({ message: `Draw ${draw.id} has no pseudonym key` });
  return draw.pseudonymKey;
}

/**
 * Runs a draw once its period has closed, in one transaction: locks the draw row (a second run waits and
 * then finds it drawn), computes the winners with the documented algorithm, stores them, reveals the
 * seed, and queues one message per prize winner (dedupe key `draw-win:<winner id>`; reserves are told only
 * if they step up). Running it again returns the stored result.
 */
export async function runDraw({
  db,
  generateId,
  clock,
  notifier,
  brandId,
  drawId,
  auditActor,
}: {
  db: Database;
  generateId: IdGenerator;
  clock: Clock;
  notifier?: RewardsNotifier;
  brandId: string;
  drawId: string;
  /** The console user running it: audited in the draw's transaction (a second run changes nothing, no row). */
  auditActor?: ConsoleAuditActor;
}): Promise<{ draw: PublicDraw; winners: DrawWinner[]; alreadyDrawn: boolean }> {
  return db.transaction(async (tx) => {
    const [locked] = await tx
      .select()
      .from(draws)
      .where(and(eq(draws.brandId, brandId), eq(draws.id, drawId)))
      .for('update');
    if (!locked) throw createDrawNotFoundError({ details: { drawId } });
    if (locked.status === 'drawn') {
      return { draw: toPublicDraw(locked), winners: await listWinners(tx, drawId), alreadyDrawn: true };
    }
    const now = clock.now();
    if (now < locked.periodTo)
      throw createDrawPeriodNotClosedError({ details: { periodTo: locked.periodTo.toISOString() } });

    const entries = await loadDrawEntries(tx, locked, now);
    const memberByEntry = new Map(entries.map(({ entry, memberId }) => [entry.id, memberId]));
    const { entriesDigest, picks } = runDrawAlgorithm({
      seed: locked.seed,
      entries: entries.map(({ entry }) => entry),
      rules: {
        prizes: locked.prizes.map(({ key, quantity }) => ({ key, quantity })),
        maxWinsPerMember: locked.maxWinsPerMember,
        reserveCount: locked.reserveCount,
      },
    });
    const winners =
      picks.length === 0
        ? []
        : await tx
            .insert(drawWinners)
            .values(
              picks.map((pick) => ({
                id: generateId('drawWinner'),
                brandId,
                drawId,
                memberId: memberByEntry.get(pick.entryId) as string,
                entryId: pick.entryId,
                prizeKey: pick.prizeKey,
                rank: pick.rank,
                isReserve: pick.isReserve,
                createdAt: now,
              })),
            )
            .returning();
    const [drawn] = await tx
      .update(draws)
      .set({ status: 'drawn', drawnAt: now, seedRevealedAt: now, entriesDigest })
      .where(eq(draws.id, drawId))
      .returning();
    if (notifier) {
      for (const winner of winners.filter((candidate) => !candidate.isReserve))
        await notifyWinnerOnce(tx, { winner, draw: drawn as Draw, notifier, now });
    }
    if (auditActor)
      await recordConsoleAction(tx, { clock, generateId }, auditActor, {
        action: 'draw.run',
        targetType: 'draw',
        targetId: drawId,
        data: { winners: winners.filter((w) => !w.isReserve).length, entriesDigest },
      });
    return {
      draw: toPublicDraw(drawn as Draw),
      winners: winners.sort((a, b) => a.rank - b.rank),
      alreadyDrawn: false,
    };
  });
}

/**
 * The brand forfeits a win (not claimed in time, ineligible): pending or confirmed → forfeited. With an
 * audit actor, the change and its audit row commit together; forfeiting a forfeited win changes nothing
 * and writes no row.
 */
export async function forfeitWinner({
  db,
  brandId,
  winnerId,
  audit,
}: {
  db: Database;
  brandId: string;
  winnerId: string;
  audit?: { actor: ConsoleAuditActor; clock: Clock; generateId: IdGenerator };
}): Promise<DrawWinner> {
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(drawWinners)
      .set({ status: 'forfeited', forfeitReason: 'brand' })
      .where(
        and(
          eq(drawWinners.brandId, brandId),
          eq(drawWinners.id, winnerId),
          or(eq(drawWinners.status, 'pending'), eq(drawWinners.status, 'confirmed')),
        ),
      )
      .returning();
    if (updated) {
      if (audit)
        await recordConsoleAction(tx, audit, audit.actor, {
          action: 'draw.winner_forfeited',
          targetType: 'draw_winner',
          targetId: winnerId,
          data: { drawId: updated.drawId, rank: updated.rank },
        });
      return updated;
    }
    const [current] = await tx
      .select()
      .from(drawWinners)
      .where(and(eq(drawWinners.brandId, brandId), eq(drawWinners.id, winnerId)));
    if (!current)
      throw createDrawNotFoundError({ message: 'This winner does not exist', details: { winnerId } });
    if (current.status === 'forfeited') return current;
    throw createInvalidDrawError({ message: `A ${current.status} win cannot be forfeited` });
  });
}

/**
 * Gives every forfeited prize (a win voided by a reversal, or forfeited by the brand because it was not
 * claimed) to the next reserve in drawing order, once: the reserve row records the prize it now receives
 * and the win it replaces, and the reserve is told (once). The drawn result itself is not rewritten, so
 * the published export still verifies. Runs under the draw's row lock; running it again changes nothing.
 */
export async function promoteReserveWinners({
  db,
  clock,
  notifier,
  brandId,
  drawId,
  audit,
}: {
  db: Database;
  clock: Clock;
  notifier?: RewardsNotifier;
  brandId: string;
  drawId: string;
  /** The console user asking: audited in the same transaction when a reserve stepped up. */
  audit?: { actor: ConsoleAuditActor; generateId: IdGenerator };
}): Promise<{ promoted: { reserveId: string; replacesId: string; prizeKey: string }[]; unfilled: number }> {
  return db.transaction(async (tx) => {
    const [draw] = await tx
      .select()
      .from(draws)
      .where(and(eq(draws.brandId, brandId), eq(draws.id, drawId)))
      .for('update');
    if (!draw) throw createDrawNotFoundError({ details: { drawId } });
    if (draw.status !== 'drawn') throw createDrawNotDrawnError({ details: { drawId } });
    const winners = await listWinners(tx, drawId);
    const replaced = new Set(winners.flatMap((winner) => (winner.replacesId ? [winner.replacesId] : [])));
    // A promoted reserve who is later forfeited too is a prize to hand on again.
    const open = winners.filter(
      (winner) =>
        winner.status === 'forfeited' &&
        (!winner.isReserve || winner.awardedPrizeKey) &&
        !replaced.has(winner.id),
    );
    const available = winners.filter(
      (winner) => winner.isReserve && !winner.awardedPrizeKey && winner.status === 'pending',
    );
    const now = clock.now();
    const promoted: { reserveId: string; replacesId: string; prizeKey: string }[] = [];
    for (const forfeited of open) {
      const reserve = available.shift();
      if (!reserve) break;
      const prizeKey = forfeited.awardedPrizeKey ?? forfeited.prizeKey;
      const [updated] = await tx
        .update(drawWinners)
        .set({ awardedPrizeKey: prizeKey, replacesId: forfeited.id })
        .where(and(eq(drawWinners.id, reserve.id), isNull(drawWinners.awardedPrizeKey)))
        .returning();
      if (!updated) continue;
      promoted.push({ reserveId: reserve.id, replacesId: forfeited.id, prizeKey });
      if (notifier) await notifyWinnerOnce(tx, { winner: { ...updated, prizeKey }, draw, notifier, now });
    }
    if (audit && promoted.length > 0)
      await recordConsoleAction(tx, { clock, generateId: audit.generateId }, audit.actor, {
        action: 'draw.reserves_promoted',
        targetType: 'draw',
        targetId: drawId,
        data: { promoted },
      });
    return { promoted, unfilled: open.length - promoted.length };
  });
}

/** Sends the win message once: `notified_at` is set in the same transaction and the dedupe key is unique. */
export async function notifyWinnerOnce(
  tx: Executor,
  { winner, draw, notifier, now }: { winner: DrawWinner; draw: Draw; notifier: RewardsNotifier; now: Date },
): Promise<boolean> {
  const [claimed] = await tx
    .update(drawWinners)
    .set({ notifiedAt: now })
    .where(and(eq(drawWinners.id, winner.id), isNull(drawWinners.notifiedAt)))
    .returning({ id: drawWinners.id });
  if (!claimed) return false;
  const [member] = await tx
    .select({ locale: members.locale })
    .from(members)
    .where(eq(members.id, winner.memberId))
    .limit(1);
  const prize = draw.prizes.find((candidate) => candidate.key === winner.prizeKey);
  await notifier({
    tx,
    brandId: winner.brandId,
    memberId: winner.memberId,
    dedupeKey: `draw-win:${winner.id}`,
    messages: buildDrawWinMessages({
      locale: member?.locale,
      drawName: draw.name,
      prizeName: prize?.name ?? { en: winner.prizeKey },
    }),
  });
  return true;
}

export async function listWinners(db: Executor, drawId: string): Promise<DrawWinner[]> {
  return db.select().from(drawWinners).where(eq(drawWinners.drawId, drawId)).orderBy(asc(drawWinners.rank));
}

/** The published record (`proofline draw export`): only after the draw, when the seed may be revealed. */
export async function exportDraw({
  db,
  brandId,
  drawId,
}: {
  db: Executor;
  brandId: string;
  drawId: string;
}): Promise<DrawExport> {
  const draw = await getDrawOrThrow(db, { brandId, drawId });
  if (draw.status !== 'drawn' || !draw.drawnAt) throw createDrawNotDrawnError({ details: { drawId } });
  const entries = await loadDrawEntries(db, draw, draw.drawnAt);
  const winners = await listWinners(db, drawId);
  const pseudonyms = new Map(entries.map(({ entry }) => [entry.id, entry.member]));
  return {
    format: DRAW_EXPORT_FORMAT,
    algorithm: draw.algorithmVersion,
    draw: {
      id: draw.id,
      campaignId: draw.campaignId,
      name: draw.name as Record<string, string>,
      periodFrom: draw.periodFrom.toISOString(),
      periodTo: draw.periodTo.toISOString(),
      drawnAt: draw.drawnAt.toISOString(),
    },
    rules: {
      prizes: draw.prizes.map((prize) => ({
        key: prize.key,
        quantity: prize.quantity,
        name: prize.name as Record<string, string>,
      })),
      maxWinsPerMember: draw.maxWinsPerMember,
      reserveCount: draw.reserveCount,
    },
    seedHash: draw.seedHash,
    seed: draw.seed,
    entriesDigest: draw.entriesDigest ?? '',
    entries: entries.map(({ entry }) => entry),
    winners: winners.map((winner) => ({
      rank: winner.rank,
      prizeKey: winner.prizeKey,
      entryId: winner.entryId,
      member: pseudonyms.get(winner.entryId) ?? '',
      isReserve: winner.isReserve,
    })),
    payouts: winners.map((winner) => ({
      rank: winner.rank,
      status: winner.status,
      forfeitReason: winner.forfeitReason,
      awardedPrizeKey: winner.awardedPrizeKey,
      replacesRank: winners.find((other) => other.id === winner.replacesId)?.rank ?? null,
      told: winner.notifiedAt !== null,
    })),
  };
}

export type MemberDrawView = PublicDraw & {
  /** The member's pseudonym in this draw's published list, so they can find their own entries. */
  myPseudonym: string;
  myEntries: number;
  myWins: {
    rank: number;
    prizeKey: string;
    isReserve: boolean;
    awardedPrizeKey: string | null;
    status: string;
  }[];
};

/** The draws of a campaign as the LIFF app shows them to one member: seed hash, seed once drawn, own entries and wins. */
export async function listMemberDraws({
  db,
  brandId,
  memberId,
  campaignId,
}: {
  db: Executor;
  brandId: string;
  memberId: string;
  campaignId?: string;
}): Promise<MemberDrawView[]> {
  const rows = await db
    .select()
    .from(draws)
    .where(and(eq(draws.brandId, brandId), campaignId ? eq(draws.campaignId, campaignId) : undefined))
    .orderBy(desc(draws.periodFrom), asc(draws.id));
  const views: MemberDrawView[] = [];
  for (const draw of rows) {
    const [entries] = await db
      .select({ weight: sql<number>`coalesce(sum(${lotteryEntries.weight}), 0)::int` })
      .from(lotteryEntries)
      .where(
        and(
          eq(lotteryEntries.campaignId, draw.campaignId),
          eq(lotteryEntries.memberId, memberId),
          gte(lotteryEntries.earnedAt, draw.periodFrom),
          lt(lotteryEntries.earnedAt, draw.periodTo),
          draw.drawnAt
            ? or(isNull(lotteryEntries.voidedAt), gt(lotteryEntries.voidedAt, draw.drawnAt))
            : isNull(lotteryEntries.voidedAt),
        ),
      );
    const wins = await db
      .select()
      .from(drawWinners)
      .where(and(eq(drawWinners.drawId, draw.id), eq(drawWinners.memberId, memberId)))
      .orderBy(asc(drawWinners.rank));
    views.push({
      ...toPublicDraw(draw),
      myPseudonym: pseudonymizeMember(requirePseudonymKey(draw), memberId),
      myEntries: Number(entries?.weight ?? 0),
      myWins: wins.map((win) => ({
        rank: win.rank,
        prizeKey: win.prizeKey,
        isReserve: win.isReserve,
        awardedPrizeKey: win.awardedPrizeKey,
        status: win.status,
      })),
    });
  }
  return views;
}

export { RESERVE_PRIZE_KEY };
