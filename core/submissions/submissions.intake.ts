import { readCampaignSettings, type CampaignWithSettings } from '../campaigns/index.js';
import { notifyWork } from '../db/work-signal.js';
import { createTurnBatcher } from '../shared/turn-batch.js';
import type { BudgetPermit } from '../verification/index.js';
import { leaseMs, resolveCampaign } from './submissions.decide.js';
import {
  asksPlatform,
  readEInvoice,
  unverifiedInvoiceOf,
  verifyClaimedSubmission,
  type RawInput,
} from './submissions.einvoice.js';
import { taiwanInvoiceProofKey } from './submissions.models.js';
import { countChecksAhead, placeOf, QUEUED_REASON_CODE } from './submissions.queue.js';
import {
  createSubmissionsRepository,
  type InvoiceRecord,
  type NewSubmission,
  type Submission,
} from './submissions.repository.js';
import type {
  ProofQueuePlace,
  SubmissionsDeps,
  SubmitProofCommand,
  SubmitProofResult,
} from './submissions.types.js';
import { submitProof } from './submissions.usecases.js';

type ParsedInvoice = Extract<ReturnType<typeof readEInvoice>, { outcome: 'parsed' }>['invoice'];
type Item = { command: SubmitProofCommand; parsed: ParsedInvoice };

/**
 * `submitProof` for the chat: typed proofs that arrive close together (a burst the webhook worker's
 * lanes started together: `createTurnBatcher`) are taken in together: one read of their earlier
 * submissions, one transaction that locks the deployment's MoF budget once, stores their invoices and
 * submissions in one multi-row statement each and wakes the retry worker once, instead of one transaction
 * each. Each is decided as `submitProof` would decide it alone, in the group's order: checked in the
 * request with a permit of the budget when its turn is near enough (its decision is the answer), else
 * answered "received, checking" with its place and checked later at the budget's pace (the decision
 * follows by push). Anything else — one seen before, one whose dates or stored answer settle it, a
 * conflict — goes through `submitProof` on its own, so every rule stays `submitProof`'s; so does every
 * proof of a group whose transaction fails (one bad proof fails alone). Idempotent by `sourceRef` as before.
 */
export function createChatProofSubmitter(
  depsOf: () => SubmissionsDeps,
): (command: SubmitProofCommand) => Promise<SubmitProofResult> {
  const grouped = createTurnBatcher<SubmitProofCommand, SubmitProofResult>(async (batch) => {
    const alone = (entry: (typeof batch)[number]) =>
      submitProof(depsOf(), entry.input).then(entry.resolve, entry.reject);
    if (batch.length === 1) return alone(batch[0] as (typeof batch)[number]);
    const byBrand = new Map<string, typeof batch>();
    for (const entry of batch)
      byBrand.set(entry.input.brandId, [...(byBrand.get(entry.input.brandId) ?? []), entry]);
    await Promise.all(
      [...byBrand.values()].map(async (entries) => {
        let results: (Promise<SubmitProofResult> | undefined)[];
        try {
          results = await takeInTogether(
            depsOf(),
            entries.map(({ input }) => input),
          );
        } catch (error) {
          // Nothing of the group was written (one transaction): each on its own, so a bad one fails alone.
          depsOf().logger?.warn({ err: error }, 'taking in a group of proofs failed; each goes alone');
          results = [];
        }
        await Promise.all(
          entries.map((entry, i) => {
            const result = results[i];
            return result ? result.then(entry.resolve, entry.reject) : alone(entry);
          }),
        );
      }),
    );
  });
  // Only typed chat proofs are grouped; the rest go straight on.
  return (command) =>
    command.channel === 'chat' && command.input.type === 'text'
      ? grouped(command)
      : submitProof(depsOf(), command);
}

/** A proof of the group stored to be checked in the request, with its permit, or queued with its place. */
type Taken =
  | { at: number; submission: Submission; queued: ProofQueuePlace }
  | { at: number; submission: Submission; invoice: InvoiceRecord; permit: BudgetPermit };

/**
 * Takes in the typed proofs of one brand together; the result of each proof taken in (settled once its
 * check is done, for one checked in the request), undefined for those left to `submitProof` (all of them
 * when there is no shared budget, instant campaign or answer-at-once threshold, or fewer than two to take).
 */
