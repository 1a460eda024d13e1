import { and, eq, isNull, sql } from 'drizzle-orm';
import { createCampaignsRepository, type Campaign } from '../campaigns/index.js';
import { queryRows, type Executor } from '../db/database.js';
import { drawWinners, lotteryEntries } from '../draws/draws.table.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  appendLedgerRow,
  findLedgerRowByKey,
  lockMemberPoints,
  replayMemberLedger,
} from './points.ledger.js';
import {
  applyEarnCaps,
  computeExpiresAt,
  parsePointsLedgerSettings,
  startOfLocalDay,
} from './points.models.js';
import { instantPlays, instantPrizes, pointsLedger } from './rewards.table.js';

export type SubmissionRewardQuantities = {
  /** Points the campaign's earn rules computed for the proof (before the day/campaign caps). */
  points: number;
  /** Lottery entries (the weight of the proof's single entry row). */
  entries: number;
  /** Instant-win plays; a proof gives at most one, so any value above zero means one. */
  instantWin: number;
};

export type GrantRewardsResult = {
  pointsEarned: number;
  balance: number;
  entriesAdded: number;
  instantPlayId?: string;
  /** Set when a cap cut the points. */
  cappedBy?: 'perDay' | 'perCampaign';
};

export const earnIdempotencyKey = (submissionId: string) => `earn:${submissionId}`;
export const reverseIdempotencyKey = (submissionId: string) => `reverse:${submissionId}`;

/**
 * The `earn` ledger row of an accepted proof, its points after the caps. A capped proof still gets its
 * (zero) row: the key records that this proof was dealt with.
 */
export function earnLedgerRow({
  generateId,
  submission,
  capped,
  expiresAt,
  now,
}: {
  generateId: IdGenerator;
  submission: { id: string; brandId: string; campaignId: string; memberId: string };
  capped: { points: number; cappedBy?: 'perDay' | 'perCampaign' | undefined };
  expiresAt: Date | null;
  now: Date;
}): typeof pointsLedger.$inferInsert {
  return {
    id: generateId('pointsEntry'),
    brandId: submission.brandId,
    memberId: submission.memberId,
    campaignId: submission.campaignId,
    kind: 'earn',
    points: capped.points,
    expiresAt,
    submissionId: submission.id,
    reason: capped.cappedBy ? `capped:${capped.cappedBy}` : null,
    actor: 'system',
    idempotencyKey: earnIdempotencyKey(submission.id),
    createdAt: now,
  };
}

/**
 * Gives an accepted proof its rewards, inside the caller's transaction (the one that accepts the proof):
 * an `earn` ledger row (with the campaign's expiry, within its caps), one lottery entry row of weight
 * `entries`, and one unplayed scratch card. Idempotent per submission: the ledger key `earn:<id>` and the
 * unique submission columns of entries and plays mean a second call changes nothing and returns the same
 * answer.
 */
