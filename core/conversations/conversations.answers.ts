import type { LineChannel } from '../brands/index.js';
import type { Executor, Transaction } from '../db/database.js';
import type { EventHandling, WebhookEvent } from '../events/index.js';
import { isLocale, type Locale } from '../i18n/index.js';
import { createMembersRepository, type Member } from '../members/index.js';
import { enqueueAnswers, type AnswerToRecord, type ClaimedMessage } from '../messaging/index.js';
import { getPointsBalance } from '../rewards/index.js';
import type { Submission, SubmitProofResult } from '../submissions/index.js';
import { credentialsOf } from './conversations.context.js';
import { surveyPromptFor } from './conversations.surveys.js';
import type { Answer, ProofAnswer } from './conversations.types.js';
import type { ConversationDeps } from './conversations.usecases.js';

/** An answer the event's commit recorded: claimed for sending (`sendLeaseMs`), or only its id. */
export type AnswerToSend = ClaimedMessage | { id: string };

/** An event's answer, staged by its commit step, written with its group's (`recordAnswers`). */
export type StagedAnswer = {
  /** A known member's activity, recorded with the answer (`ensureMember` did not write). */
  touch?: { memberId: string; channelId: string };
  answer: AnswerToRecord;
};

export type Handling = EventHandling<AnswerToSend, StagedAnswer>;

export type AnswerContext = {
  event: WebhookEvent;
  channel: LineChannel;
  member: Member;
  userId: string;
  replyToken: string | undefined;
  timezone: string;
  /** A known member: their activity is recorded in the answer's transaction (`ensureMember` did not write). */
  touchMember?: boolean;
  /** Whether the brand has an active survey (`EventContext.runsSurveys`); unknown: looked for. */
  runsSurveys?: boolean | undefined;
  /** The brand's active campaigns' row stamps (`EventContext.activeCampaigns`); unknown: read. */
  activeCampaigns?: string[] | undefined;
  /** The member was stored by this event (`ensureMember`): they have no open question yet. */
  createdNow?: boolean;
  /** Whether this event stored a proof already, read ahead (`SubmitProofCommand.seenBefore`). */
  seenBefore?: Promise<Submission | undefined>;
};

/** The proof's answer from what `submitProof` decided (what it reads, read with `db`). */
export async function answerOfResult(
  db: Executor,
  member: Member,
  result: SubmitProofResult,
  /** Whether the brand has an active survey (read with the event's context); unknown: looked for. */
  runsSurveys?: boolean,
): Promise<Answer> {
  switch (result.outcome) {
    case 'not_a_proof':
      return { kind: 'help' };
    case 'accepted': {
      const granted = result.rewards?.granted ?? result.decision?.granted;
      const quantities = result.rewards?.quantities ?? result.decision?.rewards;
      // Granted just now: the balance its grant read in the deciding transaction; else read now.
      const balance =
        result.rewards?.granted?.balance ??
        (await getPointsBalance(db, { brandId: member.brandId, memberId: member.id }));
      const survey =
        runsSurveys === false
          ? undefined
          : await surveyPromptFor(db, {
              brandId: member.brandId,
              memberId: member.id,
              submissionId: result.submission?.id,
            });
      return {
        kind: 'proof',
        outcome: 'accepted',
        pointsEarned: granted?.pointsEarned ?? quantities?.points ?? 0,
        entries: granted?.entriesAdded ?? quantities?.entries ?? 0,
        balance,
        ...(survey ? { survey } : {}),
        ...(result.decision?.heldFor === 'registration' ? { heldForRegistration: true } : {}),
        ...(granted?.instantPlayId ? { instantPlay: true } : {}),
      };
    }
    case 'rejected': {
      const failed = (result.decision?.verdicts ?? [])
        .filter((verdict) => !verdict.passed)
        .map((verdict) => ({ key: verdict.reasonKey, params: verdict.params ?? {} }));
      // Rejections that are not a rule's (the platform does not have the invoice) carry a reason code.
      const reasonCode = result.submission?.reasonCode;
      return {
        kind: 'proof',
        outcome: 'rejected',
        reasons: failed.length > 0 ? failed : reasonCode ? [{ key: reasonCode, params: {} }] : [],
      };
    }
    case 'invalid':
      return { kind: 'proof', outcome: 'invalid', issues: result.errors ?? [] };
    // Asked about by the caller (`answerProof`); here only when nothing of it could be kept.
    case 'incomplete':
      return { kind: 'proof', outcome: 'invalid', issues: [] };
    case 'being_checked':
    case 'awaiting_upload':
      return { kind: 'proof', outcome: result.outcome, nextCheckAt: result.nextCheckAt?.toISOString() };
    case 'queued':
      return { kind: 'proof', outcome: 'queued', ...(result.queue ? { queue: result.queue } : {}) };
    default:
      return { kind: 'proof', outcome: result.outcome } satisfies ProofAnswer;
  }
}

