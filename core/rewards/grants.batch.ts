import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { campaigns } from '../campaigns/index.js';
import { queryRows, type Executor } from '../db/database.js';
import { insertJsonRows, jsonRowsSource } from '../db/json-rows.js';
import { lotteryEntries } from '../draws/draws.table.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import {
  earnIdempotencyKey,
  earnLedgerRow,
  type GrantRewardsResult,
  type SubmissionRewardQuantities,
} from './grants.usecases.js';
import { findLedgerRowByKey, POINTS_LOCK_NAMESPACE, type LedgerRow } from './points.ledger.js';
import {
  applyEarnCaps,
  computeExpiresAt,
  parsePointsLedgerSettings,
  startOfLocalDay,
} from './points.models.js';
import { instantPlays, pointsLedger } from './rewards.table.js';

export type SubmissionToReward = {
  submission: { id: string; brandId: string; campaignId: string; memberId: string };
  quantities: SubmissionRewardQuantities;
};

/**
 * `grantRewardsForSubmission` for many accepted proofs of one brand at once, inside the caller's
 * transaction, in a fixed number of statements whatever their count: the same rows, keys and caps as
 * granting them one after the other in the given order (a member's caps count the earlier ones of the
 * batch). Idempotent per submission as the single grant is. Results in the order given.
 */
