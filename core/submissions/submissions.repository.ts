import { and, asc, eq, inArray, ne, sql } from 'drizzle-orm';
import { queryRows, type Executor } from '../db/database.js';
import { submissions, type SubmissionState } from './submissions.table.js';
import { createInvoiceRecordsRepository } from './invoice-records.repository.js';

export type Submission = typeof submissions.$inferSelect;
export type NewSubmission = typeof submissions.$inferInsert;
export type { InvoiceRecord, NewInvoiceRecord } from './invoice-records.repository.js';

/** States a verification run works on. */
export const VERIFIABLE_STATES: SubmissionState[] = ['parsed', 'awaiting_upload'];
const DECIDED_ACCEPTED: SubmissionState[] = ['accepted', 'rewarded'];

/**
 * Submissions, and the invoice rows they verify. The invoice rows belong to the invoices capability's
 * table; they are written here because the lifecycle is what creates and verifies them (the invoices
 * capability is pure parsing). Every query is scoped by brand or by an id that already is.
 */
export function createSubmissionsRepository({ db }: { db: Executor }) {
  return {
    async findBySourceRef({ brandId, sourceRef }: { brandId: string; sourceRef: string }) {
      const [row] = await db
        .select()
        .from(submissions)
        .where(and(eq(submissions.brandId, brandId), eq(submissions.sourceRef, sourceRef)))
        .limit(1);
      return row;
    },

    async getSubmission({ brandId, submissionId }: { brandId: string; submissionId: string }) {
      const [row] = await db
        .select()
        .from(submissions)
        .where(and(eq(submissions.brandId, brandId), eq(submissions.id, submissionId)))
        .limit(1);
      return row;
    },

    /** The submission that holds this proof in the campaign (any state but rejected). */
    async findLiveByProofKey({ campaignId, proofKey }: { campaignId: string; proofKey: string }) {
      const [row] = await db
        .select()
        .from(submissions)
        .where(
          and(
            eq(submissions.campaignId, campaignId),
            eq(submissions.proofKey, proofKey),
            ne(submissions.state, 'rejected'),
          ),
        )
        .limit(1);
      return row;
    },

    /**
     * Inserts unless the source ref was seen or the proof is already held in the campaign (the partial
     * unique index `submissions_campaign_proof_key_uq`); then returns undefined and the caller looks up
     * which. ON CONFLICT DO NOTHING waits for a concurrent insert of the same key to commit, so two members
     * sending one invoice at once get exactly one row.
     */
    async insertSubmission(row: NewSubmission): Promise<Submission | undefined> {
      const [created] = await db.insert(submissions).values(row).onConflictDoNothing().returning();
      return created;
    },

    /**
     * Claims up to `limit` due submissions and leases them until `leaseUntil` in one statement: rows
     * locked by another claimer are skipped (FOR UPDATE SKIP LOCKED), and once claimed a row is not due
     * until the lease lapses, so the slow platform call happens outside any row lock, and a runner that
     * crashed mid-way gives its rows back when the lease ends. `check_attempts` is bumped: it is the fence
     * the decision checks, so a runner whose lease lapsed cannot decide a row someone else re-claimed.
     */
    async claimDueSubmissions({
      now,
      leaseUntil,
      limit,
      verificationMode,
    }: {
      now: Date;
      leaseUntil: Date;
      limit: number;
      /** Only the submissions of campaigns in this mode (the instant-retry worker), or all. */
      verificationMode?: 'instant' | 'batch';
    }): Promise<Submission[]> {
      // The campaign is joined only to filter on its mode: the batch run reads `submissions_due_idx` in
      // order and stops after `limit` rows (joined, the plan read and sorted every due row, each claim).
      const modeJoin = verificationMode
        ? sql`join campaigns c on c.id = s2.campaign_id and c.verification_mode = ${verificationMode}`
        : sql``;
      const due = sql`(
        select s2.id from submissions s2
        ${modeJoin}
        where s2.state in ('parsed', 'awaiting_upload')
          and s2.next_check_at <= ${now.toISOString()}::timestamptz
        order by s2.next_check_at, s2.id
        limit ${limit}
        for update of s2 skip locked
      )`;
      // Without table statistics (PGlite never analyzes) the planner guesses a handful of due rows and
      // sorts them all; the index already holds them in order, so sorting is priced out for this statement.
      return db.transaction(async (tx) => {
        await tx.execute(sql`set local enable_sort = off`);
        return tx
          .update(submissions)
          .set({
            nextCheckAt: leaseUntil,
            checkAttempts: sql`${submissions.checkAttempts} + 1`,
            updatedAt: now,
          })
          .where(sql`${submissions.id} in ${due}`)
          .returning();
      });
    },

    /**
     * Applies a change only if the submission is still where the caller left it: in a verifiable state
     * with the attempt count it claimed. Returns the updated row, or undefined when someone else moved it.
     */
    async updateIfClaimed({
      values,
      ...fence
    }: ClaimFence & { values: Partial<NewSubmission> }): Promise<Submission | undefined> {
      const [row] = await db.update(submissions).set(values).where(stillClaimed(fence)).returning();
      return row;
    },

    async updateSubmission(submissionId: string, values: Partial<NewSubmission>) {
      const [row] = await db
        .update(submissions)
        .set(values)
        .where(eq(submissions.id, submissionId))
        .returning();
      return row as Submission;
    },

    /** Serialises the decisions of one member in one campaign, so caps hold under concurrency. */
    async lockMemberCampaign(pair: { memberId: string; campaignId: string }) {
      await db.execute(sql`select ${memberCampaignLock(pair)}`);
    },

    /**
     * The member's accepted proofs in the campaign, in total and registered within [dayStart, dayEnd).
     * A carrier proof's container row (no proof key) is not a proof: its invoices are counted instead.
     */
    async countAccepted({
      memberId,
      campaignId,
      dayStart,
      dayEnd,
      excludeId,
    }: {
      memberId: string;
      campaignId: string;
      dayStart: Date;
      dayEnd: Date;
      excludeId: string;
    }): Promise<{ today: number; total: number }> {
      const [row] = await queryRows<{ today: number | string; total: number | string }>(
        db,
        acceptedCounts({ memberId, campaignId, dayStart, dayEnd, excludeId }),
      );
      return { today: Number(row?.today ?? 0), total: Number(row?.total ?? 0) };
    },

    /**
     * `countAccepted` and `updateIfClaimed`'s fence without a write, in one statement: the counts, and
     * whether the submission is still where the caller left it (a verifiable state, the attempt count it
     * claimed), its row then locked until the transaction ends; a decision then computes everything and
     * writes the row once (`decideInTransaction`). The caller holds `lockMemberCampaign`, so no accepted
     * proof of the member in the campaign changes while the row lock waits.
     */
    async countAcceptedAndLock({ fence, ...window }: AcceptedWindow & { fence: ClaimFence }): Promise<{
      today: number;
      total: number;
      claimed: boolean;
    }> {
      const [row] = await queryRows<{
        today: number | string;
        total: number | string;
        locked: string | null;
      }>(
        db,
        sql`select c.today, c.total, l.id as locked
              from (${acceptedCounts(window)}) c
              left join lateral (select ${submissions.id} from ${submissions} where ${stillClaimed(fence)}
                                 for update) l on true`,
      );
      return {
        today: Number(row?.today ?? 0),
        total: Number(row?.total ?? 0),
        claimed: Boolean(row?.locked),
      };
    },

    /**
     * `lockMemberCampaign` for many member–campaign pairs, taken in one fixed order (every batch sorts
     * them the same way, and a single decision holds one), so two deciding transactions cannot deadlock.
     */
    async lockMemberCampaigns(pairs: { memberId: string; campaignId: string }[]) {
      const keys = [...new Set(pairs.map((pair) => `submissions:${pair.campaignId}:${pair.memberId}`))];
      if (keys.length === 0) return;
      await db.execute(
        sql`select pg_advisory_xact_lock(hashtextextended(k.key, 0))
              from (select value as key from jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb)
                    order by value) k`,
      );
    },

    /** `countAccepted` for many proofs in one query; by submission id. */
    async countAcceptedMany(
      proofs: { id: string; memberId: string; campaignId: string; dayStart: Date; dayEnd: Date }[],
    ): Promise<Map<string, { today: number; total: number }>> {
      if (proofs.length === 0) return new Map();
      const rows = await queryRows<{ id: string; today: number | string; total: number | string }>(
        db,
        sql`select v.id,
              count(s.id) filter (where s.created_at >= v."dayStart" and s.created_at < v."dayEnd") as today,
              count(s.id) as total
            from jsonb_to_recordset(${JSON.stringify(proofs)}::jsonb)
                 as v(id text, "memberId" text, "campaignId" text, "dayStart" timestamptz, "dayEnd" timestamptz)
            left join ${submissions} s
              on s.member_id = v."memberId" and s.campaign_id = v."campaignId"
             and s.state in ('accepted', 'rewarded') and s.id <> v.id and s.proof_key is not null
            group by v.id`,
      );
      return new Map(rows.map((row) => [row.id, { today: Number(row.today), total: Number(row.total) }]));
    },

    /**
     * Locks the claimed submissions that are still where their claimers left them (verifiable, with the
     * attempt count each was claimed with: `updateIfClaimed`'s fence) until the transaction ends. Returns
     * the ids it locked; any other has moved on.
     */
    async lockClaimed(fences: { id: string; checkAttempts: number }[]): Promise<Set<string>> {
      if (fences.length === 0) return new Set();
      const rows = await queryRows<{ id: string }>(
        db,
        sql`select s.id from ${submissions} s
              join jsonb_to_recordset(${JSON.stringify(fences)}::jsonb) as v(id text, "checkAttempts" integer)
                on s.id = v.id and s.check_attempts = v."checkAttempts"
             where s.state in ('parsed', 'awaiting_upload')
             order by s.id
               for update of s`,
      );
      return new Set(rows.map((row) => row.id));
    },

    /** Writes many decisions (state, reason, campaign version, decision) in one statement; no fence. */
    async writeDecisions(
      decisions: {
        id: string;
        state: SubmissionState;
        reasonCode: string | null;
        campaignVersion: number;
        decision: Record<string, unknown>;
      }[],
      now: Date,
    ): Promise<void> {
      if (decisions.length === 0) return;
      const v = sql.raw('v');
      await db
        .update(submissions)
        .set({
          state: sql`${v}.state`,
          reasonCode: sql`${v}."reasonCode"`,
          campaignVersion: sql`${v}."campaignVersion"`,
          decision: sql`${v}.decision`,
          nextCheckAt: null,
          decidedAt: now,
          updatedAt: now,
        })
        .from(
          sql`jsonb_to_recordset(${JSON.stringify(decisions)}::jsonb) as v(id text, state text,
                "reasonCode" text, "campaignVersion" integer, decision jsonb)`,
        )
        .where(sql`${submissions.id} = ${v}.id`);
    },

    /** How many of a campaign's proofs are decided (per version) and how many are still to be judged. */
    async summarizeCampaignDecisions({
      campaignId,
    }: {
      campaignId: string;
    }): Promise<{ decidedByVersion: Record<string, number>; decided: number; pending: number }> {
      const rows = await queryRows<{
        version: number | null;
        decided: number | string;
        pending: number | string;
      }>(
        db,
        sql`select ${submissions.campaignVersion} as version,
              count(*) filter (where ${submissions.decidedAt} is not null) as decided,
              count(*) filter (where ${submissions.decidedAt} is null) as pending
            from ${submissions}
            where ${submissions.campaignId} = ${campaignId}
            group by ${submissions.campaignVersion}`,
      );
      const decidedByVersion: Record<string, number> = {};
      let decided = 0;
      let pending = 0;
      for (const row of rows) {
        decided += Number(row.decided);
        pending += Number(row.pending);
        if (Number(row.decided) > 0) decidedByVersion[String(row.version ?? 'unknown')] = Number(row.decided);
      }
      return { decidedByVersion, decided, pending };
    },

    async listByMember({
      brandId,
      memberId,
      limit = 50,
    }: {
      brandId: string;
      memberId: string;
      limit?: number;
    }) {
      return db
        .select()
        .from(submissions)
        .where(and(eq(submissions.brandId, brandId), eq(submissions.memberId, memberId)))
        .orderBy(asc(submissions.createdAt))
        .limit(limit);
    },

    async countByState({ campaignId }: { campaignId: string }) {
      const rows = await db
        .select({ state: submissions.state, count: sql<number>`count(*)::int` })
        .from(submissions)
        .where(eq(submissions.campaignId, campaignId))
        .groupBy(submissions.state);
      return Object.fromEntries(rows.map((row) => [row.state, Number(row.count)])) as Partial<
        Record<SubmissionState, number>
      >;
    },

    /** Submissions stored at once (each only if new: `insertSubmission`); the ones stored. */
    async insertSubmissions(rows: NewSubmission[]): Promise<Submission[]> {
      if (rows.length === 0) return [];
      return db.insert(submissions).values(rows).onConflictDoNothing().returning();
    },

    /** The submissions of these source refs of a brand (`findBySourceRef` for several). */
    async findBySourceRefs({ brandId, sourceRefs }: { brandId: string; sourceRefs: string[] }) {
      if (sourceRefs.length === 0) return [];
      return db
        .select()
        .from(submissions)
        .where(and(eq(submissions.brandId, brandId), inArray(submissions.sourceRef, sourceRefs)));
    },
    // Spread last, not first: methods defined after a spread put V8 on a slow path, ~53 µs of CPU a
    // repository against ~1.5 (load 24; a batch verification makes one a proof; decision 016); no name
    // is shared, so the order changes nothing else.
    ...createInvoiceRecordsRepository({ db }),
  };
}

