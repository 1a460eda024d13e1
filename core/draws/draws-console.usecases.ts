import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '../db/database.js';
import { members } from '../members/members.table.js';
import { outboundMessages } from '../messaging/index.js';
import { draws, drawWinners } from './draws.table.js';
import { getDrawOrThrow, toPublicDraw, type PublicDraw } from './draws.usecases.js';

export type ConsoleDrawSummary = PublicDraw & {
  winnerCount: number;
  reserveCount: number;
  toldCount: number;
};

/** The brand's draws (of one campaign or all), latest period first, with how many winners were told. */
export async function listConsoleDraws({
  db,
  brandId,
  campaignId,
}: {
  db: Executor;
  brandId: string;
  campaignId?: string;
}): Promise<ConsoleDrawSummary[]> {
  const rows = await db
    .select()
    .from(draws)
    .where(and(eq(draws.brandId, brandId), campaignId ? eq(draws.campaignId, campaignId) : undefined))
    .orderBy(desc(draws.periodFrom), asc(draws.id));
  if (rows.length === 0) return [];
  const counts = await db
    .select({
      drawId: drawWinners.drawId,
      winners: sql<number>`count(*) filter (where not ${drawWinners.isReserve})::int`,
      reserves: sql<number>`count(*) filter (where ${drawWinners.isReserve})::int`,
      told: sql<number>`count(${drawWinners.notifiedAt})::int`,
    })
    .from(drawWinners)
    .where(
      inArray(
        drawWinners.drawId,
        rows.map((row) => row.id),
      ),
    )
    .groupBy(drawWinners.drawId);
  const countsBy = new Map(counts.map((row) => [row.drawId, row]));
  return rows.map((row) => {
    const count = countsBy.get(row.id);
    return {
      ...toPublicDraw(row),
      winnerCount: Number(count?.winners ?? 0),
      reserveCount: Number(count?.reserves ?? 0),
      toldCount: Number(count?.told ?? 0),
    };
  });
}

export type ConsoleDrawWinner = {
  id: string;
  rank: number;
  prizeKey: string;
  /** The prize a promoted reserve now receives. */
  awardedPrizeKey: string | null;
  isReserve: boolean;
  status: 'pending' | 'confirmed' | 'forfeited' | 'paid';
  replacesId: string | null;
  /** Why the win was forfeited: `invoice_voided` when the platform re-check found the invoice voided. */
  forfeitReason: string | null;
  /** Set while the winner waits for a reviewer to confirm the photo proof (not told yet). */
  heldForReviewAt: Date | null;
  memberId: string;
  memberName: string | null;
  /** When the win message was queued (once); null: not told (a reserve who has not stepped up). */
  notifiedAt: Date | null;
  /** What became of that message: `pending` (queued), `sent`, `failed`, or null when none was queued. */
  message: { state: 'pending' | 'sent' | 'failed'; sentAt: Date | null; lastError: string | null } | null;
};

/** One draw with its winners and reserves, who they are, and whether each was told (the chat message). */
export async function getConsoleDrawOrThrow({
  db,
  brandId,
  drawId,
}: {
  db: Executor;
  brandId: string;
  drawId: string;
}): Promise<{ draw: PublicDraw; winners: ConsoleDrawWinner[] }> {
  const draw = await getDrawOrThrow(db, { brandId, drawId });
  const rows = await db
    .select({
      winner: drawWinners,
      memberName: sql<string | null>`coalesce(${members.name}, ${members.displayName})`,
      messageState: outboundMessages.state,
      messageSentAt: outboundMessages.sentAt,
      messageError: outboundMessages.lastError,
    })
    .from(drawWinners)
    .innerJoin(members, eq(members.id, drawWinners.memberId))
    .leftJoin(
      outboundMessages,
      and(
        eq(outboundMessages.brandId, drawWinners.brandId),
        eq(outboundMessages.dedupeKey, sql`'draw-win:' || ${drawWinners.id}`),
      ),
    )
    .where(eq(drawWinners.drawId, draw.id))
    .orderBy(asc(drawWinners.rank));
  return {
    draw: toPublicDraw(draw),
    winners: rows.map(({ winner, memberName, messageState, messageSentAt, messageError }) => ({
      id: winner.id,
      rank: winner.rank,
      prizeKey: winner.prizeKey,
      awardedPrizeKey: winner.awardedPrizeKey,
      isReserve: winner.isReserve,
      status: winner.status,
      replacesId: winner.replacesId,
      forfeitReason: winner.forfeitReason,
      heldForReviewAt: winner.heldForReviewAt,
      memberId: winner.memberId,
      memberName,
      notifiedAt: winner.notifiedAt,
      message: messageState ? { state: messageState, sentAt: messageSentAt, lastError: messageError } : null,
    })),
  };
}