export async function grantRewardsForSubmission({
  tx,
  generateId,
  clock,
  submission,
  quantities,
  campaign: given,
  memberLocked = false,
}: {
  tx: Executor;
  generateId: IdGenerator;
  clock: Clock;
  submission: { id: string; brandId: string; campaignId: string; memberId: string };
  quantities: SubmissionRewardQuantities;
  /** The proof's campaign as the caller decided with it (its rewards and time zone); read when not given. */
  campaign?: Pick<Campaign, 'id' | 'rewards' | 'timezone'>;
  /** The transaction holds the member's points lock already (`memberPointsLocked` in an earlier statement). */
  memberLocked?: boolean;
}): Promise<GrantRewardsResult> {
  const { brandId, memberId, campaignId } = submission;
  const now = clock.now();
  if (!memberLocked) await lockMemberPoints(tx, memberId);

  let pointsEarned = 0;
  let cappedBy: GrantRewardsResult['cappedBy'];
  /** The earn row to write, when this call writes one. */
  let ledgerRow: typeof pointsLedger.$inferInsert | undefined;
  const campaign =
    quantities.points <= 0 || given?.id === campaignId
      ? given
      : await createCampaignsRepository({ db: tx, generateId }).getCampaign({ brandId, campaignId });
  // One read under the member's lock: this proof's earn row if it has one, the caps' sums and the balance.
  const earned = await readEarnState(tx, {
    brandId,
    memberId,
    campaignId,
    idempotencyKey: earnIdempotencyKey(submission.id),
    since: startOfLocalDay(now, campaign?.timezone ?? 'UTC'),
  });
  // The balance after this grant: nobody else writes the member's ledger while the lock is held.
  let balance = earned.balance;
  if (earned.existingPoints !== null) {
    pointsEarned = earned.existingPoints;
  } else if (quantities.points > 0) {
    const settings = parsePointsLedgerSettings(campaign?.rewards);
    const capped = applyEarnCaps({
      requested: Math.floor(quantities.points),
      earnedToday: earned.today,
      earnedInCampaign: earned.total,
      caps: settings.caps,
    });
    cappedBy = capped.cappedBy;
    ledgerRow = earnLedgerRow({
      generateId,
      submission,
      capped,
      expiresAt: computeExpiresAt(settings.expiry, now),
      now: clock.now(),
    });
  }

  // The earn row, the entry and the scratch card in one statement (the decision after the MoF's answer
  // waits for each statement, issue 17): each comes back from its insert, or — there already (a repeated
  // call), or not due — from the read beside it. The read's snapshot is this statement's, taken under the
  // member's lock (above), so no other grant for the proof can commit in between.
  const entryId = quantities.entries > 0 ? generateId('lotteryEntry') : null;
  const playId = quantities.instantWin > 0 ? generateId('instantPlay') : null;
  const ledger = ledgerRow
    ? sql`ledger as (${tx
        .insert(pointsLedger)
        .values(ledgerRow)
        .onConflictDoNothing()
        .returning({ points: pointsLedger.points })
        .getSQL()}),`
    : sql``;
  const [handed] = await queryRows<{
    weight: number | string | null;
    play_id: string | null;
    created_points: number | string | null;
    earned_points: number | string | null;
  }>(
    tx,
    sql`with ${ledger} entry as (
          insert into ${lotteryEntries} (id, brand_id, campaign_id, member_id, submission_id, weight, earned_at)
          select ${entryId}::text, ${brandId}, ${campaignId}, ${memberId}, ${submission.id},
                 ${Math.floor(quantities.entries)}::int, ${now.toISOString()}::timestamptz
           where ${entryId !== null}
          on conflict do nothing
          returning weight),
        play as (
          insert into ${instantPlays} (id, brand_id, campaign_id, member_id, submission_id)
          select ${playId}::text, ${brandId}, ${campaignId}, ${memberId}, ${submission.id}
           where ${playId !== null}
          on conflict do nothing
          returning id)
        select coalesce((select weight from entry),
                        (select ${lotteryEntries.weight} from ${lotteryEntries}
                          where ${lotteryEntries.submissionId} = ${submission.id} limit 1)) as weight,
               coalesce((select id from play),
                        (select ${instantPlays.id} from ${instantPlays}
                          where ${instantPlays.submissionId} = ${submission.id} limit 1)) as play_id,
               ${ledgerRow ? sql`(select points from ledger)` : sql`null::int`} as created_points,
               ${
                 ledgerRow
                   ? sql`coalesce((select points from ledger),
                        (select ${pointsLedger.points} from ${pointsLedger}
                          where ${pointsLedger.brandId} = ${brandId}
                            and ${pointsLedger.idempotencyKey} = ${ledgerRow.idempotencyKey} limit 1))`
                   : sql`null::int`
               } as earned_points`,
  );
  if (ledgerRow) {
    // As appendLedgerRow: the row that holds the key, written now or (a repeated call) before.
    if (handed?.earned_points == null)
      throw new Error(`ledger row ${ledgerRow.idempotencyKey} conflicted but cannot be found`);
    pointsEarned = Number(handed.earned_points);
    if (handed.created_points != null) balance += Number(handed.created_points);
  }
  const entriesAdded = Number(handed?.weight ?? 0);
  const play = handed?.play_id ? { id: handed.play_id } : undefined;

  return {
    pointsEarned,
    balance,
    entriesAdded,
    ...(play ? { instantPlayId: play.id } : {}),
    ...(cappedBy ? { cappedBy } : {}),
  };
}

/**
 * What a grant needs to know, in one read (the caller holds the member's points lock): the points of
 * the proof's earn row when it has one (a repeated call), the member's earn points in the campaign since
 * `since` and in all (the caps), and the member's balance.
 */
