import { and, asc, eq, sql } from 'drizzle-orm';
import { auditLog } from '../audit/audit.table.js';
import { recordConsoleAction, type ConsoleAuditActor } from '../audit/index.js';
import { brands } from '../brands/brands.table.js';
import { currencyOfCountry } from '../brands/brands.models.js';
import type { LocalizedText } from '../campaigns/index.js';
import type { Database, Executor } from '../db/database.js';
import { members } from '../members/members.table.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  createDrawNotFoundError,
  createInvalidDrawError,
  createWinnerTaxNotNeededError,
} from './draws.errors.js';
import { draws, drawWinners } from './draws.table.js';
import { getDrawOrThrow, type Draw } from './draws.usecases.js';
import type { SealedTaxData, TaxDataCipher } from './winner-tax.crypto.js';
import { computePrizeTax, type PrizeTax, type WinnerTaxData } from './winner-tax.models.js';
import { prizeOf, winNeedsPaperwork } from './winners.usecases.js';

type StoredTaxInfo = SealedTaxData & { submittedAt: string };

/**
 * A winner gives (or corrects) the data the tax return needs for their prize. It is sealed with the
 * process's key before it reaches the database; nothing else of it is kept in clear.
 */
export async function submitWinnerTaxData({
  db,
  cipher,
  clock,
  brandId,
  memberId,
  winnerId,
  data,
}: {
  db: Executor;
  cipher: TaxDataCipher;
  clock: Clock;
  brandId: string;
  memberId: string;
  winnerId: string;
  data: WinnerTaxData;
}): Promise<{ paperwork: 'received' }> {
  const [row] = await db
    .select({ winner: drawWinners, prizes: draws.prizes, country: brands.country })
    .from(drawWinners)
    .innerJoin(draws, eq(draws.id, drawWinners.drawId))
    .innerJoin(brands, eq(brands.id, drawWinners.brandId))
    .where(
      and(eq(drawWinners.id, winnerId), eq(drawWinners.brandId, brandId), eq(drawWinners.memberId, memberId)),
    );
  if (!row)
    throw createDrawNotFoundError({ message: `No prize "${winnerId}" of yours`, details: { winnerId } });
  const { winner } = row;
  const prize = prizeOf(row.prizes, winner.awardedPrizeKey ?? winner.prizeKey);
  if (!winNeedsPaperwork(winner, prize, currencyOfCountry(row.country)))
    throw createWinnerTaxNotNeededError({ details: { winnerId } });
  const taxInfo: StoredTaxInfo = {
    ...cipher.seal(data, winner.id),
    submittedAt: clock.now().toISOString(),
  };
  await db.update(drawWinners).set({ taxInfo }).where(eq(drawWinners.id, winner.id));
  return { paperwork: 'received' };
}

export type WinnerTaxRow = {
  winnerId: string;
  rank: number;
  prizeKey: string;
  prizeName: LocalizedText;
  valueMinor: number;
  memberId: string;
  memberName: string | null;
  /** The winner's own data, decrypted; null until they gave it. */
  data: WinnerTaxData | null;
  submittedAt: string | null;
  /** Withholding and premium, once residency is known (from the data). */
  tax: PrizeTax | null;
};

/**
 * The tax paperwork of one draw, for its brand's owners: every win that needs it, the winner's data
 * decrypted, and the withholding and premium per prize. Reading it is audited (who, which draw).
 */
