import { and, eq, gte, inArray, isNull, lt, or, sql } from 'drizzle-orm';
import { syncSubmissionLineItems } from '../analytics/index.js';
import { recordAudit } from '../audit/index.js';
import type { Database, Executor } from '../db/database.js';
import { invoices } from '../invoices/invoices.table.js';
import { pointsLedger, reverseRewardsForSubmission, type RewardsNotifier } from '../rewards/index.js';
import type { Clock } from '../shared/clock.js';
import type { IdGenerator } from '../shared/ids.js';
import type { Logger } from '../shared/logger.js';
import { submissions } from '../submissions/submissions.table.js';
import type { EInvoicePlatform } from '../verification/index.js';
import { createPayoutRecheckUnavailableError } from './payouts.errors.js';
import {
  buildProofReversedMessages,
  PLATFORM_CHECKED_KINDS,
  RECHECK_FRESH_MS,
  RECHECK_POINTS_WINDOW_DAYS,
  standingOfAnswer,
  type ProofStanding,
} from './payouts.models.js';
import { labelWinsForfeitedWithProof, tellMemberProofTakenBack } from './proof-forfeits.js';

/** Built on first use: nothing to re-check, no platform needed (and none is contacted). */
export type PlatformSource = () => EInvoicePlatform;

/** Why a proof is taken back; the audit row and the winner's forfeit reason carry it. */
export const INVOICE_VOIDED_REASON = 'invoice_voided';

/** The operator id written on ledger rows and audit rows of the automatic re-check. */
const RECHECK_ACTOR = 'system:payout-recheck';

/** How many invoices are asked about at once; the deployment-wide MoF budget paces them anyway. */
const RECHECK_CONCURRENCY = 4;

/**
 * Asks the MoF platform again about the e-invoices behind accepted proofs (one header query per invoice,
 * through the platform adapter and so through the deployment's MoF budget), and records what it said on
 * the invoice (`status`, `status_checked_at`). Proofs without an invoice number to ask about (photos, or
 * never verified) are not in the answer. A proof already reversed answers `voided`.
 */
export async function recheckProofsOnPlatform({
  db,
  platform,
  clock,
  logger,
  submissionIds,
}: {
  db: Executor;
  platform: PlatformSource;
  clock: Clock;
  logger?: Logger;
  submissionIds: string[];
}): Promise<Map<string, ProofStanding>> {
  const standing = new Map<string, ProofStanding>();
  if (submissionIds.length === 0) return standing;
  const rows = await db
    .select({
      id: submissions.id,
      state: submissions.state,
      invoiceId: invoices.id,
      invoiceNumber: invoices.invoiceNumber,
      invoiceDate: invoices.invoiceDate,
    })
    .from(submissions)
    .innerJoin(invoices, eq(invoices.id, submissions.invoiceId))
    .where(and(inArray(submissions.id, submissionIds), inArray(submissions.kind, PLATFORM_CHECKED_KINDS)));
  const byInvoice = new Map<string, { number: string; date: string; submissionIds: string[] }>();
  for (const row of rows) {
    if (row.state === 'reversed') {
      standing.set(row.id, 'voided');
      continue;
    }
    if (!row.invoiceNumber) continue;
    const group = byInvoice.get(row.invoiceId) ?? {
      number: row.invoiceNumber,
      date: row.invoiceDate,
      submissionIds: [],
    };
    group.submissionIds.push(row.id);
    byInvoice.set(row.invoiceId, group);
  }

  const queue = [...byInvoice.entries()];
  const ask = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [invoiceId, invoice] = next;
      let answer: ProofStanding;
      try {
        answer = standingOfAnswer(
          await platform().getInvoiceHeader({
            invoiceNumber: invoice.number,
            invoiceDate: invoice.date,
            type: 'Barcode',
          }),
        );
        await db
          .update(invoices)
          .set({
            statusCheckedAt: clock.now(),
            ...(answer === 'voided' ? { status: 'voided' as const } : {}),
          })
          .where(eq(invoices.id, invoiceId));
      } catch (error) {
        // The platform is down or refused: nothing is paid on this proof until it can be asked again.
        logger?.warn(
          { err: error, invoiceNumber: invoice.number },
          'payout re-check could not ask the platform',
        );
        answer = 'unchecked';
      }
      for (const id of invoice.submissionIds) standing.set(id, answer);
    }
  };
  await Promise.all(Array.from({ length: Math.min(RECHECK_CONCURRENCY, queue.length) }, ask));
  return standing;
}

export type ReverseProofResult =
  | { reversed: false }
  | { reversed: true; pointsReversed: number; entriesVoided: number; winsForfeited: number };

/**
 * Takes back an accepted proof whose invoice the platform now reports voided, in ONE transaction under the
 * proof's row lock: the proof moves to `reversed`, its points and entries are reversed
 * (`reverseRewardsForSubmission`), a pending draw win on its entry is forfeited (a reserve steps up on
 * the next promotion), the member is told why in their language (dedupe key `proof-reversed:<id>`), and
 * an audit row is written. A proof already reversed (another worker, a retry) changes nothing: exactly once.
 */