async function takeInTogether(
  deps: SubmissionsDeps,
  commands: SubmitProofCommand[],
): Promise<(Promise<SubmitProofResult> | undefined)[]> {
  const results: (Promise<SubmitProofResult> | undefined)[] = commands.map(() => undefined);
  const limitMs = deps.answerAtOnceAfterMs;
  const budget = deps.platform.budget;
  const [first] = commands;
  const reserve = budget?.reserve;
  if (limitMs === undefined || !budget || !reserve || !first || commands.length < 2) return results;
  const brandId = first.brandId;
  const repository = createSubmissionsRepository({ db: deps.db });

  // Typed e-invoices (not carriers, not partial or invalid text) of no earlier submission.
  const candidates: { at: number; item: Item }[] = [];
  commands.forEach((command, at) => {
    if (command.input.type !== 'text' || command.campaignId) return;
    const read = readEInvoice(command.input);
    if (read.outcome === 'parsed' && read.invoice.source === 'text')
      candidates.push({ at, item: { command, parsed: read.invoice } });
  });
  if (candidates.length < 2) return results;
  // Read ahead by the callers (`seenBefore`) when all of them did; else read together.
  const seenAhead = candidates.map(({ item }) => item.command.seenBefore);
  const seen = seenAhead.every((ahead) => ahead !== undefined)
    ? (await Promise.all(seenAhead)).filter((row) => row !== undefined)
    : await repository.findBySourceRefs({
        brandId,
        sourceRefs: candidates.map(({ item }) => item.command.sourceRef),
      });
  // Seen before (a redelivery): answered by `submitProof`, as stored.
  const seenRefs = new Set(seen.map((row) => row.sourceRef));
  const campaign = await resolveCampaign(deps, first, 'einvoice_text');
  if (!campaign || campaign.verificationMode !== 'instant') return results;
  const settings: CampaignWithSettings = readCampaignSettings(campaign);
  const now = deps.clock.now();
  // Decided on the dates alone here (the stored answer, below, once the invoices are read).
  const asking = candidates.filter(
    ({ item }) =>
      !seenRefs.has(item.command.sourceRef) &&
      asksPlatform(settings, item.parsed, { platformAnswer: null }, now),
  );
  if (asking.length < 2) return results;
  const intervalMs = budget.ratePerSecond ? 1000 / budget.ratePerSecond : 0;

  let taken: Taken[];
  try {
    taken = await deps.db.transaction(async (tx) => {
      const txRepository = createSubmissionsRepository({ db: tx });
      // In `submitProof`'s order (the invoices, then the budget's row), so the two never deadlock.
      const invoiceRows = await txRepository.upsertInvoices({
        generateId: deps.generateId,
        invoices: asking.map(({ item: { parsed } }) => unverifiedInvoiceOf(brandId, parsed, now)),
      });
      // A stored answer that settles the proof: decided by `submitProof`, without the platform.
      const group = asking.flatMap((entry, i) => {
        const invoice = invoiceRows[i];
        return invoice && asksPlatform(settings, entry.item.parsed, invoice, now)
          ? [{ ...entry, invoice }]
          : [];
      });
      if (group.length < 2) throw new NotGrouped();
      // Each proof's turn as `submitProof` would find it, one after the other: every proof before it, checked
      // now (a permit taken) or queued (one more ahead), puts it one interval later. The budget's row stays
      // locked to the commit, so the turns given are not taken by anyone else meanwhile.
      let places: ProofQueuePlace[] = [];
      let checkNow: boolean[] = [];
      const firstPermit = await reserve(tx, async (backlogMs) => {
        const base = placeOf(backlogMs, await countChecksAhead(tx, { now }), budget.ratePerSecond);
        places = group.map((_, i) => ({
          position: base.position + i,
          etaMs: Math.round(base.etaMs + i * intervalMs),
        }));
        checkNow = group.map(({ item }, i) => {
          const place = places[i] as ProofQueuePlace;
          return !(place.etaMs > 0 && waitedMs(item.command, now) + place.etaMs > limitMs);
        });
        return checkNow.includes(true);
      });
      // One permit a proof checked now, in the group's order (the first came with the lock).
      const permits: (BudgetPermit | undefined)[] = [];
      let unused = firstPermit;
      for (const checked of checkNow) {
        permits.push(checked ? (unused ?? (await reserve(tx, () => true))) : undefined);
        if (checked) unused = undefined;
      }
      const stored = await txRepository.insertSubmissions(
        group.map(({ item: { command, parsed }, invoice }, i): NewSubmission => {
          const rawInput: RawInput = { input: command.input, parsed };
          const queued = !checkNow[i];
          return {
            id: deps.generateId('submission'),
            brandId,
            campaignId: campaign.id,
            memberId: command.memberId,
            kind: 'einvoice_text',
            channel: command.channel,
            sourceRef: command.sourceRef,
            rawInput: rawInput as unknown as Record<string, unknown>,
            state: 'parsed',
            proofKey: taiwanInvoiceProofKey(parsed.invoiceNumber, parsed.invoiceDate),
            invoiceId: invoice.id,
            // Checked now: this request holds the lease (a crash hands it to the retry worker); queued: due
            // at once for the retry worker, which checks it in turn.
            nextCheckAt: queued ? now : new Date(now.getTime() + leaseMs(deps)),
            checkAttempts: queued ? 0 : 1,
            ...(queued ? { reasonCode: QUEUED_REASON_CODE } : {}),
            createdAt: now,
            updatedAt: now,
          };
        }),
      );
      // The retry worker is woken when this commits.
      if (stored.some((row) => row.reasonCode === QUEUED_REASON_CODE)) await notifyWork(tx, 'verification');
      const bySourceRef = new Map(stored.map((row) => [row.sourceRef, row]));
      // One not stored (the same invoice already held, a redelivery racing): left to `submitProof`; a
      // permit taken for it goes unused (the budget is a ceiling, never exceeded).
      return group.flatMap(({ at, item, invoice }, i): Taken[] => {
        const submission = bySourceRef.get(item.command.sourceRef);
        if (!submission) return [];
        const permit = permits[i];
        return permit
          ? [{ at, submission, invoice, permit }]
          : [{ at, submission, queued: places[i] as ProofQueuePlace }];
      });
    });
  } catch (error) {
    if (error instanceof NotGrouped) return results;
    throw error;
  }
  for (const proof of taken)
    results[proof.at] =
      'queued' in proof
        ? Promise.resolve({ outcome: 'queued', submission: proof.submission, queue: proof.queued })
        : // The invoice row as this group stored it: the check does not read it again.
          verifyClaimedSubmission(
            deps,
            proof.submission,
            settings,
            proof.permit,
            { invoice: proof.invoice },
            { inCallersTransaction: commands[proof.at]?.decideInCallersTransaction === true },
          );
  return results;
}

/** How long the member has waited since the proof's event was received. */
function waitedMs(command: SubmitProofCommand, now: Date): number {
  return command.receivedAt ? Math.max(0, now.getTime() - command.receivedAt.getTime()) : 0;
}

/** The group's rollback when fewer than two of its proofs are left to take in together. */
class NotGrouped extends Error {}
