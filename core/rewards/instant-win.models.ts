import { z } from 'zod';

export const PPM = 1_000_000;
const DAY_MS = 86_400_000;

/**
 * How a prize's stock is released over the campaign, so it does not run out on day one. Releases are
 * cumulative: stock not won on a day stays available on the next (it rolls forward); `rescheduleInstantPrize`
 * re-spreads what is left evenly over the remaining days instead.
 */
export const instantPrizeScheduleSchema = z.discriminatedUnion('kind', [
  z.object({
    /** `quantity` released in equal daily parts from `from` to `to` (day i releases its share at its start). */
    kind: z.literal('even'),
    from: z.coerce.date(),
    to: z.coerce.date(),
    /** How many to spread; default: the prize's total stock. */
    quantity: z.number().int().nonnegative().optional(),
    /** Prizes already awarded when this schedule was set (a reschedule starts from them). */
    startAwarded: z.number().int().nonnegative().default(0),
  }),
  z.object({
    kind: z.literal('releases'),
    /** Explicit releases: at each instant, `quantity` more can be won. */
    releases: z.array(z.object({ at: z.coerce.date(), quantity: z.number().int().positive() })),
  }),
]);

export type InstantPrizeSchedule = z.input<typeof instantPrizeScheduleSchema>;

/**
 * How many of a prize may have been awarded by `now` (all of it without a schedule). A play can win the
 * prize only while `awarded < releasedStock(...)`; an unreadable schedule releases nothing, so a typo never
 * gives the whole stock away.
 */
export function releasedStock(schedule: unknown, stockTotal: number, now: Date): number {
  if (schedule === null || schedule === undefined) return stockTotal;
  const parsed = instantPrizeScheduleSchema.safeParse(schedule);
  if (!parsed.success) return 0;
  const plan = parsed.data;
  if (plan.kind === 'releases') {
    const released = plan.releases
      .filter((release) => release.at.getTime() <= now.getTime())
      .reduce((sum, release) => sum + release.quantity, 0);
    return Math.min(stockTotal, released);
  }
  const quantity = plan.quantity ?? stockTotal - plan.startAwarded;
  if (now.getTime() < plan.from.getTime()) return Math.min(stockTotal, plan.startAwarded);
  const days = Math.max(1, Math.ceil((plan.to.getTime() - plan.from.getTime()) / DAY_MS));
  const day = Math.min(days - 1, Math.floor((now.getTime() - plan.from.getTime()) / DAY_MS));
  return Math.min(stockTotal, plan.startAwarded + Math.ceil((quantity * (day + 1)) / days));
}

/**
 * Which prize a draw `r` in [0, 1,000,000) hits: prizes are laid end to end by their odds (in the order
 * given); beyond the last one the play loses. A hit on an out-of-stock prize loses too — it does not fall
 * through to the next prize, so published odds are never exceeded.
 */
export function pickInstantPrize<T extends { id: string; oddsPpm: number }>(
  prizes: T[],
  r: number,
): T | undefined {
  let cumulative = 0;
  for (const prize of prizes) {
    cumulative += prize.oddsPpm;
    if (r < cumulative) return prize;
  }
  return undefined;
}
