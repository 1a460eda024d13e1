import { randomBytes } from 'node:crypto';
import { and, asc, eq, isNotNull, lte, sql } from 'drizzle-orm';
import { campaignDrawScheduleSchema, campaigns } from '../campaigns/index.js';
import type { Database } from '../db/database.js';
import type { RewardsNotifier } from '../rewards/rewards.notifications.js';
import type { Clock } from '../shared/clock.js';
import { isAppError } from '../shared/errors.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { draws } from './draws.table.js';
import { createDraw, runDraw } from './draws.usecases.js';
import { computeScheduledPeriods, periodsToOpen } from './schedule.models.js';

/** How long before its period begins a scheduled draw is opened (its seed hash published). */
export const DEFAULT_OPEN_AHEAD_MS = 60 * 60_000;

export type ScheduleAndRunDrawsResult = {
  /** Draws opened for periods that begin soon or have begun. */
  opened: number;
  /** Draws run now (their seed revealed). */
  drawn: number;
  /** Prize winners of those draws, each told once. */
  winners: number;
  /** Campaigns whose stored draw schedule no longer passes the schema (skipped). */
  invalidSchedules: string[];
  /** Draws that could not be opened or run this time (tried again on the next run). */
  failed: { campaignId?: string; drawId?: string; code: string }[];
};

/**
 * The draws job's one use case, run on `DRAWS_CRON`:
 * 1. for every active campaign with a draw schedule, opens the draw of each period that begins within
 *    `openAheadMs` and has not closed, unless it is open already (`createDraw` publishes the seed hash);
 * 2. runs every scheduled draw whose period has closed (`runDraw`: winners stored, seed revealed and
 *    each prize winner's message queued, all in one transaction).
 * Safe with any number of workers at once and after a crash: a campaign's draws are opened under its row
 * lock and `(campaign, schedule key)` is unique; `runDraw` locks the draw row, so a second run finds it
 * drawn, and winners are notified under the `draw-win:<winner>` dedupe key. Draws opened by hand
 * (`proofline draw create`) are left to the marketer.
 */
export async function scheduleAndRunDraws({
  db,
  generateId,
  clock,
  notifier,
  randomSource = randomBytes,
  openAheadMs = DEFAULT_OPEN_AHEAD_MS,
  logger,
}: {
  db: Database;
  generateId: IdGenerator;
  clock: Clock;
  notifier?: RewardsNotifier;
  randomSource?: (size: number) => Buffer;
  openAheadMs?: number;
  /** Where a failed campaign or draw is logged with its cause; the run goes on with the others. */
  logger?: Logger;
}): Promise<ScheduleAndRunDrawsResult> {
  const result: ScheduleAndRunDrawsResult = {
    opened: 0,
    drawn: 0,
    winners: 0,
    invalidSchedules: [],
    failed: [],
  };

  const scheduled = await db
    .select({ id: campaigns.id })
    .from(campaigns)
    .where(and(eq(campaigns.status, 'active'), sql`${campaigns.rewards} -> 'draws' is not null`))
    .orderBy(asc(campaigns.id));
  for (const { id: campaignId } of scheduled) {
    try {
      const opened = await openDueDraws({ db, generateId, clock, randomSource, openAheadMs, campaignId });
      if (opened === 'invalid') result.invalidSchedules.push(campaignId);
      else result.opened += opened;
    } catch (error) {
      logger?.error({ campaignId, err: error }, 'could not open the scheduled draws');
      result.failed.push({ campaignId, code: errorCode(error) });
    }
  }

  const due = await db
    .select({ id: draws.id, brandId: draws.brandId })
    .from(draws)
    .where(and(eq(draws.status, 'open'), isNotNull(draws.scheduleKey), lte(draws.periodTo, clock.now())))
    .orderBy(asc(draws.periodTo), asc(draws.id));
  for (const { id: drawId, brandId } of due) {
    try {
      const { winners, alreadyDrawn } = await runDraw({ db, generateId, clock, notifier, brandId, drawId });
      if (alreadyDrawn) continue;
      result.drawn += 1;
      result.winners += winners.filter((winner) => !winner.isReserve).length;
    } catch (error) {
      logger?.error({ drawId, err: error }, 'could not run a scheduled draw');
      result.failed.push({ drawId, code: errorCode(error) });
    }
  }
  return result;
}

/** Opens the campaign's due draws under its row lock; `invalid` when its stored schedule does not parse. */
async function openDueDraws({
  db,
  generateId,
  clock,
  randomSource,
  openAheadMs,
  campaignId,
}: {
  db: Database;
  generateId: IdGenerator;
  clock: Clock;
  randomSource: (size: number) => Buffer;
  openAheadMs: number;
  campaignId: string;
}): Promise<number | 'invalid'> {
  return db.transaction(async (tx) => {
    // NO KEY UPDATE, not UPDATE: proofs earning entries hold KEY SHARE locks on the campaign (foreign
    // keys) and must not wait for the scheduler.
    const [campaign] = await tx
      .select()
      .from(campaigns)
      .where(eq(campaigns.id, campaignId))
      .for('no key update');
    if (!campaign || campaign.status !== 'active') return 0;
    const schedule = campaignDrawScheduleSchema.safeParse(campaign.rewards.draws);
    if (!schedule.success) return 'invalid';
    const now = clock.now();
    const due = periodsToOpen(
      computeScheduledPeriods({
        schedule: schedule.data,
        timezone: campaign.timezone,
        registerFrom: campaign.registerFrom,
        registerTo: campaign.registerTo,
      }),
      now,
      openAheadMs,
    );
    if (due.length === 0) return 0;
    const existing = await tx
      .select({ scheduleKey: draws.scheduleKey })
      .from(draws)
      .where(and(eq(draws.campaignId, campaign.id), isNotNull(draws.scheduleKey)));
    const openedKeys = new Set(existing.map((draw) => draw.scheduleKey));
    let opened = 0;
    for (const period of due) {
      if (openedKeys.has(period.key)) continue;
      await createDraw({
        db: tx,
        generateId,
        randomSource,
        brandId: campaign.brandId,
        campaignId: campaign.id,
        name: period.name,
        periodFrom: period.periodFrom,
        periodTo: period.periodTo,
        prizes: period.prizes,
        maxWinsPerMember: period.maxWinsPerMember,
        reserveCount: period.reserveCount,
        scheduleKey: period.key,
      });
      opened += 1;
    }
    return opened;
  });
}

function errorCode(error: unknown): string {
  return isAppError(error) ? error.code : error instanceof Error ? error.message : String(error);
}
