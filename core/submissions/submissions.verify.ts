import {
  createCampaignsRepository,
  readCampaignSettings,
  type CampaignWithSettings,
} from '../campaigns/index.js';
import {
  createSubmissionsRepository,
  type InvoiceRecord,
  type Submission,
} from './submissions.repository.js';
import type { SubmissionsDeps, SubmitProofResult } from './submissions.types.js';
import { leaseMs } from './submissions.decide.js';
import { checkClaimedSubmission, type AnsweredCheck } from './submissions.einvoice.js';
import { settleAnswers } from './submissions.batch.js';

/**
 * How many answered proofs a deciding transaction of the batch verification waits for, and the most it
 * takes: 100 to a transaction cost ~2× the statements and ~30 % more of our CPU per 1,000 proofs than 250
 * (PostgreSQL, answers trickling in), and the claims ahead keep the platform busy while one is written.
 */
const DECIDE_BATCH = 250;
const DECIDE_MOST = 500;

type VerifyOutcomes = Partial<Record<SubmitProofResult['outcome'], number>>;

/**
 * Batch verification: claims due submissions (FOR UPDATE SKIP LOCKED, leased), asks the platform outside
 * any transaction, and decides each one. Any number of runners may call it at once; each submission is
 * verified by exactly one of them.
 *
 * With `maxClaims` > 1 it keeps going, claim after claim, until a claim comes back short (nothing due is
 * left) or `maxClaims` were made: the next claim is made while the current one's last checks are asked, and
 * its checks start while the earlier answers are still being decided, so the platform is never left idle
 * between two claims (the job's loop used to wait for each claim's last decision before claiming again).
 * A claim is leased like any other: only its own rows, only until they are decided or the lease lapses.
 */
export async function verifyDueSubmissions(
  deps: SubmissionsDeps,
  {
    limit = 100,
    now: fixedNow,
    verificationMode,
    concurrency = 4,
    decideBatchSize = DECIDE_BATCH,
    maxClaims = 1,
  }: {
    limit?: number;
    /** The time the claims are made at (each claim reads the clock when unset). */
    now?: Date;
    /** `instant`: the retry worker (instant campaigns only); unset: the scheduled batch run (all). */
    verificationMode?: 'instant' | 'batch';
    concurrency?: number;
    /**
     * Answered proofs a deciding transaction waits for (it takes up to twice as many, at most 500, when they
     * piled up while the previous one was written); 1 decides each on its own. @default 250
     */
    decideBatchSize?: number;
    /** Claims of up to `limit` proofs made one after the other until one comes back short. @default 1 */
    maxClaims?: number;
  } = {},
): Promise<{ claimed: number; outcomes: VerifyOutcomes }> {
  const repository = createSubmissionsRepository({ db: deps.db });
  const outcomes: VerifyOutcomes = {};
  const count = (result: SubmitProofResult) => {
    outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
  };
  const campaigns = new Map<string, Promise<CampaignWithSettings | undefined>>();
  const campaignOf = (submission: Submission) => {
    let campaign = campaigns.get(submission.campaignId);
    if (!campaign) {
      campaign = createCampaignsRepository({ db: deps.db, generateId: deps.generateId })
        .getCampaign({ brandId: submission.brandId, campaignId: submission.campaignId })
        .then((row) => (row ? readCampaignSettings(row) : undefined));
      campaigns.set(submission.campaignId, campaign);
    }
    return campaign;
  };

  // The claimed proofs waiting for their check, with their invoices (read in one query per claim).
  const queue: { submission: Submission; invoice: InvoiceRecord | undefined }[] = [];
  let claimed = 0;
  let claims = 0;
  let exhausted = false;
  let claiming: Promise<void> | undefined;
  let failure: unknown;
  const claimNext = async () => {
    const now = fixedNow ?? deps.clock.now();
    const rows = await repository.claimDueSubmissions({
      now,
      leaseUntil: new Date(now.getTime() + leaseMs(deps)),
      limit,
      verificationMode,
    });
    claims++;
    claimed += rows.length;
    if (rows.length < limit || claims >= maxClaims) exhausted = true;
    const invoices = await repository.getInvoices(
      rows.flatMap((submission) => (submission.invoiceId ? [submission.invoiceId] : [])),
    );
    for (const submission of rows)
      queue.push({
        submission,
        invoice: submission.invoiceId ? invoices.get(submission.invoiceId) : undefined,
      });
  };
  /** Claims again once the checks left of the earlier claims are half done (the claim waits its turn). */
  const claimAheadAt = Math.max(concurrency * 2, Math.ceil(limit / 2));
  const claimAhead = () => {
    if (claiming || exhausted || failure || queue.length > claimAheadAt) return;
    claiming = claimNext()
      .catch((error: unknown) => {
        exhausted = true;
        failure ??= error;
      })
      .finally(() => {
        claiming = undefined;
      });
  };

  // The platform is asked outside any transaction, and the answers are decided in batches, each in one
  // transaction of a few statements: a batch starts once `decideBatchSize` answers wait (or the last checks
  // are done) and the previous batch is written; while one is being written the answers pile up, and the
  // next batch takes them all (up to two batches' worth), so a slower database gets fewer, larger
  // transactions instead of a queue.
  const answered: AnsweredCheck[] = [];
  const most =
    decideBatchSize <= 1 ? 1 : Math.max(decideBatchSize, Math.min(decideBatchSize * 2, DECIDE_MOST));
  let checking = true;
  let deciding: Promise<void> | undefined;
  const decide = () => {
    if (deciding || answered.length === 0 || (checking && answered.length < decideBatchSize)) return;
    const batch = answered.splice(0, most);
    deciding = settleAnswers(deps, batch)
      .then(
        (results) =>
          results.forEach((result, index) => {
            if (result instanceof Error)
              deps.logger?.error(
                { err: result, submissionId: batch[index]?.claimed.id },
                'verifying a submission failed',
              );
            else count(result);
          }),
        (error: unknown) => {
          failure ??= error;
          exhausted = true;
        },
      )
      .finally(() => {
        deciding = undefined;
        decide();
      });
  };

  const work = async () => {
    for (;;) {
      claimAhead();
      const next = queue.shift();
      if (!next) {
        if (!claiming) return;
        await claiming;
        continue;
      }
      const { submission, invoice } = next;
      try {
        const campaign = await campaignOf(submission);
        if (!campaign) continue;
        const checked = await checkClaimedSubmission(deps, submission, campaign, { invoice });
        if ('result' in checked) count(checked.result);
        else {
          answered.push(checked.answered);
          decide();
        }
      } catch (error) {
        // The lease lapses and another run tries again; one bad row does not stop the batch.
        deps.logger?.error({ err: error, submissionId: submission.id }, 'verifying a submission failed');
      }
    }
  };
  await claimNext();
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, queue.length)) }, work));
  checking = false;
  decide();
  while (deciding) await deciding;
  if (failure) throw failure;
  return { claimed, outcomes };
}