export type SubmissionsRepository = ReturnType<typeof createSubmissionsRepository>;

/** Where the caller left a submission it claimed: its states to move it from, the attempt count it took. */
type ClaimFence = { submissionId: string; checkAttempts: number; states: SubmissionState[] };

/** The claim's fence as a condition: the submission still where the caller left it. */
/** The member's accepted proofs in the campaign, in total and registered within [dayStart, dayEnd). */
type AcceptedWindow = {
  memberId: string;
  campaignId: string;
  dayStart: Date;
  dayEnd: Date;
  excludeId: string;
};

/** `countAccepted`'s query: the member's accepted proofs in the campaign, today and in all. */
function acceptedCounts({ memberId, campaignId, dayStart, dayEnd, excludeId }: AcceptedWindow) {
  return sql`select
      count(*) filter (where ${submissions.createdAt} >= ${dayStart.toISOString()}::timestamptz
                       and ${submissions.createdAt} < ${dayEnd.toISOString()}::timestamptz) as today,
      count(*) as total
    from ${submissions}
    where ${submissions.memberId} = ${memberId} and ${submissions.campaignId} = ${campaignId}
      and ${inArray(submissions.state, DECIDED_ACCEPTED)} and ${submissions.id} <> ${excludeId}
      and ${submissions.proofKey} is not null`;
}

/**
 * The lock that serialises one member's decisions in one campaign (`lockMemberCampaign`), as an expression,
 * so a statement the deciding transaction runs before its counts can take it too.
 */
export function memberCampaignLock({ memberId, campaignId }: { memberId: string; campaignId: string }) {
  return sql`pg_advisory_xact_lock(hashtextextended(${`submissions:${campaignId}:${memberId}`}, 0))`;
}

function stillClaimed({ submissionId, checkAttempts, states }: ClaimFence) {
  return and(
    eq(submissions.id, submissionId),
    eq(submissions.checkAttempts, checkAttempts),
    inArray(submissions.state, states),
  );
}