/** A proof's result and its answer, as the event's transaction has them (`proofAnswerStep`). */
export type ProofAnswerStep = {
  /** Whether the proof is decided in the event's transaction (`SubmitProofResult.decideIn`). */
  decidesInTransaction: boolean;
  settle: (tx: Transaction) => Promise<{ result: SubmitProofResult; answer: Answer }>;
};

/**
 * What `submitProof` returned, made the event's transaction's step: a proof whose decision waits for the
 * caller's transaction (`decideIn`) is decided in it and its answer read there, with the transaction (the
 * decision, the event's done mark and the answer commit together); any other answer is read now, before
 * the transaction (PGlite has one connection, which the transaction holds).
 */
export async function proofAnswerStep(
  deps: Pick<ConversationDeps, 'db'>,
  member: Member,
  submitted: SubmitProofResult,
  runsSurveys: boolean | undefined,
): Promise<ProofAnswerStep> {
  const { decideIn } = submitted;
  if (!decideIn) {
    const answer = await answerOfResult(deps.db, member, submitted, runsSurveys);
    return { decidesInTransaction: false, settle: async () => ({ result: submitted, answer }) };
  }
  return {
    decidesInTransaction: true,
    settle: async (tx) => {
      const result = await decideIn(tx);
      return { result, answer: await answerOfResult(tx, member, result, runsSurveys) };
    },
  };
}

export async function answerWith(
  deps: ConversationDeps,
  context: AnswerContext,
  answer: Answer,
): Promise<Handling> {
  return answerInTransaction(deps, context, async () => answer);
}

/** Proof answers that leave the decision for later (`notifyLaterDecisions` pushes it). */
const AWAITING_OUTCOMES = new Set<ProofAnswer['outcome']>([
  'queued',
  'being_checked',
  'awaiting_upload',
  'in_review',
]);

/** LINE takes at most 5 messages in one reply or push. */
const MAX_MESSAGES = 5;

/**
 * The answer, decided in the event's transaction (`decide` may write with `tx`), rendered and staged:
 * the group's commit writes it with its group's other answers (`recordAnswers`). Several answers (a
 * notice, then the proof's answer) go out as one reply, in order.
 */
export function answerInTransaction(
  deps: ConversationDeps,
  context: AnswerContext,
  decide: (tx: Transaction) => Promise<Answer | Answer[]>,
  /** `decide` writes a proof's decision: committed in a transaction of its own (`EventHandling.alone`). */
  { alone = false }: { alone?: boolean } = {},
): Handling {
  const locale: Locale = isLocale(context.member.locale) ? context.member.locale : 'en';
  const { event } = context;
  return {
    ...(alone ? { alone: true } : {}),
    stage: async (tx: Transaction) => {
      const decided = await decide(tx);
      const renderContext = {
        locale,
        liffId: context.channel.liffId ?? undefined,
        timezone: context.timezone,
      };
      const answers = Array.isArray(decided) ? decided : [decided];
      const messages = answers.flatMap((answer) => deps.render(answer, renderContext)).slice(-MAX_MESSAGES);
      return {
        ...(context.touchMember
          ? { touch: { memberId: context.member.id, channelId: context.channel.id } }
          : {}),
        answer: {
          brandId: event.brandId,
          channelId: event.channelId,
          memberId: context.member.id,
          toUserId: context.userId,
          dedupeKey: `event:${event.channelId}:${event.webhookEventId}`,
          replyToken: context.replyToken,
          eventOccurredAt: event.occurredAt,
          messages,
          // Told "waiting": the proof (this event's submission) gets its decision by push when it comes.
          awaitsDecision: answers.some(
            (answer) => answer.kind === 'proof' && AWAITING_OUTCOMES.has(answer.outcome),
          ),
          ...(deps.sendLeaseMs !== undefined
            ? {
                sendNow: {
                  leaseMs: deps.sendLeaseMs,
                  credentials: context.channel.channelAccessToken ? credentialsOf(context.channel) : null,
                  memberFollowing: context.member.following,
                },
              }
            : {}),
        },
      };
    },
  };
}

/**
 * Writes the staged answers of a group of events in their group's transaction: the known members'
 * activity in one statement, the answers in another (`enqueueAnswers`). Returns each event's answer to
 * send: claimed for sending (`sendLeaseMs`), or only its id; none when an earlier attempt recorded it.
 */
export async function recordAnswers(
  deps: Pick<ConversationDeps, 'generateId' | 'clock'>,
  tx: Transaction,
  staged: StagedAnswer[],
): Promise<AnswerToSend[][]> {
  const now = deps.clock.now();
  const touches = staged.flatMap((row) => (row.touch ? [row.touch] : []));
  if (touches.length > 0)
    await createMembersRepository({ db: tx, generateId: deps.generateId }).touchActiveMany({ touches, now });
  const results = await enqueueAnswers(
    { db: tx, generateId: deps.generateId, now },
    staged.map((row) => row.answer),
  );
  return results.map((result) =>
    result.status !== 'queued' || result.message.state !== 'pending'
      ? []
      : [result.claimed ?? { id: result.message.id }],
  );
}