export async function grantRewardsForSubmissions({
  tx,
  generateId,
  clock,
  grants,
}: {
  tx: Executor;
  generateId: IdGenerator;
  clock: Clock;
  grants: readonly SubmissionToReward[];
}): Promise<GrantRewardsResult[]> {
  if (grants.length === 0) return [];
  const brandIds = new Set(grants.map((grant) => grant.submission.brandId));
  if (brandIds.size !== 1) throw new Error('grantRewardsForSubmissions takes the proofs of one brand');
  const brandId = grants[0]!.submission.brandId;
  const now = clock.now();
  const memberIds = [...new Set(grants.map((grant) => grant.submission.memberId))].sort();
  const submissionIds = grants.map((grant) => grant.submission.id);

  // The member rows, then the member points locks (as `lockMemberPoints`), each in one fixed order (every
  // batch takes them sorted, so two cannot deadlock).
  await tx.execute(
    sql`select m.id from members m
          where m.id in (select jsonb_array_elements_text(${JSON.stringify(memberIds)}::jsonb))
          order by m.id for no key update of m`,
  );
  await tx.execute(
    sql`select pg_advisory_xact_lock(${POINTS_LOCK_NAMESPACE}::int, hashtext(m.id))
          from (select value as id from jsonb_array_elements_text(${JSON.stringify(memberIds)}::jsonb)
                order by value) m`,
  );

  const keys = submissionIds.map(earnIdempotencyKey);
  const existing = new Map(
    (
      await tx
        .select()
        .from(pointsLedger)
        .where(and(eq(pointsLedger.brandId, brandId), inArray(pointsLedger.idempotencyKey, keys)))
    ).map((row) => [row.idempotencyKey, row]),
  );

  const wantsPoints = grants.filter(
    (grant) => !existing.has(earnIdempotencyKey(grant.submission.id)) && grant.quantities.points > 0,
  );
  const campaignIds = [...new Set(wantsPoints.map((grant) => grant.submission.campaignId))];
  const campaignRows =
    campaignIds.length === 0
      ? []
      : await tx
          .select({ id: campaigns.id, rewards: campaigns.rewards, timezone: campaigns.timezone })
          .from(campaigns)
          .where(and(eq(campaigns.brandId, brandId), inArray(campaigns.id, campaignIds)));
  const campaignById = new Map(campaignRows.map((row) => [row.id, row]));
  // What each member already earned in each campaign (today in the campaign's time zone, and in all).
  const earned = new Map<string, { today: number; total: number }>();
  for (const campaignId of campaignIds) {
    const campaign = campaignById.get(campaignId);
    const since = startOfLocalDay(now, campaign?.timezone ?? 'UTC');
    const members = [...new Set(wantsPoints.map((grant) => grant.submission.memberId))];
    const rows = await queryRows<{ member_id: string; today: string | number; total: string | number }>(
      tx,
      sql`select ${pointsLedger.memberId} as member_id,
            coalesce(sum(${pointsLedger.points}) filter (where ${pointsLedger.createdAt} >= ${since}), 0)::bigint as today,
            coalesce(sum(${pointsLedger.points}), 0)::bigint as total
          from ${pointsLedger}
          where ${pointsLedger.brandId} = ${brandId} and ${pointsLedger.campaignId} = ${campaignId}
            and ${pointsLedger.kind} = 'earn' and ${inArray(pointsLedger.memberId, members)}
          group by ${pointsLedger.memberId}`,
    );
    for (const row of rows)
      earned.set(`${campaignId}:${row.member_id}`, { today: Number(row.today), total: Number(row.total) });
  }

  // The earn rows, capped in order: a member's earlier proofs of the batch count against the caps.
  const earnedPoints = new Map<string, number>();
  const cappedBy = new Map<string, GrantRewardsResult['cappedBy']>();
  const newRows: (typeof pointsLedger.$inferInsert)[] = [];
  for (const { submission, quantities } of grants) {
    const held = existing.get(earnIdempotencyKey(submission.id));
    if (held) {
      earnedPoints.set(submission.id, held.points);
      continue;
    }
    if (!(quantities.points > 0)) {
      earnedPoints.set(submission.id, 0);
      continue;
    }
    const campaign = campaignById.get(submission.campaignId);
    const settings = parsePointsLedgerSettings(campaign?.rewards);
    const key = `${submission.campaignId}:${submission.memberId}`;
    const sums = earned.get(key) ?? { today: 0, total: 0 };
    const capped = applyEarnCaps({
      requested: Math.floor(quantities.points),
      earnedToday: sums.today,
      earnedInCampaign: sums.total,
      caps: settings.caps,
    });
    earned.set(key, { today: sums.today + capped.points, total: sums.total + capped.points });
    if (capped.cappedBy) cappedBy.set(submission.id, capped.cappedBy);
    earnedPoints.set(submission.id, capped.points);
    newRows.push(
      earnLedgerRow({
        generateId,
        submission,
        capped,
        expiresAt: computeExpiresAt(settings.expiry, now),
        now,
      }),
    );
  }
  const written = new Set<string>();
  if (newRows.length > 0) {
    const inserted = new Set(
      (
        await insertJsonRows<typeof pointsLedger, { key: string }>(
          tx,
          pointsLedger,
          newRows,
          sql`on conflict do nothing returning ${sql.identifier(pointsLedger.idempotencyKey.name)} as key`,
        )
      ).map((row) => row.key),
    );
    // Held by a row written meanwhile (the member lock makes this a retry of the same proof): its points.
    for (const row of newRows) {
      if (inserted.has(row.idempotencyKey)) {
        written.add(row.submissionId as string);
        continue;
      }
      const held: LedgerRow | undefined = await findLedgerRowByKey(tx, {
        brandId,
        idempotencyKey: row.idempotencyKey,
      });
      if (!held) throw new Error(`ledger row ${row.idempotencyKey} conflicted but cannot be found`);
      earnedPoints.set(row.submissionId as string, held.points);
      cappedBy.delete(row.submissionId as string);
    }
  }

  // Each proof's entries and instant play: the rows inserted now and those already there, in one
  // statement each (the insert's rows are not visible to the same statement's read, so no row is twice).
  const entryRows = grants
    .filter((grant) => grant.quantities.entries > 0)
    .map(({ submission, quantities }) => ({
      id: generateId('lotteryEntry'),
      brandId,
      campaignId: submission.campaignId,
      memberId: submission.memberId,
      submissionId: submission.id,
      weight: Math.floor(quantities.entries),
      earnedAt: now,
    }));
  const weights = new Map(
    (
      await insertedAndExisting<{ submission_id: string; weight: number }>(
        tx,
        lotteryEntries,
        entryRows,
        sql`submission_id, weight`,
        submissionIds,
      )
    ).map((row) => [row.submission_id, Number(row.weight)]),
  );

  const playRows = grants
    .filter((grant) => grant.quantities.instantWin > 0)
    .map(({ submission }) => ({
      id: generateId('instantPlay'),
      brandId,
      campaignId: submission.campaignId,
      memberId: submission.memberId,
      submissionId: submission.id,
    }));
  const plays = new Map(
    (
      await insertedAndExisting<{ submission_id: string; id: string }>(
        tx,
        instantPlays,
        playRows,
        sql`submission_id, id`,
        submissionIds,
      )
    ).map((row) => [row.submission_id, row.id]),
  );

  // Each proof's balance is the member's balance just after its own grant: the final balance less what
  // the member's later proofs of the batch added.
  const balances = new Map(
    (
      await queryRows<{ member_id: string; balance: string | number }>(
        tx,
        sql`select ${pointsLedger.memberId} as member_id, coalesce(sum(${pointsLedger.points}), 0)::bigint as balance
              from ${pointsLedger}
             where ${pointsLedger.brandId} = ${brandId} and ${inArray(pointsLedger.memberId, memberIds)}
             group by ${pointsLedger.memberId}`,
      )
    ).map((row) => [row.member_id, Number(row.balance)]),
  );
  const results: GrantRewardsResult[] = new Array(grants.length);
  for (let index = grants.length - 1; index >= 0; index--) {
    const { submission } = grants[index]!;
    const balance = balances.get(submission.memberId) ?? 0;
    const pointsEarned = earnedPoints.get(submission.id) ?? 0;
    if (written.has(submission.id)) balances.set(submission.memberId, balance - pointsEarned);
    const play = plays.get(submission.id);
    const cap = cappedBy.get(submission.id);
    results[index] = {
      pointsEarned,
      balance,
      entriesAdded: weights.get(submission.id) ?? 0,
      ...(play ? { instantPlayId: play } : {}),
      ...(cap ? { cappedBy: cap } : {}),
    };
  }
  return results;
}

/**
 * Inserts `rows` (on conflict, nothing) into a table keyed by `submission_id`, and returns `columns` of the
 * rows of those submissions: the ones inserted now and the ones already there, in one statement.
 */
async function insertedAndExisting<R extends Record<string, unknown>>(
  tx: Executor,
  table: typeof lotteryEntries | typeof instantPlays,
  rows: readonly (typeof lotteryEntries.$inferInsert)[] | readonly (typeof instantPlays.$inferInsert)[],
  columns: SQL,
  submissionIds: readonly string[],
): Promise<R[]> {
  const existing = sql`select ${columns} from ${table}
    where submission_id in (select value from jsonb_array_elements_text(${JSON.stringify(submissionIds)}::jsonb))`;
  if (rows.length === 0) return queryRows<R>(tx, existing);
  const json = jsonRowsSource(table as typeof lotteryEntries, rows as never);
  const insert = json
    ? sql`insert into ${table} (${json.columns}) ${json.source}`
    : (tx.insert(table).values(rows as never) as unknown as { getSQL(): SQL }).getSQL();
  return queryRows<R>(
    tx,
    sql`with inserted as (${insert} on conflict do nothing returning ${columns})
        select * from inserted union all ${existing}`,
  );
}
