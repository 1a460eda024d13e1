import { z } from 'zod';

export type LedgerKind = 'earn' | 'redeem' | 'expire' | 'adjust' | 'reverse';

/** The fields of a ledger row the replay needs, in the member's commit order (`seq`). */
export type LedgerRowForReplay = {
  id: string;
  kind: LedgerKind;
  points: number;
  expiresAt: Date | null;
  reversesId: string | null;
};

/** A credit (earn or positive adjustment) and what is left of it after the debits that consumed it. */
export type PointsLot = {
  id: string;
  expiresAt: Date | null;
  original: number;
  remaining: number;
  /** Position in the ledger, for the FIFO tie-break. */
  order: number;
};

export type LedgerReplay = {
  /** The sum of all rows: the balance. */
  balance: number;
  /** Credits in consumption order (soonest expiry first, then oldest). */
  lots: PointsLot[];
  /** Which lots each debit consumed, so a refund restores the very points it took (with their expiry). */
  consumption: Map<string, { lotId: string; amount: number }[]>;
  /** Points a debit could not find in any lot; always 0 while the ledger's invariant holds. */
  shortfall: number;
};

/**
 * Replays a member's ledger in commit order and computes what is left of every credit. Debits consume
 * lots FIFO: the lot that expires first, then the oldest (with "N days after earning" these are the same
 * lot). An `expire` row consumes only the lot it names; a `reverse` of an earn consumes that earn's lot
 * first; a positive `reverse` (a cancelled redemption) gives the points back to the lots the redemption
 * took them from, so returning points never extends their life.
 */
export function replayLedger(rows: LedgerRowForReplay[]): LedgerReplay {
  const lots = new Map<string, PointsLot>();
  const consumption = new Map<string, { lotId: string; amount: number }[]>();
  let balance = 0;
  let shortfall = 0;
  let sorted: PointsLot[] = [];
  let dirty = false;

  const orderedLots = () => {
    if (dirty) {
      sorted = [...lots.values()].sort(compareLots);
      dirty = false;
    }
    return sorted;
  };

  rows.forEach((row, index) => {
    balance += row.points;
    if (row.points > 0) {
      const restoredFrom =
        row.kind === 'reverse' && row.reversesId ? consumption.get(row.reversesId) : undefined;
      let toRestore = row.points;
      if (restoredFrom) {
        for (const part of [...restoredFrom].reverse()) {
          const lot = lots.get(part.lotId);
          if (!lot || toRestore === 0) continue;
          const amount = Math.min(part.amount, toRestore);
          lot.remaining += amount;
          toRestore -= amount;
        }
      }
      if (toRestore > 0) {
        lots.set(row.id, {
          id: row.id,
          expiresAt: row.expiresAt,
          original: toRestore,
          remaining: toRestore,
          order: index,
        });
        dirty = true;
      }
      return;
    }
    if (row.points === 0) return;

    let toConsume = -row.points;
    const parts: { lotId: string; amount: number }[] = [];
    const take = (lot: PointsLot) => {
      const amount = Math.min(lot.remaining, toConsume);
      if (amount <= 0) return;
      lot.remaining -= amount;
      toConsume -= amount;
      parts.push({ lotId: lot.id, amount });
    };
    const target = row.reversesId ? lots.get(row.reversesId) : undefined;
    if (target && (row.kind === 'expire' || row.kind === 'reverse')) take(target);
    if (row.kind !== 'expire') {
      for (const lot of orderedLots()) {
        if (toConsume === 0) break;
        take(lot);
      }
    }
    shortfall += toConsume;
    consumption.set(row.id, parts);
  });

  return { balance, lots: orderedLots(), consumption, shortfall };
}

function compareLots(a: PointsLot, b: PointsLot): number {
  const aTime = a.expiresAt ? a.expiresAt.getTime() : Number.POSITIVE_INFINITY;
  const bTime = b.expiresAt ? b.expiresAt.getTime() : Number.POSITIVE_INFINITY;
  if (aTime !== bTime) return aTime < bTime ? -1 : 1;
  return a.order - b.order;
}