async function readEarnState(
  tx: Executor,
  {
    brandId,
    memberId,
    campaignId,
    idempotencyKey,
    since,
  }: { brandId: string; memberId: string; campaignId: string; idempotencyKey: string; since: Date },
): Promise<{ existingPoints: number | null; today: number; total: number; balance: number }> {
  const [row] = await queryRows<{
    existing_points: string | number | null;
    today: string | number;
    total: string | number;
    balance: string | number;
  }>(
    tx,
    sql`select
          (select ${pointsLedger.points} from ${pointsLedger}
            where ${pointsLedger.brandId} = ${brandId} and ${pointsLedger.idempotencyKey} = ${idempotencyKey}
            limit 1) as existing_points,
          coalesce(sum(${pointsLedger.points}) filter (
            where ${pointsLedger.campaignId} = ${campaignId} and ${pointsLedger.kind} = 'earn'
              and ${pointsLedger.createdAt} >= ${since}), 0)::bigint as today,
          coalesce(sum(${pointsLedger.points}) filter (
            where ${pointsLedger.campaignId} = ${campaignId} and ${pointsLedger.kind} = 'earn'), 0)::bigint as total,
          coalesce(sum(${pointsLedger.points}), 0)::bigint as balance
        from ${pointsLedger}
        where ${pointsLedger.brandId} = ${brandId} and ${pointsLedger.memberId} = ${memberId}`,
  );
  return {
    existingPoints:
      row?.existing_points === null || row?.existing_points === undefined
        ? null
        : Number(row.existing_points),
    today: Number(row?.today ?? 0),
    total: Number(row?.total ?? 0),
    balance: Number(row?.balance ?? 0),
  };
}

export type ReverseRewardsResult = {
  /** Points taken back now (at most what the proof earned, and never more than the balance). */
  pointsReversed: number;
  /** Earned points already spent, which a reversal cannot take back without a negative balance. */
  pointsShortfall: number;
  entriesVoided: number;
  /** Draw wins of the voided entries, now forfeited (the reserve winners step up). */
  winsForfeited: number;
  instantPlayVoided: boolean;
  /** A won scratch-card prize withheld, its stock returned to the pool. */
  instantPrizeWithheld: boolean;
};

/**
 * Undoes what a proof earned when a reviewer finds fraud after it was accepted: a `reverse` ledger row
 * (never an edit of the earn row), its lottery entries voided (and any pending win on them forfeited),
 * its scratch card voided (a won prize withheld and put back in stock). Idempotent per submission.
 */
export async function reverseRewardsForSubmission({
  tx,
  generateId,
  clock,
  submissionId,
  reason,
  actor,
}: {
  tx: Executor;
  generateId: IdGenerator;
  clock: Clock;
  submissionId: string;
  reason: string;
  actor: string;
}): Promise<ReverseRewardsResult> {
  const now = clock.now();
  const result: ReverseRewardsResult = {
    pointsReversed: 0,
    pointsShortfall: 0,
    entriesVoided: 0,
    winsForfeited: 0,
    instantPlayVoided: false,
    instantPrizeWithheld: false,
  };

  const [earn] = await tx
    .select()
    .from(pointsLedger)
    .where(and(eq(pointsLedger.submissionId, submissionId), eq(pointsLedger.kind, 'earn')))
    .limit(1);
  if (earn) {
    await lockMemberPoints(tx, earn.memberId);
    const key = reverseIdempotencyKey(submissionId);
    const already = await findLedgerRowByKey(tx, { brandId: earn.brandId, idempotencyKey: key });
    if (!already && earn.points > 0) {
      const { replay } = await replayMemberLedger(tx, earn);
      const points = Math.min(earn.points, Math.max(0, replay.balance));
      await appendLedgerRow(tx, {
        generateId,
        clock,
        row: {
          brandId: earn.brandId,
          memberId: earn.memberId,
          campaignId: earn.campaignId,
          kind: 'reverse',
          points: -points,
          submissionId,
          reversesId: earn.id,
          reason,
          actor,
          idempotencyKey: key,
        },
      });
      result.pointsReversed = points;
      result.pointsShortfall = earn.points - points;
    }
  }

  const voided = await tx
    .update(lotteryEntries)
    .set({ voidedAt: now })
    .where(and(eq(lotteryEntries.submissionId, submissionId), isNull(lotteryEntries.voidedAt)))
    .returning({ id: lotteryEntries.id });
  result.entriesVoided = voided.length;
  for (const entry of voided) {
    const forfeited = await tx
      .update(drawWinners)
      .set({ status: 'forfeited' })
      .where(and(eq(drawWinners.entryId, entry.id), eq(drawWinners.status, 'pending')))
      .returning({ id: drawWinners.id });
    result.winsForfeited += forfeited.length;
  }

  const [play] = await tx
    .update(instantPlays)
    .set({ voidedAt: now })
    .where(and(eq(instantPlays.submissionId, submissionId), isNull(instantPlays.voidedAt)))
    .returning();
  if (play) {
    result.instantPlayVoided = true;
    if (play.prizeId) {
      await tx
        .update(instantPrizes)
        .set({ stockLeft: sql`${instantPrizes.stockLeft} + 1` })
        .where(eq(instantPrizes.id, play.prizeId));
      result.instantPrizeWithheld = true;
    }
  }
  return result;
}