export async function getDrawTaxReport({
  db,
  cipher,
  generateId,
  clock,
  brandId,
  drawId,
  actor,
}: {
  db: Database;
  cipher: TaxDataCipher;
  generateId: IdGenerator;
  clock: Clock;
  brandId: string;
  drawId: string;
  actor: { userId: string; email: string };
}): Promise<{
  currency: string;
  rows: WinnerTaxRow[];
  totals: { withholdingMinor: number; healthPremiumMinor: number };
}> {
  const draw = await getDrawOrThrow(db, { brandId, drawId });
  const [brand] = await db.select({ country: brands.country }).from(brands).where(eq(brands.id, brandId));
  const currency = currencyOfCountry(brand!.country);
  const winners = await db
    .select({
      winner: drawWinners,
      memberName: sql<string | null>`coalesce(${members.name}, ${members.displayName})`,
    })
    .from(drawWinners)
    .innerJoin(members, eq(members.id, drawWinners.memberId))
    .where(eq(drawWinners.drawId, draw.id))
    .orderBy(asc(drawWinners.rank));
  const rows: WinnerTaxRow[] = [];
  for (const { winner, memberName } of winners) {
    const prizeKey = winner.awardedPrizeKey ?? winner.prizeKey;
    const prize = prizeOf(draw.prizes, prizeKey);
    if (!prize?.valueMinor || !winNeedsPaperwork(winner, prize, currency)) continue;
    const stored = winner.taxInfo as StoredTaxInfo | null;
    const data = stored ? cipher.open(stored, winner.id) : null;
    rows.push({
      winnerId: winner.id,
      rank: winner.rank,
      prizeKey,
      prizeName: prize.name,
      valueMinor: prize.valueMinor,
      memberId: winner.memberId,
      memberName,
      data,
      submittedAt: stored?.submittedAt ?? null,
      tax: data ? computePrizeTax({ valueMinor: prize.valueMinor, resident: data.resident }) : null,
    });
  }
  await db.insert(auditLog).values({
    id: generateId('auditEntry'),
    brandId,
    actorType: 'console_user',
    actorId: actor.userId,
    action: 'console.winner_tax_read',
    targetType: 'draw',
    targetId: draw.id,
    data: { by: actor.email, winners: rows.filter((row) => row.data).length },
    createdAt: clock.now(),
  });
  return {
    currency,
    rows,
    totals: {
      withholdingMinor: rows.reduce((sum, row) => sum + (row.tax?.withholdingMinor ?? 0), 0),
      healthPremiumMinor: rows.reduce((sum, row) => sum + (row.tax?.healthPremiumMinor ?? 0), 0),
    },
  };
}

/**
 * Sets (or clears, with nulls) a draw's lucky-draw permit: number and issuing province. With `audit`, the
 * change is audited in its transaction (`draw.permit_set`); saving the same permit again writes no row.
 */
export async function setDrawPermit({
  db,
  brandId,
  drawId,
  permitNumber,
  permitProvince,
  audit,
}: {
  db: Database;
  brandId: string;
  drawId: string;
  permitNumber: string | null;
  permitProvince: string | null;
  audit?: { actor: ConsoleAuditActor; clock: Clock; generateId: IdGenerator };
}): Promise<Draw> {
  if (Boolean(permitNumber) !== Boolean(permitProvince))
    throw createInvalidDrawError({
      message: 'A permit needs both its number and the issuing province',
      details: {
        issues: [{ path: permitNumber ? 'permitProvince' : 'permitNumber', message: 'is required' }],
      },
    });
  return db.transaction(async (tx) => {
    const [locked] = await tx
      .select()
      .from(draws)
      .where(and(eq(draws.id, drawId), eq(draws.brandId, brandId)))
      .for('update');
    const before = locked ?? (await getDrawOrThrow(tx, { brandId, drawId }));
    if (before.permitNumber === permitNumber && before.permitProvince === permitProvince) return before;
    const [updated] = await tx
      .update(draws)
      .set({ permitNumber, permitProvince })
      .where(and(eq(draws.id, drawId), eq(draws.brandId, brandId)))
      .returning();
    if (audit)
      await recordConsoleAction(tx, audit, audit.actor, {
        action: 'draw.permit_set',
        targetType: 'draw',
        targetId: drawId,
        data: {
          permitNumber,
          permitProvince,
          from: { permitNumber: before.permitNumber, permitProvince: before.permitProvince },
        },
      });
    return updated!;
  });
}