/** The expire rows due at `now`: every lot whose time has come, for what is left of it. */
export function findExpiredLots(replay: LedgerReplay, now: Date): { lotId: string; points: number }[] {
  return replay.lots
    .filter((lot) => lot.remaining > 0 && lot.expiresAt !== null && lot.expiresAt.getTime() <= now.getTime())
    .map((lot) => ({ lotId: lot.id, points: lot.remaining }));
}

/** Points that will expire soonest, for "N points expire on …" in the LIFF app. */
export function findNextExpiry(replay: LedgerReplay, now: Date): { at: Date; points: number } | undefined {
  const upcoming = replay.lots.filter(
    (lot) => lot.remaining > 0 && lot.expiresAt !== null && lot.expiresAt.getTime() > now.getTime(),
  );
  const first = upcoming[0];
  if (!first?.expiresAt) return undefined;
  const at = first.expiresAt;
  const points = upcoming
    .filter((lot) => lot.expiresAt?.getTime() === at.getTime())
    .reduce((sum, lot) => sum + lot.remaining, 0);
  return { at, points };
}

/**
 * The part of the campaign's reward settings (`campaigns.rewards.points`) that the ledger applies. How
 * many points a proof earns is computed by the submissions capability; the ledger adds expiry and the caps
 * that need the member's history.
 */
export const pointsLedgerSettingsSchema = z
  .object({
    expiry: z
      .union([z.object({ afterDays: z.number().int().positive() }), z.object({ at: z.coerce.date() })])
      .optional(),
    caps: z
      .object({
        /** Most points one member earns in this campaign per calendar day (campaign time zone). */
        perDay: z.number().int().nonnegative().optional(),
        /** Most points one member earns in this campaign overall. */
        perCampaign: z.number().int().nonnegative().optional(),
      })
      .optional(),
  })
  .catch({});

export type PointsLedgerSettings = z.infer<typeof pointsLedgerSettingsSchema>;

export function parsePointsLedgerSettings(campaignRewards: Record<string, unknown> | null | undefined) {
  const points = (campaignRewards ?? {})['points'];
  return pointsLedgerSettingsSchema.parse(points ?? {});
}

/** When points earned at `earnedAt` expire under a policy: a fixed date, or N days later, or never. */
export function computeExpiresAt(expiry: PointsLedgerSettings['expiry'], earnedAt: Date): Date | null {
  if (!expiry) return null;
  if ('afterDays' in expiry) return new Date(earnedAt.getTime() + expiry.afterDays * 86_400_000);
  return expiry.at;
}

/** How many of the requested points the caps still allow, and which cap cut them. */
export function applyEarnCaps({
  requested,
  earnedToday,
  earnedInCampaign,
  caps,
}: {
  requested: number;
  earnedToday: number;
  earnedInCampaign: number;
  caps: PointsLedgerSettings['caps'];
}): { points: number; cappedBy?: 'perDay' | 'perCampaign' } {
  let points = Math.max(0, requested);
  let cappedBy: 'perDay' | 'perCampaign' | undefined;
  if (caps?.perDay !== undefined && earnedToday + points > caps.perDay) {
    points = Math.max(0, caps.perDay - earnedToday);
    cappedBy = 'perDay';
  }
  if (caps?.perCampaign !== undefined && earnedInCampaign + points > caps.perCampaign) {
    points = Math.max(0, caps.perCampaign - earnedInCampaign);
    cappedBy = 'perCampaign';
  }
  return cappedBy ? { points, cappedBy } : { points };
}

/** The start of the local calendar day containing `at` in an IANA time zone, as an instant. */
export function startOfLocalDay(at: Date, timeZone: string): Date {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const localAsUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  const offset = localAsUtc - Math.floor(at.getTime() / 1000) * 1000;
  return new Date(Date.UTC(get('year'), get('month') - 1, get('day')) - offset);
}
