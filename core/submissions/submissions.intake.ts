import { readCampaignSettings, type CampaignWithSettings } from '../campaigns/index.js';
import { notifyWork } from '../db/work-signal.js';
import { createTurnBatcher } from '../shared/turn-batch.js';
import { resolveCampaign } from './submissions.decide.js';
import { asksPlatform, readEInvoice, unverifiedInvoiceOf, type RawInput } from './submissions.einvoice.js';
import { taiwanInvoiceProofKey } from './submissions.models.js';
import { countChecksAhead, placeInQueue, placeOf, QUEUED_REASON_CODE } from './submissions.queue.js';
import {
  createSubmissionsRepository,
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
 * lanes started together: `createTurnBatcher`) are taken in together when the deployment's MoF budget is
 * backlogged so far that every one of them would be queued anyway: one read of their earlier
 * submissions, one transaction that locks the budget once, stores their invoices and submissions in one
 * multi-row statement each and wakes the retry worker once, instead of one transaction each. Each is
 * answered "received, checking" with its place, as `submitProof` would answer it, and is checked later
 * at the budget's pace (the decision follows by push). Anything else — a proof that could be checked at
 * once, one seen before, one whose dates or stored answer settle it, a conflict — goes through
 * `submitProof` on its own, so every rule stays `submitProof`'s. Idempotent by `sourceRef` as before.
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
        let results: (SubmitProofResult | undefined)[];
        try {
          results = await queueTogether(
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
            return result ? entry.resolve(result) : alone(entry);
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

/**
 * Queues the proofs of one brand together when every one of them would be queued; the result of each
 * proof taken in, undefined for those left to `submitProof` (all of them when the budget is not
 * backlogged enough, or there is no shared budget, instant campaign or answer-at-once threshold).
 */
async function queueTogether(
  deps: SubmissionsDeps,
  commands: SubmitProofCommand[],
): Promise<(SubmitProofResult | undefined)[]> {
  const results: (SubmitProofResult | undefined)[] = commands.map(() => undefined);
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
  // Not backlogged (the first could be checked at once): each goes alone, without a group's reads.
  const estimate = await placeInQueue(deps, { now: deps.clock.now() });
  const firstReceived = candidates[0]?.item.command.receivedAt;
  const firstWaitedMs = firstReceived ? Math.max(0, deps.clock.now().getTime() - firstReceived.getTime()) : 0;
  if (!(estimate.etaMs > 0 && firstWaitedMs + estimate.etaMs > limitMs)) return results;
  const seen = await repository.findBySourceRefs({
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

  let taken: { at: number; submission: Submission; place: ProofQueuePlace }[];
  try {
    taken = await deps.db.transaction(async (tx) => {
      const txRepository = createSubmissionsRepository({ db: tx });
      // In `submitProof`'s order (the invoices, then the budget's row), so the two never deadlock.
      const invoiceRows = await txRepository.upsertInvoices({
        generateId: deps.generateId,
        invoices: asking.map(({ item: { parsed } }) => unverifiedInvoiceOf(brandId, parsed, now)),
      });
      // A stored answer that settles the proof: decided by `submitProof`, without the platform.
      const queued = asking.flatMap((entry, i) => {
        const invoice = invoiceRows[i];
        return invoice && asksPlatform(settings, entry.item.parsed, invoice, now)
          ? [{ ...entry, invoiceId: invoice.id }]
          : [];
      });
      // The budget's row stays locked to the commit, as for one proof: the places given are not taken
      // by anyone else meanwhile, and no permit is taken (each of these is checked later, in turn).
      let places: ProofQueuePlace[] | undefined;
      await reserve(tx, async (backlogMs) => {
        const base = placeOf(backlogMs, await countChecksAhead(tx, { now }), budget.ratePerSecond);
        const intervalMs = budget.ratePerSecond ? 1000 / budget.ratePerSecond : 0;
        const each = queued.map((_, i) => ({
          position: base.position + i,
          etaMs: Math.round(base.etaMs + i * intervalMs),
        }));
        const allQueued = queued.every(({ item }, i) => {
          const waitedMs = item.command.receivedAt
            ? Math.max(0, now.getTime() - item.command.receivedAt.getTime())
            : 0;
          const place = each[i] as ProofQueuePlace;
          return place.etaMs > 0 && waitedMs + place.etaMs > limitMs;
        });
        if (allQueued) places = each;
        return false;
      });
      // One of them could still be checked at once: nothing of the group is kept, each goes alone.
      if (!places || queued.length < 2) throw new NotAllQueued();
      const stored = await txRepository.insertSubmissions(
        queued.map(({ item: { command, parsed }, invoiceId }): NewSubmission => {
          const rawInput: RawInput = { input: command.input, parsed };
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
            invoiceId,
            // Due at once for the retry worker, which checks it in turn.
            nextCheckAt: now,
            checkAttempts: 0,
            reasonCode: QUEUED_REASON_CODE,
            createdAt: now,
            updatedAt: now,
          };
        }),
      );
      // The retry worker is woken when this commits.
      if (stored.length > 0) await notifyWork(tx, 'verification');
      const bySourceRef = new Map(stored.map((row) => [row.sourceRef, row]));
      // One not stored (the same invoice already held, a redelivery racing): left to `submitProof`.
      return queued.flatMap(({ at, item }, i) => {
        const submission = bySourceRef.get(item.command.sourceRef);
        return submission ? [{ at, submission, place: places?.[i] as ProofQueuePlace }] : [];
      });
    });
  } catch (error) {
    if (error instanceof NotAllQueued) return results;
    throw error;
  }
  for (const { at, submission, place } of taken)
    results[at] = { outcome: 'queued', submission, queue: place };
  return results;
}

/** The group's rollback when one of its proofs could still be checked at once. */
class NotAllQueued extends Error {}
