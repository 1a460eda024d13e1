import { eq } from 'drizzle-orm';
import { brands } from '../brands/brands.table.js';
import { campaigns, type LocalizedText } from '../campaigns/campaigns.table.js';
import type { Executor } from '../db/database.js';
import { DRAW_EXPORT_FORMAT } from './draws.export.js';
import { exportDraw, getPublicDrawOrThrow, type PublicDraw } from './draws.usecases.js';

/** One place of a run draw as the public page shows it: the pseudonym, never the member. */
export type PublicDrawPick = {
  rank: number;
  /** The drawn prize key (`reserve` for a reserve place); the published record never changes it. */
  prizeKey: string;
  prizeName: LocalizedText | null;
  entryId: string;
  member: string;
  isReserve: boolean;
  /** The win was given up or disqualified after the draw; a reserve takes the prize. */
  forfeited: boolean;
  /** Why, when Proofline knows (`invoice_voided`: the proof's e-invoice was voided before payout). */
  forfeitReason: string | null;
  /** For a reserve who stepped up: the prize now received and the rank of the forfeited place. */
  steppedUpFor: { prizeKey: string; prizeName: LocalizedText | null; rank: number | null } | null;
};

/** Everything the public verification page shows of a draw; nothing in it links to a member. */
export type PublicDrawRecord = {
  draw: PublicDraw;
  brand: { name: string; defaultLocale: 'zh-TW' | 'th' | 'en'; timezone: string };
  campaign: { name: LocalizedText };
  /** Once the draw ran: the fixed entry list's size (entries and chances, each entry weighing its chances). */
  entries: { count: number; chances: number } | null;
  picks: PublicDrawPick[];
  exportFormat: string;
};

/**
 * A draw as a winner or a journalist checks it (`/draws/:id`): the committed seed hash from the start, and
 * once it ran the revealed seed, the entry count and the pseudonymised winners and reserves, all taken from
 * the same published record `proofline draw verify` recomputes (with its payouts: forfeits, step-ups).
 */
export async function getPublicDrawRecord(db: Executor, drawId: string): Promise<PublicDrawRecord> {
  const draw = await getPublicDrawOrThrow(db, drawId);
  const [owner] = await db
    .select({
      brandName: brands.name,
      defaultLocale: brands.defaultLocale,
      timezone: brands.timezone,
      campaignName: campaigns.name,
    })
    .from(campaigns)
    .innerJoin(brands, eq(brands.id, campaigns.brandId))
    .where(eq(campaigns.id, draw.campaignId))
    .limit(1);
  const record: PublicDrawRecord = {
    draw,
    brand: {
      name: owner?.brandName ?? '',
      defaultLocale: owner?.defaultLocale ?? 'en',
      timezone: owner?.timezone ?? 'UTC',
    },
    campaign: { name: owner?.campaignName ?? {} },
    entries: null,
    picks: [],
    exportFormat: DRAW_EXPORT_FORMAT,
  };
  if (draw.status !== 'drawn') return record;
  const published = await exportDraw({ db, brandId: draw.brandId, drawId: draw.id });
  const payouts = new Map((published.payouts ?? []).map((payout) => [payout.rank, payout]));
  const prizeName = (key: string) => draw.prizes.find((prize) => prize.key === key)?.name ?? null;
  record.entries = {
    count: published.entries.length,
    chances: published.entries.reduce((total, entry) => total + entry.weight, 0),
  };
  record.picks = published.winners.map((pick) => {
    const payout = payouts.get(pick.rank);
    const awarded = payout?.awardedPrizeKey;
    return {
      ...pick,
      prizeName: pick.isReserve ? null : prizeName(pick.prizeKey),
      forfeited: payout?.status === 'forfeited',
      forfeitReason: payout?.forfeitReason ?? null,
      steppedUpFor: awarded
        ? { prizeKey: awarded, prizeName: prizeName(awarded), rank: payout.replacesRank }
        : null,
    };
  });
  return record;
}
