import { and, desc, eq } from 'drizzle-orm';
import type { LocalizedText } from '../campaigns/index.js';
import { brands } from '../brands/brands.table.js';
import { currencyOfCountry } from '../brands/brands.models.js';
import type { Executor } from '../db/database.js';
import { RESERVE_PRIZE_KEY } from './draws.algorithm.js';
import { draws, drawWinners, type DrawPrize } from './draws.table.js';
import { needsTaxPaperwork } from './winner-tax.models.js';

export type MemberDrawWin = {
  id: string;
  drawId: string;
  drawName: LocalizedText;
  /** The prize the member receives: a promoted reserve's awarded prize, else the drawn one. */
  prizeKey: string;
  prizeName: LocalizedText;
  /** The prize's value in minor units, when the draw states it (the tax rules depend on it). */
  valueMinor: number | null;
  isReserve: boolean;
  /** `reserve` for a reserve who has not stepped up; else the winner's status. */
  status: 'reserve' | 'pending' | 'confirmed' | 'forfeited' | 'paid';
  notifiedAt: Date | null;
  createdAt: Date;
  /**
   * The tax paperwork of a prize above NT$1,000: `needed` until the winner gave it, then `received`;
   * `not_needed` otherwise (smaller prizes, baht prizes, reserves who did not step up, forfeited wins).
   */
  paperwork: 'not_needed' | 'needed' | 'received';
};

/** Whether a win needs its winner's tax paperwork: a prize (not a waiting reserve, not forfeited) above NT$1,000. */
export function winNeedsPaperwork(
  winner: { isReserve: boolean; awardedPrizeKey: string | null; status: string },
  prize: DrawPrize | undefined,
  currency: string,
): boolean {
  const waiting = winner.isReserve && !winner.awardedPrizeKey;
  return (
    !waiting &&
    winner.status !== 'forfeited' &&
    needsTaxPaperwork({ currency, valueMinor: prize?.valueMinor })
  );
}

export function prizeOf(prizes: DrawPrize[], key: string): DrawPrize | undefined {
  return prizes.find((prize) => prize.key === key);
}

/** A member's draw wins (and reserve places), latest first: what LIFF "My prizes" and the console show. */
export async function listMemberDrawWins({
  db,
  brandId,
  memberId,
}: {
  db: Executor;
  brandId: string;
  memberId: string;
}): Promise<MemberDrawWin[]> {
  const rows = await db
    .select({ winner: drawWinners, drawName: draws.name, prizes: draws.prizes, country: brands.country })
    .from(drawWinners)
    .innerJoin(draws, eq(draws.id, drawWinners.drawId))
    .innerJoin(brands, eq(brands.id, drawWinners.brandId))
    .where(and(eq(drawWinners.brandId, brandId), eq(drawWinners.memberId, memberId)))
    .orderBy(desc(drawWinners.createdAt), desc(drawWinners.id));
  return rows.map(({ winner, drawName, prizes, country }) => {
    const prizeKey = winner.awardedPrizeKey ?? winner.prizeKey;
    const prize = prizeOf(prizes, prizeKey);
    const waiting = winner.isReserve && !winner.awardedPrizeKey;
    return {
      id: winner.id,
      drawId: winner.drawId,
      drawName,
      prizeKey,
      prizeName: prize?.name ?? (prizeKey === RESERVE_PRIZE_KEY ? {} : { en: prizeKey }),
      valueMinor: prize?.valueMinor ?? null,
      isReserve: winner.isReserve,
      status: waiting && winner.status === 'pending' ? 'reserve' : winner.status,
      notifiedAt: winner.notifiedAt,
      createdAt: winner.createdAt,
      paperwork: winNeedsPaperwork(winner, prize, currencyOfCountry(country))
        ? winner.taxInfo
          ? 'received'
          : 'needed'
        : 'not_needed',
    };
  });
}