export async function reverseVoidedProof({
  db,
  generateId,
  clock,
  notifier,
  submissionId,
}: {
  db: Database;
  generateId: IdGenerator;
  clock: Clock;
  notifier?: RewardsNotifier;
  submissionId: string;
}): Promise<ReverseProofResult> {
  return db.transaction(async (tx) => {
    const [proof] = await tx.select().from(submissions).where(eq(submissions.id, submissionId)).for('update');
    if (!proof || (proof.state !== 'accepted' && proof.state !== 'rewarded')) return { reversed: false };
    const now = clock.now();
    await tx
      .update(submissions)
      .set({ state: 'reversed', reasonCode: 'invoice.voided', updatedAt: now })
      .where(eq(submissions.id, submissionId));
    // The purchase leaves the analytics in the same transaction (its line items, and so the rollups).
    await syncSubmissionLineItems(tx, { submissionId });
    const [invoice] = proof.invoiceId
      ? await tx
          .update(invoices)
          .set({ status: 'voided', statusCheckedAt: now, updatedAt: now })
          .where(eq(invoices.id, proof.invoiceId))
          .returning({ number: invoices.invoiceNumber })
      : [];
    const reversal = await reverseRewardsForSubmission({
      tx,
      generateId,
      clock,
      submissionId,
      reason: INVOICE_VOIDED_REASON,
      actor: RECHECK_ACTOR,
    });
    await labelWinsForfeitedWithProof(tx, { submissionId, reason: INVOICE_VOIDED_REASON });
    await tellMemberProofTakenBack(tx, notifier, {
      brandId: proof.brandId,
      memberId: proof.memberId,
      dedupeKey: `proof-reversed:${submissionId}`,
      messages: (locale) =>
        buildProofReversedMessages({
          locale,
          invoiceNumber: invoice?.number ?? '',
          points: reversal.pointsReversed + reversal.pointsShortfall,
          entries: reversal.entriesVoided,
        }),
    });
    await recordAudit(
      tx,
      { clock, generateId },
      {
        brandId: proof.brandId,
        actorType: 'system',
        actorId: RECHECK_ACTOR,
        action: 'proof.reversed',
        targetType: 'submission',
        targetId: submissionId,
        data: {
          reason: INVOICE_VOIDED_REASON,
          invoiceNumber: invoice?.number ?? null,
          memberId: proof.memberId,
          pointsReversed: reversal.pointsReversed,
          pointsShortfall: reversal.pointsShortfall,
          entriesVoided: reversal.entriesVoided,
          winsForfeited: reversal.winsForfeited,
        },
      },
    );
    return {
      reversed: true,
      pointsReversed: reversal.pointsReversed,
      entriesVoided: reversal.entriesVoided,
      winsForfeited: reversal.winsForfeited,
    };
  });
}

export type RecheckDeps = {
  db: Database;
  platform: PlatformSource;
  generateId: IdGenerator;
  clock: Clock;
  notifier?: RewardsNotifier;
  logger?: Logger;
};

/** Re-checks the given proofs and reverses the voided ones; what it found, per proof. */
export async function recheckAndReverse(
  deps: RecheckDeps,
  submissionIds: string[],
): Promise<{ standing: Map<string, ProofStanding>; reversed: number }> {
  const standing = await recheckProofsOnPlatform({ ...deps, submissionIds });
  let reversed = 0;
  for (const [submissionId, answer] of standing) {
    if (answer !== 'voided') continue;
    const result = await reverseVoidedProof({ ...deps, submissionId });
    if (result.reversed) reversed += 1;
  }
  return { standing, reversed };
}

/**
 * Before a member spends points: the e-invoices that earned them in the last 60 days (not re-checked in
 * the last hour) are asked about again, and the voided ones reversed, so the redemption sees the balance
 * that still stands. When the platform cannot be asked, the redemption is refused (503) and nothing spent.
 */
export async function recheckRecentPointsOfMember(
  deps: RecheckDeps,
  { brandId, memberId }: { brandId: string; memberId: string },
): Promise<{ checked: number; reversed: number }> {
  const now = deps.clock.now();
  const since = new Date(now.getTime() - RECHECK_POINTS_WINDOW_DAYS * 86_400_000);
  const fresh = new Date(now.getTime() - RECHECK_FRESH_MS);
  const rows = await deps.db
    .selectDistinct({ id: submissions.id })
    .from(submissions)
    .innerJoin(pointsLedger, eq(pointsLedger.submissionId, submissions.id))
    .innerJoin(invoices, eq(invoices.id, submissions.invoiceId))
    .where(
      and(
        eq(submissions.brandId, brandId),
        eq(submissions.memberId, memberId),
        inArray(submissions.state, ['accepted', 'rewarded']),
        inArray(submissions.kind, PLATFORM_CHECKED_KINDS),
        eq(pointsLedger.kind, 'earn'),
        sql`${pointsLedger.points} > 0`,
        gte(pointsLedger.createdAt, since),
        or(isNull(invoices.statusCheckedAt), lt(invoices.statusCheckedAt, fresh)),
      ),
    );
  const { standing, reversed } = await recheckAndReverse(
    deps,
    rows.map((row) => row.id),
  );
  const unchecked = [...standing.values()].filter((answer) => answer === 'unchecked').length;
  if (unchecked > 0) throw createPayoutRecheckUnavailableError({ details: { unchecked } });
  return { checked: standing.size, reversed };
}
